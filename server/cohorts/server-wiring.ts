// Plugs the cohort feature into `startServer`: picks the environment backend per cohort mode
// (namespace cohorts: the class cluster through the kubeconfig, or planned-only offline; cluster
// cohorts: a kind cluster per trainee when kind, istioctl and Docker are there, else planned-only
// with the reason), picks where live trainees' command checks run (their workspace pods), builds
// the rate limits, resolves instructor watch tokens for the terminal, prints the admin token once,
// starts and stops. The routes are registered by the server (serve.ts), from `routes`.
import { existsSync } from 'node:fs'
import type { Config } from '../config.ts'
import type { GradingServices } from '../checks/types.ts'
import { loadBlueprint, type Blueprint } from '../provision/blueprint.ts'
import type { LabCatalog } from '../services/lab-catalog.ts'
import type { SessionService } from '../services/session-service.ts'
import type { Db } from '../store/db.ts'
import { createSessionsRepo, type SessionRecord } from '../store/sessions-repo.ts'
import { createClusterModeBackend } from './cluster/cluster-backend.ts'
import { traineeClusterExec } from './cluster/trainee-cluster-exec.ts'
import { createCohorts, type Cohorts } from './cohorts.ts'
import { createTraineeCommandRunners, type TraineeCommandRunners } from './command-runners.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from './environments.ts'
import { loadKubeConfig, type KubeTarget } from '../adapters/kube/kube-config.ts'
import { createKubeOps } from '../adapters/kube/kube-ops.ts'
import { connectWorkspacePods } from '../adapters/kube/pods.ts'
import { createKubeEnvironments } from './namespace-environments.ts'
import { createModeBackends, type ModeBackends } from './mode-router.ts'
import { clusterModeDir } from './plan/cluster-plan.ts'
import type { PodExec } from './pod-terminal.ts'
import { defaultRateLimits, type RateLimits } from './rate-limits.ts'
import { installationId, loadCohortKey } from './secrets.ts'
import { servicesForSession } from './session-services.ts'
import type { TerminalManager } from '../terminal/terminal-manager.ts'
import type { TraineeSandbox } from '../terminal/sandbox/bwrap.ts'
import { createSandboxCommandRunner } from '../terminal/sandbox/sandbox-command-runner.ts'

export interface CohortWiringInput {
  db: Db
  config: Config
  sessions: SessionService
  catalog: LabCatalog
  /** The class cluster: the server's kubeconfig (KUBECONFIG of its cluster environment) and context. */
  classCluster: KubeTarget
  /** Where to print the admin token at first start. @default stdout */
  print?: (line: string) => void
  /** The terminal manager (once the terminal is registered): instructors watch through it. */
  terminalManager?: () => TerminalManager | undefined
  /** Offline: the sandbox trainees' shells run in; their command checks run there too. */
  traineeSandbox?: TraineeSandbox
  /** Why cluster mode cannot build here, if it cannot (default: probe docker, kind and istioctl). */
  probeClusterMode?: () => Promise<string | undefined>
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
  /** The exec into a cluster-mode trainee's own cluster (their terminal). */
  traineeClusterExec(clusterName: string): PodExec
}

function namespaceBackendFor(input: CohortWiringInput): EnvironmentBackend {
  if (input.config.offline) {
    return createPlannedOnlyBackend({
      reason: `The server runs offline${input.config.offlineReason ? ` (${input.config.offlineReason})` : ''}: no class cluster is attached.`,
    })
  }
  try {
    return createKubeEnvironments(createKubeOps(loadKubeConfig(input.classCluster)), {
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

/**
 * Live: trainees' command checks run in their workspace pods, where their terminals are (the class
 * cluster's kubeconfig is read at the first check). Offline: none; they run in the trainee's sandbox.
 */
function commandRunnersFor(
  input: CohortWiringInput,
  plannedReason: () => string | undefined,
): TraineeCommandRunners | undefined {
  if (input.config.offline) {
    return undefined
  }
  return createTraineeCommandRunners({
    classCluster: () => connectWorkspacePods(input.classCluster),
    dataDir: input.config.dataDir,
    plannedReason,
  })
}

export function wireCohorts(input: CohortWiringInput): CohortWiring {
  let bp: Promise<Blueprint> | undefined
  const blueprint = () => (bp ??= loadBlueprint())
  const backend: ModeBackends = createModeBackends({
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
  const cohorts = createCohorts({
    db: input.db,
    dataDir: input.config.dataDir,
    sessions: input.sessions,
    catalog: input.catalog,
    backend,
    onSessionEnded: (id) => void input.terminalManager?.()?.closeSession(id),
  })
  const sessionsRepo = createSessionsRepo(input.db)
  const plannedReason = () => backend.known('cluster')?.plannedReason
  const commandRunners = commandRunnersFor(input, plannedReason)
  const traineeSandbox = input.config.offline ? input.traineeSandbox : undefined
  const limits = defaultRateLimits
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
      limits,
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
        blueprint,
        ...(commandRunners ? { commandRunners } : {}),
        ...(traineeSandbox
          ? { localTraineeRunner: (s: SessionRecord) => createSandboxCommandRunner(traineeSandbox, s.workspaceDir) }
          : {}),
      }),
    traineeClusterExec: traineeClusterExec(input.config.dataDir, plannedReason),
  }
}
