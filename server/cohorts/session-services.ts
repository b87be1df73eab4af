// The grading services of one session (what its Checks read). A learner gets the server's. A
// namespace-mode trainee shares the class cluster, so their resource source is scoped to their
// namespace plus what the lab needs elsewhere: analyzers never see, and explanations never name,
// another trainee's objects. A cluster-mode trainee's checks read their own kind cluster: its
// API, its gateway's Envoy (port-forward) and traffic through its own host ports, and their own
// Kubernetes Gateways' proxies through port-forwards (LiveCluster.proxy). On a live
// server a trainee's command checks run in their workspace pod (command-runners.ts), on an offline
// one in their terminal's sandbox.
import { existsSync } from 'node:fs'
import { createLiveServices, type LiveServices } from '../adapters/live/live-services.ts'
import { lazyLiveCluster } from '../adapters/live/lazy-live-cluster.ts'
import type { ResourceSource } from '../checks/live-services.ts'
import type { CommandRunner, GradingServices } from '../checks/types.ts'
import { AppError } from '../errors.ts'
import { blueprintShopNamespace, type Blueprint } from '../provision/blueprint.ts'
import type { SessionRecord } from '../store/sessions-repo.ts'
import { cohortPortBlock } from './cluster/kind-environments.ts'
import { commandRunnerForSession, type TraineeCommandRunners } from './command-runners.ts'
import { parseTraineeClusterName, planTraineeCluster, traineeClusterKubeconfig } from './plan/cluster-plan.ts'
import { traineeResourceScope } from './plan/rbac.ts'

export interface SessionServicesOptions {
  dataDir: string
  /** @default 'istio-system' */
  istioNamespace?: string
  /** @default the blueprint's shop namespace (clusters/blueprint.yaml `app.namespace`) */
  shopNamespace?: string
  /** The live lab's blueprint (gateway and host ports of a trainee's cluster). */
  blueprint: () => Promise<Blueprint>
  /**
   * Where live trainees' command checks run (their workspace pod, like their terminal). Absent on
   * an offline server: command checks run locally there, a trainee's in `localTraineeRunner`.
   */
  commandRunners?: TraineeCommandRunners
  /**
   * Offline (no `commandRunners`): where a trainee's command checks run instead of a plain local
   * process, i.e. their terminal's sandbox (terminal/sandbox/sandbox-command-runner.ts).
   */
  localTraineeRunner?: (session: SessionRecord) => CommandRunner
}

/**
 * The services for `session`, given the server's (`base`: the class cluster's, or the workspace's
 * offline): what its grader checks read, and where its command checks run.
 */
export function servicesForSession(
  session: SessionRecord,
  base: GradingServices,
  options: SessionServicesOptions,
): GradingServices {
  const services = gradingServices(session, base, options)
  const runner =
    commandRunnerForSession(session, options.commandRunners) ??
    (session.kind === 'trainee' && !options.commandRunners ? options.localTraineeRunner?.(session) : undefined)
  return runner ? { ...services, commandRunner: runner } : services
}

function gradingServices(
  session: SessionRecord,
  base: GradingServices,
  options: SessionServicesOptions,
): GradingServices {
  const namespace = session.kind === 'trainee' ? session.vars['TRAINEE_NAMESPACE'] : undefined
  if (!namespace) {
    return base
  }
  const { resources } = base
  const cluster = session.vars['TRAINEE_CLUSTER']
  if (cluster) {
    // Offline (the base grades the trainee's own files) and no cluster built: keep the files.
    const built = existsSync(traineeClusterKubeconfig(options.dataDir, cluster) ?? '')
    return built || resources.scoped ? traineeClusterServices(cluster, options) : base
  }
  if (!resources.scoped) {
    return base // offline: the trainee's own workspace files
  }
  const scope = traineeResourceScope(
    namespace,
    options.istioNamespace ?? 'istio-system',
    options.shopNamespace ?? blueprintShopNamespace(),
  )
  return { ...base, resources: resources.scoped(scope) }
}

/** A cluster-mode trainee's live services, built when a check first needs them. */
function traineeClusterServices(clusterName: string, options: SessionServicesOptions): GradingServices {
  let loading: Promise<LiveServices> | undefined
  const load = (): Promise<LiveServices> =>
    (loading ??= (async () => {
      const parsed = parseTraineeClusterName(clusterName)
      const cohort = { name: parsed?.cohort ?? '', domain: '' }
      const kubeconfig = traineeClusterKubeconfig(options.dataDir, clusterName)
      if (!parsed || !kubeconfig || !existsSync(kubeconfig)) {
        throw new AppError('LAB_ERR_KUBE_NOT_CONFIGURED', {
          message: `Your kind cluster ${clusterName} does not exist (yet).`,
          hint: 'Wait until your environment is ready; if it failed, your instructor can reset you.',
        })
      }
      const bp = await options.blueprint()
      const block = await cohortPortBlock(options.dataDir, cohort, false)
      const t = planTraineeCluster(bp, cohort, parsed.traineeId, { dataDir: options.dataDir, block })
      return createLiveServices({
        kube: { kubeconfigPath: t.kubeconfigPath, context: t.context },
        gateway: {
          namespace: bp.istio.namespace,
          service: bp.istio.ingress.service,
          selector: bp.istio.ingress.selector,
          adminPort: bp.istio.ingress.adminPort,
        },
        probe: {
          type: 'host-ports',
          ports: Object.fromEntries(t.hostPorts.map((p) => [p.servicePort, p.hostPort])),
        },
      })
    })()).catch((err: unknown) => {
      loading = undefined // not built yet: try again at the next check
      throw err
    })
  const resources = async () => (await load()).resources
  const live = async () => (await load()).cluster
  const where = `your kind cluster ${clusterName}`
  const source: ResourceSource = {
    describe: () => `cluster kind-${clusterName} (${where})`,
    list: async (options) => (await resources()).list(options),
  }
  const cluster = lazyLiveCluster(where, live)
  return { resources: source, cluster }
}
