// `kindlab status`: is the live lab up? Asks kind and the cluster what exists and how ready it is
// (the cluster, Istio, the ingress ports and every Deployment) and prints a short report or JSON;
// exit code 1 when the lab is not ready. The adapters load only when the command runs.
import type { Command } from 'commander'
import type { KubeOps } from '../../adapters/kube/kube-ops.ts'
import { toAppError } from '../../errors.ts'
import type { Blueprint } from '../../provision/blueprint.ts'
import { pc } from '../colors.ts'

/** What the command needs beyond printing, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../adapters/kind/kind-cli.ts')),
  ...(await import('../../adapters/kube/kube-ops.ts')),
  ...(await import('../../provision/blueprint.ts')),
  ...(await import('../live-env.ts')),
})

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the live lab: cluster, Istio, ingress ports, deployments')
    .option('--data <dir>', 'kindlab data folder (default: ~/.kindlab)')
    .option('--context <name>', 'an existing cluster instead of the kind lab')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExit codes: 0 the lab is ready, 1 it is not (or not created).')
    .action((flags: StatusFlags) => runStatus(flags))
}

export interface StatusFlags {
  data?: string
  context?: string
  json?: boolean
}

export interface LabStatus {
  cluster: { name: string; exists: boolean; reachable: boolean; version?: string; error?: string }
  istio?: { installed: boolean; version?: string; ingressType?: string; nodePorts: number[] }
  app?: { deployed: boolean }
  deployments: Array<{ namespace: string; name: string; ready: number; desired: number; available: boolean }>
  /** Deployments the lab needs that do not exist. */
  missing: string[]
  ready: boolean
}

async function inspect(ops: KubeOps, bp: Blueprint, status: LabStatus): Promise<void> {
  const { appMarkerKey } = await import('../../provision/plan.ts')
  const istio = await ops.istioState(bp.istio.namespace, bp.istio.ingress.service)
  status.istio = {
    installed: istio.istiodTag !== undefined,
    nodePorts: istio.nodePorts,
    ...(istio.istiodTag ? { version: istio.istiodTag } : {}),
    ...(istio.ingressType ? { ingressType: istio.ingressType } : {}),
  }
  status.app = { deployed: (await ops.namespaceAnnotation(bp.app.namespace, appMarkerKey)) !== undefined }
  for (const namespace of [bp.istio.namespace, bp.app.namespace]) {
    for (const d of await ops.deployments(namespace)) {
      status.deployments.push({ namespace, name: d.name, ready: d.ready, desired: d.desired, available: d.available })
    }
  }
  const expected = [
    ...bp.istio.deployments.map((name) => `${bp.istio.namespace}/${name}`),
    ...[...bp.app.manifests, ...bp.addons.manifests]
      .flatMap((f) => f.objects)
      .filter((o) => o.kind === 'Deployment')
      .map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`),
  ]
  const present = new Set(status.deployments.map((d) => `${d.namespace}/${d.name}`))
  status.missing = expected.filter((name) => !present.has(name))
  status.ready =
    status.istio.installed &&
    status.app.deployed &&
    status.missing.length === 0 &&
    status.deployments.every((d) => d.available)
}

/** Gathers the status; never throws for an absent or broken cluster (that is the status). */
export async function gatherStatus(flags: StatusFlags): Promise<LabStatus> {
  const { liveEnv, loadBlueprint, createKindCli, createKubeOps } = await load()
  const env = liveEnv(flags.data)
  const bp = await loadBlueprint()
  const name = flags.context ?? `kind-${bp.kind.clusterName}`
  const status: LabStatus = {
    cluster: { name, exists: true, reachable: false },
    deployments: [],
    missing: [],
    ready: false,
  }
  try {
    if (!flags.context) {
      status.cluster.exists = (await createKindCli(env.toolEnv).clusters()).includes(bp.kind.clusterName)
      if (!status.cluster.exists) {
        return status
      }
    }
    const ops = createKubeOps(
      flags.context ? { context: flags.context } : { kubeconfigPath: env.kubeconfigPath, context: name },
    )
    status.cluster.version = await ops.ping()
    status.cluster.reachable = true
    await inspect(ops, bp, status)
  } catch (err) {
    status.cluster.error = toAppError(err).message
  }
  return status
}

function print(s: LabStatus): void {
  const yes = (ok: boolean, text: string) => `${ok ? pc.green('✔') : pc.red('✘')} ${text}`
  const lines = [
    yes(
      s.cluster.exists && s.cluster.reachable,
      `cluster ${s.cluster.name}${s.cluster.version ? ` (Kubernetes ${s.cluster.version})` : ''}${s.cluster.exists ? '' : ': not created'}${s.cluster.error ? `: ${s.cluster.error}` : ''}`,
    ),
  ]
  if (s.istio) {
    lines.push(
      yes(
        s.istio.installed,
        `Istio ${s.istio.version ?? 'not installed'}${s.istio.ingressType ? `, ingress ${s.istio.ingressType} ${s.istio.nodePorts.join('/')}` : ''}`,
      ),
    )
  }
  if (s.app) {
    lines.push(yes(s.app.deployed, `the shop ${s.app.deployed ? 'deployed' : 'not deployed'}`))
  }
  for (const d of s.deployments) {
    lines.push(`  ${d.available ? pc.green('●') : pc.yellow('○')} ${d.namespace}/${d.name} ${d.ready}/${d.desired}`)
  }
  for (const name of s.missing) {
    lines.push(`  ${pc.red('○')} ${name} missing`)
  }
  lines.push(
    s.ready
      ? pc.green('The live lab is ready.')
      : pc.yellow('The live lab is not ready: `kindlab up` creates or resumes it.'),
  )
  process.stdout.write(`${lines.join('\n')}\n`)
}

export async function runStatus(flags: StatusFlags): Promise<void> {
  const status = await gatherStatus(flags)
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`)
  } else {
    print(status)
  }
  if (!status.ready) {
    process.exitCode = 1
  }
}
