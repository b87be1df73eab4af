// Renders a plan as plain text lines for `kindlab up --dry-run`: every step with what it will run,
// every image and every port. Pure: no colours, no I/O (the CLI adds both).
import type { KubeObject } from './blueprint.ts'
import type { Plan, PlanStep } from './plan.ts'

function countKinds(objects: readonly KubeObject[]): string {
  const counts = new Map<string, number>()
  for (const o of objects) {
    counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1)
  }
  return [...counts].map(([kind, n]) => `${n} ${kind}${n > 1 ? 's' : ''}`).join(', ')
}

function stepDetails(step: PlanStep, plan: Plan): string[] {
  switch (step.action) {
    case 'kind-cluster': {
      const node = step.config.nodes[0]
      const maps = (node?.extraPortMappings ?? []).map(
        (m) => `${m.listenAddress ?? '0.0.0.0'}:${m.hostPort}→${m.containerPort}`,
      )
      return [
        `reuse it when "kind get clusters" lists ${step.clusterName} and its API server answers; otherwise:`,
        `kind create cluster --name ${step.clusterName} --config ${step.configPath} --kubeconfig ${step.kubeconfigPath}`,
        `node image ${node?.image ?? '(kind default)'}`,
        `host ports ${maps.join(', ')}`,
      ]
    }
    case 'check-context':
      return [
        `check that context ${step.context} in ${step.kubeconfigPath ?? 'your kubeconfig (KUBECONFIG or ~/.kube/config)'} answers (no kind, no Docker needed)`,
      ]
    case 'istio':
      return [
        `skip when istiod ${step.version} runs${step.nodePorts.length ? ` and ${step.ingressService} has node ports ${step.nodePorts.join(', ')}` : ''}${step.keepExisting ? ' (an existing Istio of any version is kept)' : ''}; otherwise:`,
        `istioctl install -y -f ${step.overlayPath}${plan.kubeconfigPath ? ` --kubeconfig ${plan.kubeconfigPath}` : ''} --context ${plan.context}`,
      ]
    case 'apply':
      return [
        `server-side apply (field manager kindlab): ${countKinds(step.objects)}`,
        ...(step.marker
          ? [`skip when namespace ${step.marker.namespace} carries ${step.marker.key} (your changes survive a re-run)`]
          : []),
      ]
    case 'gateway-api-crds':
      return [
        `download ${step.url}`,
        `check each of its ${Object.keys(step.pin.files).length} files against its pinned SHA-256, then server-side apply the CRDs (field manager kindlab)`,
      ]
    case 'wait':
      return [
        `watch Deployments until available (at most ${Math.round(step.timeoutMs / 60_000)} min):`,
        ...chunk(
          step.deployments.map((d) => `${d.namespace}/${d.name}`),
          4,
        ).map((row) => `  ${row.join(', ')}`),
      ]
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = []
  for (let i = 0; i < items.length; i += size) {
    rows.push(items.slice(i, i + size))
  }
  return rows
}

/**
 * The whole plan as lines of text. `serveUrl` is where the labs will be served afterwards; without
 * it (a cohort trainee's cluster, served by the instructor's server) there is no serve step.
 */
export function planText(plan: Plan, serveUrl?: string): string[] {
  const lines: string[] = []
  const where =
    plan.target.type === 'kind'
      ? `kind cluster "${plan.target.clusterName}"`
      : `existing cluster (context ${plan.target.context})`
  lines.push(
    `Plan for the live lab on the ${where}`,
    `kubeconfig: ${plan.kubeconfigPath ?? 'your default (KUBECONFIG or ~/.kube/config)'} (context ${plan.context})`,
    '',
  )
  lines.push('Steps:')
  plan.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.title}`)
    for (const detail of stepDetails(step, plan)) {
      lines.push(`       ${detail}`)
    }
  })
  if (serveUrl !== undefined) {
    lines.push(
      `  ${plan.steps.length + 1}. Serve the labs at ${serveUrl} (live mode, kubeconfig context ${plan.context})`,
    )
  }
  lines.push('')
  lines.push(`Images (${plan.images.length}):`)
  const width = Math.max(...plan.images.map((r) => r.image.length))
  for (const ref of plan.images) {
    lines.push(`  ${ref.image.padEnd(width)}  ${ref.usedBy}`)
  }
  lines.push('', 'Ports:')
  for (const scope of ['host', 'gateway', 'service'] as const) {
    const ports = plan.ports.filter((p) => p.scope === scope)
    const nameWidth = Math.max(0, ...ports.map((p) => p.name.length))
    for (const p of ports) {
      lines.push(`  ${p.name.padEnd(nameWidth)}  ${p.mapping}`)
    }
  }
  return lines
}
