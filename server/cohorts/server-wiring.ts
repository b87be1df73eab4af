// Plugs the cohort feature into the server's composition root (server/compose/services.ts), in two
// parts built in dependency order. First the environments: the backend per cohort mode (namespace
// cohorts: the class cluster, or planned-only offline; cluster cohorts: a kind cluster per trainee
// when kind, istioctl and Docker are there, else planned-only with the reason) and the exec into a
// cluster-mode trainee's own cluster (the terminal needs it). Then, once the terminal exists, the
// cohorts: where live trainees' command checks run (their workspace pods), the rate limits, watch
// tokens for the terminal, the admin token printed once, start and stop. The server registers
// the routes (server/app.ts), from `routes`.
import { existsSync } from 'node:fs'
import type { Config } from '../config.ts'
import type { GradingServices } from '../checks/types.ts'
import { loadBlueprint, type Blueprint } from '../provision/blueprint.ts'
import type { LabCatalog } from '../services/lab-catalog.ts'
import type { SessionService } from '../services/session-service.ts'
import type { CohortRepos } from '../store/cohort-repos.ts'
import type { SessionRecord } from '../store/sessions-repo.ts'
import { createClusterModeBackend } from './cluster/cluster-backend.ts'
import { traineeClusterExec } from './cluster/trainee-cluster-exec.ts'
import { createCohorts, type Cohorts } from './cohorts.ts'
import { createTraineeCommandRunners, type TraineeCommandRunners } from './command-runners.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from './environments.ts'
import type { LoadedKubeConfig } from '../adapters/kube/kube-config.ts'
import { createKubeOps } from '../adapters/kube/kube-ops.ts'
import { createWorkspacePods } from '../adapters/kube/pods.ts'
import { createKubeEnvironments } from './namespace-environments.ts'
import { createModeBackends, knownBackendForMode } from './mode-router.ts'
import { clusterModeDir } from './plan/cluster-plan.ts'
import type { PodExec } from './pod-terminal.ts'
import { defaultRateLimits, type RateLimits } from './rate-limits.ts'
import { installationId, loadCohortKey } from './secrets.ts'
import { servicesForSession } from './session-services.ts'
import type { TerminalManager } from '../terminal/terminal-manager.ts'
import type { TraineeSandbox } from '../terminal/sandbox/bwrap.ts'
import { createSandboxCommandRunner } from '../terminal/sandbox/sandbox-command-runner.ts'

/** Where trainees' environments are built, and the way into a cluster-mode trainee's own cluster. */
export interface CohortEnvironments {
  backend: EnvironmentBackend
  /** The live lab's blueprint, read when first needed. */
  blueprint: () => Promise<Blueprint>
  /** Why cluster-mode trainee clusters are only planned here, once that is known. */
  plannedReason: () => string | undefined
  /** The exec into a cluster-mode trainee's own cluster (their terminal). */
  traineeClusterExec: (clusterName: string) => PodExec
}

export interface CohortEnvironmentsInput {
  config: Pick<Config, 'dataDir' | 'offline' | 'offlineReason'>
  /** The class cluster's kubeconfig (server/compose/class-cluster.ts); read here at once when live. */
  loadClassCluster: () => LoadedKubeConfig
  /** Where to say that no class cluster is usable. @default stderr */
  print?: (line: string) => void
  /** Why cluster mode cannot build here, if it cannot (default: probe docker, kind and istioctl). */
  probeClusterMode?: () => Promise<string | undefined>
  /** One backend for every mode instead of the per-mode ones (tests: planned-only, a test cluster). */
  backend?: EnvironmentBackend
}

function namespaceBackendFor(input: CohortEnvironmentsInput): EnvironmentBackend {
  if (input.config.offline) {
    return createPlannedOnlyBackend({
      reason: `The server runs offline${input.config.offlineReason ? ` (${input.config.offlineReason})` : ''}: no class cluster is attached.`,
    })
  }
  try {
    return createKubeEnvironments(createKubeOps(input.loadClassCluster()), {
      owner: installationId(loadCohortKey(input.config.dataDir)),
    })
  } catch (err) {
    // The labs still work; cohorts fall back to planning only, and say why once.
    const why = err instanceof Error ? err.message : String(err)
    const print = input.print ?? ((line: string) => process.stderr.write(`${line}\n`))
    print(`cohorts: no usable kubeconfig (${why}); trainee environments will only be planned`)
    return createPlannedOnlyBackend({ reason: `No class cluster is usable: ${why}` })
  }
}

