// The executors: how each kind of plan step is carried out through the adapters (kind, istioctl,
// Kubernetes). Every step first checks whether its work is already done, so `kindlab up` can be
// re-run after a failure or Ctrl-C and picks up where it stopped.
import { stringify } from 'yaml'
import type { IstioctlCli } from '../adapters/istioctl/istioctl-cli.ts'
import type { KindCli } from '../adapters/kind/kind-cli.ts'
import type { KubeTarget } from '../adapters/kube/kube-config.ts'
import type { KubeOps } from '../adapters/kube/kube-ops.ts'
import { toAppError } from '../errors.ts'
import { verifiedInstallObjects } from './gateway-api-crds.ts'
import type { Plan, PlanStep } from './plan.ts'
import type { StepContext, StepResult, StepRunner } from './run-plan.ts'

/** The adapters the executors use; tests and the CLI pass real ones. */
export interface ProvisionAdapters {
  kind: KindCli
  istioctl: IstioctlCli
  kube(target: KubeTarget): KubeOps
  /** Writes a file, creating its folder (rendered configs, the kubeconfig). */
  writeText(path: string, text: string, mode?: number): Promise<void>
  /** Downloads a text file (the Gateway API install YAML); network errors become AppErrors. */
  downloadText(url: string, options: { signal?: AbortSignal }): Promise<string>
}

type StepOf<A extends PlanStep['action']> = Extract<PlanStep, { action: A }>

const kubeTarget = (kubeconfigPath: string | undefined, context: string): KubeTarget => ({
  ...(kubeconfigPath ? { kubeconfigPath } : {}),
  context,
})
const planTarget = (plan: Plan): KubeTarget => kubeTarget(plan.kubeconfigPath, plan.context)

async function kindCluster(
  step: StepOf<'kind-cluster'>,
  ctx: StepContext,
  a: ProvisionAdapters,
  plan: Plan,
): Promise<StepResult> {
  const target = kubeTarget(step.kubeconfigPath, plan.context)
  if ((await a.kind.clusters()).includes(step.clusterName)) {
    ctx.report(`found kind cluster "${step.clusterName}"; checking that it answers`)
    await a.writeText(
      step.kubeconfigPath,
      await a.kind.kubeconfig(step.clusterName, { internal: step.internalKubeconfig }),
      0o600,
    )
    try {
      const version = await a.kube(target).ping()
      return { state: 'skipped', detail: `reusing kind cluster "${step.clusterName}" (Kubernetes ${version})` }
    } catch (err) {
      ctx.report(`cluster "${step.clusterName}" does not answer (${toAppError(err).message}); recreating it`)
      await a.kind.delete(step.clusterName, step.kubeconfigPath)
    }
  }
  await a.writeText(step.configPath, stringify(step.config))
  await a.kind.create(step.clusterName, step.configPath, step.kubeconfigPath, {
    signal: ctx.signal,
    onLine: (line) => ctx.report(line),
  })
  if (step.internalKubeconfig) {
    await a.writeText(step.kubeconfigPath, await a.kind.kubeconfig(step.clusterName, { internal: true }), 0o600)
  }
  return { state: 'done', detail: `kind cluster "${step.clusterName}" created` }
}

async function checkContext(step: StepOf<'check-context'>, a: ProvisionAdapters): Promise<StepResult> {
  const version = await a.kube(kubeTarget(step.kubeconfigPath, step.context)).ping()
  return { state: 'done', detail: `context ${step.context} answers (Kubernetes ${version})` }
}

async function istio(step: StepOf<'istio'>, ctx: StepContext, a: ProvisionAdapters, plan: Plan): Promise<StepResult> {
  const ops = a.kube(planTarget(plan))
  const state = await ops.istioState(step.namespace, step.ingressService)
  if (state.istiodTag && step.keepExisting) {
    return { state: 'skipped', detail: `Istio ${state.istiodTag} is already installed; kept as it is` }
  }
  if (state.istiodTag === step.version && step.nodePorts.every((p) => state.nodePorts.includes(p))) {
    return { state: 'skipped', detail: `Istio ${step.version} is already installed` }
  }
  await a.writeText(step.overlayPath, stringify(step.overlay))
  ctx.report(`istioctl install -f ${step.overlayPath}`)
  await a.istioctl.install(
    step.overlayPath,
    { ...(plan.kubeconfigPath ? { kubeconfig: plan.kubeconfigPath } : {}), context: plan.context },
    { signal: ctx.signal, onLine: (line) => ctx.report(line) },
  )
  return { state: 'done', detail: `Istio ${step.version} installed` }
}

async function apply(step: StepOf<'apply'>, ctx: StepContext, a: ProvisionAdapters, plan: Plan): Promise<StepResult> {
  const ops = a.kube(planTarget(plan))
  const marker = step.marker
  if (marker) {
    const value = await ops.namespaceAnnotation(marker.namespace, marker.key)
    if (value !== undefined) {
      return {
        state: 'skipped',
        detail: `already deployed (namespace ${marker.namespace} is marked); delete the namespace to start the app afresh`,
      }
    }
  }
  let count = 0
  await ops.apply(step.objects, {
    signal: ctx.signal,
    onObject: (label) => ctx.report(`applying ${label} (${++count}/${step.objects.length})`),
  })
  if (marker) {
    await ops.annotateNamespace(marker.namespace, marker.key, marker.value)
  }
  return { state: 'done', detail: `${step.objects.length} objects applied` }
}

async function gatewayApiCrds(
  step: StepOf<'gateway-api-crds'>,
  ctx: StepContext,
  a: ProvisionAdapters,
  plan: Plan,
): Promise<StepResult> {
  ctx.report(`downloading ${step.url}`)
  const text = await a.downloadText(step.url, { signal: ctx.signal })
  const objects = verifiedInstallObjects(text, step.pin, step.url)
  let count = 0
  // Server-side apply is idempotent: a re-run re-applies the same pinned objects.
  await a.kube(planTarget(plan)).apply(objects, {
    signal: ctx.signal,
    onObject: (label) => ctx.report(`applying ${label} (${++count}/${objects.length})`),
  })
  return { state: 'done', detail: `${objects.length} objects of Gateway API ${step.pin.version} applied` }
}

async function wait(step: StepOf<'wait'>, ctx: StepContext, a: ProvisionAdapters, plan: Plan): Promise<StepResult> {
  const ops = a.kube(planTarget(plan))
  await ops.waitForDeployments(step.deployments, {
    timeoutMs: step.timeoutMs,
    signal: ctx.signal,
    onProgress: (detail) => ctx.report(detail),
  })
  return { state: 'done', detail: `${step.deployments.length} deployments ready` }
}

/** The step runner for `plan`, carrying out each step through `adapters`. */
export function createStepRunner(plan: Plan, adapters: ProvisionAdapters): StepRunner {
  return async (step, ctx) => {
    switch (step.action) {
      case 'kind-cluster':
        return kindCluster(step, ctx, adapters, plan)
      case 'check-context':
        return checkContext(step, adapters)
      case 'istio':
        return istio(step, ctx, adapters, plan)
      case 'apply':
        return apply(step, ctx, adapters, plan)
      case 'wait':
        return wait(step, ctx, adapters, plan)
      case 'gateway-api-crds':
        return gatewayApiCrds(step, ctx, adapters, plan)
    }
  }
}
