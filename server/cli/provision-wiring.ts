// Wires provisioning for the CLI commands up and serve: the plan for the flags, real adapters (kind,
// istioctl, the Kubernetes API), the progress view, the live grading services and the terminal's kubeconfig.
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { downloadText } from '../adapters/download/download.ts'
import { createIstioctlCli } from '../adapters/istioctl/istioctl-cli.ts'
import { createKindCli } from '../adapters/kind/kind-cli.ts'
import { loadKubeConfig, type KubeTarget } from '../adapters/kube/kube-config.ts'
import { createKubeOps } from '../adapters/kube/kube-ops.ts'
import { createLiveServices, type LiveServices, type ProbeRoute } from '../adapters/live/live-services.ts'
import type { ProgressEventDto } from '../protocol/api-dto.ts'
import { loadBlueprint, type Blueprint } from '../provision/blueprint.ts'
import { gatewayPortRoutes } from '../provision/blueprint-facts.ts'
import { createStepRunner, type ProvisionAdapters } from '../provision/executors.ts'
import { planUp, type Plan, type PlanTarget } from '../provision/plan.ts'
import { runPlan } from '../provision/run-plan.ts'
import type { LiveEnv } from './live-env.ts'
import type { LiveTarget } from './live-flags.ts'
import { gatewayRef, givenProbeRoute } from './live-target.ts'
import { createProgressView } from './progress-view.ts'

/** Writes a file, creating its folder; `mode` for secrets such as kubeconfigs. */
export async function writeText(path: string, text: string, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text, mode === undefined ? {} : { mode })
  if (mode !== undefined) {
    await chmod(path, mode)
  }
}

export function provisionAdapters(env: LiveEnv): ProvisionAdapters {
  return {
    kind: createKindCli(env.toolEnv),
    istioctl: createIstioctlCli(env.toolEnv),
    kube: (target) => createKubeOps(target),
    writeText,
    downloadText,
  }
}

/** The target the flags ask for: an existing context, or kindlab's own kind cluster. */
export function targetFor(flags: { context?: string }, env: LiveEnv, bp: Blueprint): PlanTarget {
  if (flags.context) {
    return { type: 'context', context: flags.context }
  }
  return {
    type: 'kind',
    clusterName: bp.kind.clusterName,
    ...(env.listenAddress ? { listenAddress: env.listenAddress } : {}),
    ...(env.inContainer ? { internalKubeconfig: true } : {}),
  }
}

/**
 * Loads the blueprint and plans `up` for the flags. `--kubeconfig` alone targets that file's
 * current context.
 */
export async function planFor(
  flags: { context?: string; kubeconfig?: string; loadgen?: boolean },
  env: LiveEnv,
): Promise<{ bp: Blueprint; plan: Plan }> {
  const bp = await loadBlueprint()
  const context =
    flags.context ?? (flags.kubeconfig ? loadKubeConfig({ kubeconfigPath: flags.kubeconfig }).context : undefined)
  const target = targetFor(context ? { context } : {}, env, bp)
  const plan = planUp(bp, {
    target,
    kubeconfigPath: target.type === 'kind' ? env.kubeconfigPath : flags.kubeconfig,
    workDir: env.workDir,
    optional: flags.loadgen ? ['loadgenerator'] : [],
  })
  return { bp, plan }
}

/** How kindlab reaches the gateway for traffic probes from where it runs. */
export function probeRouteFor(plan: Plan, bp: Blueprint, env: LiveEnv): ProbeRoute {
  const gateway = gatewayRef(bp)
  if (plan.target.type === 'context') {
    return { type: 'service', gateway, inCluster: env.inCluster }
  }
  const routes = gatewayPortRoutes(bp)
  if (env.inContainer) {
    const pairs = routes.flatMap((r): Array<[number, number]> => [
      [r.servicePort, r.nodePort],
      ...(r.hostPort ? [[r.hostPort, r.nodePort] as [number, number]] : []),
    ])
    const ports: Record<number, number> = Object.fromEntries(pairs)
    return { type: 'node-ports', node: `${plan.target.clusterName}-control-plane`, ports }
  }
  const listen = plan.target.listenAddress
  const ports: Record<number, number> = Object.fromEntries(
    routes.flatMap((r): Array<[number, number]> => (r.hostPort ? [[r.servicePort, r.hostPort]] : [])),
  )
  return { type: 'host-ports', host: !listen || listen === '0.0.0.0' ? '127.0.0.1' : listen, ports }
}

/**
 * The grading services for the planned cluster (lazy: nothing connects until a check runs);
 * `given`: --gateway and --envoy-admin, when the gateway is reached otherwise.
 */
export function liveServicesFor(
  plan: Plan,
  bp: Blueprint,
  env: LiveEnv,
  given: Pick<LiveTarget, 'gateway' | 'envoyAdmin'> = {},
): LiveServices {
  const kube = plan.kubeconfigPath
    ? { kubeconfigPath: plan.kubeconfigPath, context: plan.context }
    : { context: plan.context }
  const gateway = gatewayRef(bp)
  return createLiveServices({
    kube,
    gateway,
    probe: givenProbeRoute(given, gateway, probeRouteFor(plan, bp, env)),
    ...(given.envoyAdmin ? { envoyAdmin: given.envoyAdmin } : {}),
  })
}

/**
 * KUBECONFIG for the learner's terminal and the server (one file, as both expect). kind: the lab's
 * own file. An existing context: a file (mode 0600) holding only that context, its cluster and its
 * user, taken from the user's kubeconfig, so kubectl in the lab terminal always talks to it.
 */
export async function terminalEnvFor(plan: Plan, env: LiveEnv): Promise<Record<string, string>> {
  if (plan.target.type === 'kind') {
    return { KUBECONFIG: plan.kubeconfigPath ?? env.kubeconfigPath }
  }
  const { file } = await writeContextKubeconfig(
    { ...(plan.kubeconfigPath ? { kubeconfigPath: plan.kubeconfigPath } : {}), context: plan.context },
    env.dataDir,
  )
  return { KUBECONFIG: file }
}

/**
 * Writes `<dataDir>/context-<name>.kubeconfig` (mode 0600) holding only the target's context, its
 * cluster and its user; returns the file and the context's name. Throws LAB_ERR_KUBE_NOT_CONFIGURED
 * when the kubeconfig or the context does not exist.
 */
export async function writeContextKubeconfig(
  target: KubeTarget,
  dataDir: string,
): Promise<{ file: string; context: string }> {
  const { kc, context: name } = loadKubeConfig(target)
  const context = kc.getContextObject(name)
  const cluster = kc.getCurrentCluster()
  const user = kc.getCurrentUser()
  const only = new KubeConfig()
  only.loadFromOptions({
    clusters: cluster ? [cluster] : [],
    users: user ? [user] : [],
    contexts: context ? [context] : [],
    currentContext: name,
  })
  const file = join(dataDir, `context-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.kubeconfig`)
  await writeText(file, only.exportConfig(), 0o600)
  return { file, context: name }
}

/** Runs the plan with the terminal progress view; `onEvent` also receives every event (the web page). */
export async function provision(
  plan: Plan,
  adapters: ProvisionAdapters,
  options: { signal: AbortSignal; onEvent?: (e: ProgressEventDto) => void; range?: readonly [number, number] },
): Promise<void> {
  const view = createProgressView()
  try {
    await runPlan(plan, createStepRunner(plan, adapters), {
      signal: options.signal,
      ...(options.range ? { range: options.range } : {}),
      onProgress: (event) => {
        view.update(event)
        options.onEvent?.(event)
      },
    })
  } finally {
    view.stop()
  }
}