export function createCohortEnvironments(input: CohortEnvironmentsInput): CohortEnvironments {
  let bp: Promise<Blueprint> | undefined
  const blueprint = () => (bp ??= loadBlueprint())
  const backend =
    input.backend ??
    createModeBackends({
      namespace: namespaceBackendFor(input),
      clusterInUse: () => existsSync(clusterModeDir(input.config.dataDir)),
      cluster: () =>
        createClusterModeBackend({
          dataDir: input.config.dataDir,
          blueprint,
          ...(input.config.offline
            ? {
                offlineReason:
                  'The server runs offline (`kindlab serve --offline`): trainee kind clusters are only planned.',
              }
            : {}),
          ...(input.probeClusterMode ? { probe: input.probeClusterMode } : {}),
        }),
    })
  const plannedReason = () => knownBackendForMode(backend, 'cluster')?.plannedReason
  return {
    backend,
    blueprint,
    plannedReason,
    traineeClusterExec: traineeClusterExec(input.config.dataDir, plannedReason),
  }
}

export interface CohortWiringInput {
  /** The cohort feature's repositories (store/cohort-repos.ts), opened by the composition root. */
  repos: CohortRepos
  config: Pick<Config, 'dataDir' | 'offline' | 'publicUrl' | 'accessToken'>
  sessions: SessionService
  catalog: LabCatalog
  environments: CohortEnvironments
  /** The class cluster's kubeconfig: live trainees' command checks run in their pods there. */
  loadClassCluster: () => LoadedKubeConfig
  /** The shells: a trainee's is closed when their session ends (reset, teardown). */
  terminal: Pick<TerminalManager, 'closeSession'>
  /** Offline: the sandbox trainees' shells run in; their command checks run there too. */
  traineeSandbox?: TraineeSandbox
  /** How often trainees may join, instructors sign in, and anyone press Check. @default defaultRateLimits */
  limits?: RateLimits
  /** Where to print the admin token at first start. @default stdout */
  print?: (line: string) => void
}

export interface CohortWiring {
  cohorts: Cohorts
  /** What the cohort routes need (server/http/routes/cohorts.ts). */
  routes: {
    cohorts: Cohorts
    sessions: SessionService
    limits: RateLimits
    links: { publicUrl?: string; accessToken?: string }
  }
  /** The trainee session an instructor's watch token stands for (the watch websocket). */
  resolveWatchToken(token: string): SessionRecord | undefined
  start(): void
  stop(): Promise<void>
  /**
   * The grading services of a session: a trainee's are scoped to their namespace, or their own
   * cluster, and live their command checks run in their workspace pod.
   */
  servicesFor(session: SessionRecord, base: GradingServices): GradingServices
}

/**
 * Live: trainees' command checks run in their workspace pods, where their terminals are (the class
 * cluster's kubeconfig is read at the first check). Offline: none; they run in the trainee's sandbox.
 */
function commandRunnersFor(input: CohortWiringInput): TraineeCommandRunners | undefined {
  if (input.config.offline) {
    return undefined
  }
  return createTraineeCommandRunners({
    classCluster: () => createWorkspacePods(input.loadClassCluster().kc),
    dataDir: input.config.dataDir,
    plannedReason: input.environments.plannedReason,
  })
}

export function wireCohorts(input: CohortWiringInput): CohortWiring {
  const { environments, terminal } = input
  const cohorts = createCohorts({
    repos: input.repos,
    dataDir: input.config.dataDir,
    sessions: input.sessions,
    catalog: input.catalog,
    backend: environments.backend,
    onSessionEnded: (id) => void terminal.closeSession(id),
  })
  const sessionsRepo = input.repos.sessions
  const commandRunners = commandRunnersFor(input)
  const traineeSandbox = input.config.offline ? input.traineeSandbox : undefined
  const adminToken = cohorts.instructors.bootstrap()
  if (adminToken) {
    const print = input.print ?? ((line: string) => process.stdout.write(`${line}\n`))
    print(`instructor admin token (shown once, keep it): ${adminToken}`)
  }
  return {
    cohorts,
    routes: {
      cohorts,
      sessions: input.sessions,
      limits: input.limits ?? defaultRateLimits,
      links: {
        ...(input.config.publicUrl ? { publicUrl: input.config.publicUrl } : {}),
        ...(input.config.accessToken ? { accessToken: input.config.accessToken } : {}),
      },
    },
    resolveWatchToken: (token) => {
      const id = cohorts.watch.resolve(token)
      return id ? sessionsRepo.findById(id) : undefined
    },
    start: () => cohorts.start(),
    stop: () => cohorts.stop(),
    servicesFor: (session, base) =>
      servicesForSession(session, base, {
        dataDir: input.config.dataDir,
        blueprint: environments.blueprint,
        ...(commandRunners ? { commandRunners } : {}),
        ...(traineeSandbox
          ? { localTraineeRunner: (s: SessionRecord) => createSandboxCommandRunner(traineeSandbox, s.workspaceDir) }
          : {}),
      }),
  }
}
