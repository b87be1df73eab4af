// The composition root: every long-lived object of the server, built once, in dependency order,
// with no late binding. The root logger; the labs and their catalog; the database and its
// repositories; sessions; the class cluster (one kube target); cohort environments; the terminal
// (it needs the exec into a trainee's cluster); the cohorts (they close trainees' shells); the
// grading service (it tells the cohorts of every Check); the solo session reaper. buildApp
// (server/app.ts) serves them; startServer (server/serve.ts) listens and starts their jobs. Tests
// call this same factory, with the seams of ServiceOptions for what they fake.
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { createOfflineServices } from '../adapters/live/live-services.ts'
import { createLabEnvironmentSource } from '../checks/grader-input-files.ts'
import { checkKinds } from '../checks/registry.ts'
import type { GradingServices } from '../checks/types.ts'
import type { EnvironmentBackend } from '../cohorts/environments.ts'
import type { RateLimits } from '../cohorts/rate-limits.ts'
import { createCohortEnvironments, wireCohorts, type CohortWiring } from '../cohorts/server-wiring.ts'
import type { Config } from '../config.ts'
import { AppError } from '../errors.ts'
import { createHostPolicy, type HostPolicy } from '../http/host-policy.ts'
import { loadLabs } from '../labs/load-labs.ts'
import { createLogger } from '../logger.ts'
import { webDistDir } from '../paths.ts'
import type { ProgressEventDto, StatusDto } from '../protocol/api-dto.ts'
import { createGradingService, type GradingService } from '../services/grading-service.ts'
import { createLabCatalog, type LabCatalog } from '../services/lab-catalog.ts'
import { createSoloSessionReaper } from '../services/session-reaper.ts'
import { createSessionService, type SessionLimits, type SessionService } from '../services/session-service.ts'
import { createCohortRepos } from '../store/cohort-repos.ts'
import { openDb, type Db } from '../store/db.ts'
import { createProgressRepo, type ProgressRepo } from '../store/progress-repo.ts'
import { createSessionsRepo } from '../store/sessions-repo.ts'
import { createTraineeSandbox, type TraineeSandbox } from '../terminal/sandbox/bwrap.ts'
import { createClassCluster, type ClassCluster } from './class-cluster.ts'
import { createTerminal, type Terminal } from './terminal.ts'

export interface ServiceOptions {
  version: string
  /** Environment added to terminals and command checks (e.g. KUBECONFIG). */
  clusterEnv?: Record<string, string>
  /** Live grading services (the cluster's resources and gateway); absent: each session's workspace files. */
  gradingServices?: GradingServices
  /** Values for lab variables the server knows better than the lab, e.g. LEARNER_NAMESPACE live. */
  varDefaults?: Readonly<Record<string, string>>
  prettyLogs?: boolean
  /** Folder of the built browser app. @default webDistDir() */
  webDir?: string
  /** Where the cohorts print (the admin token at first start, an unusable kubeconfig). @default stdout, stderr */
  print?: (line: string) => void
  /** Test seam: one cohort environment backend for every mode instead of the class cluster's and kind's. */
  cohortBackend?: EnvironmentBackend
  /** Test seam: how often trainees may join, instructors sign in and anyone press Check. */
  rateLimits?: RateLimits
  /** Test seam: the sandbox of trainees' shells and command checks. @default bubblewrap */
  traineeSandbox?: TraineeSandbox
  /** Test seam: solo session limits and clock over the config's. */
  sessionLimits?: SessionLimits
}

/** What the status route reports, and the progress of `kindlab up` provisioning. */
export interface ServerStatus {
  get(): StatusDto
  setProvisioning(event: ProgressEventDto | undefined): void
}

export interface Services {
  config: Config
  logger: FastifyBaseLogger
  webDir: string
  hostPolicy: HostPolicy
  db: Db
  progress: ProgressRepo
  catalog: LabCatalog
  sessions: SessionService
  classCluster: ClassCluster
  terminal: Terminal
  cohorts: CohortWiring
  grading: GradingService
  status: ServerStatus
  /** Starts the background jobs: cohorts' (resume builds, pool, webhooks, reaper) and the solo session reaper. */
  start(): void
  /** Ends what would keep the HTTP server from closing (grade book streams) and the cohorts' jobs. */
  stop(): Promise<void>
  /** After the HTTP server closed: the solo reaper, every shell, the database. */
  close(): Promise<void>
}

export async function createServices(config: Config, options: ServiceOptions): Promise<Services> {
  const logger = createLogger(config.logLevel, options.prettyLogs ?? false)
  const { labs, issues } = await loadLabs(config.labsDir)
  if (labs.length === 0) {
    throw new AppError('LAB_ERR_LAB_INVALID', {
      message: `No valid lab was found in ${config.labsDir}${issues.length ? ` (${issues.length} problems)` : ''}.`,
      hint: 'Run `kindlab labs validate` to see what is wrong, or pass --labs DIR.',
    })
  }
  for (const issue of issues) {
    const text = issue.level === 'error' ? `lab skipped: ${issue.message}` : `lab warning: ${issue.message}`
    logger.warn({ file: issue.file, line: issue.line }, text)
  }
  const catalog = createLabCatalog(labs, options.varDefaults)
  const environment = createLabEnvironmentSource(labs)
  const db = openDb(join(config.dataDir, 'kindlab.db'))
  const sessionsRepo = createSessionsRepo(db, options.sessionLimits?.now)
  const progress = createProgressRepo(db)
  const sessionLimits: SessionLimits = {
    expiryMs: config.sessionExpiryHours * 3600_000,
    maxPerClient: config.maxSessionsPerClient,
    maxTotal: config.maxSessions,
    ...options.sessionLimits,
  }
  const sessions = createSessionService(sessionsRepo, config.dataDir, sessionLimits)
  const hostPolicy = createHostPolicy({
    listenHost: config.host,
    publicUrl: config.publicUrl,
    allowedOrigins: config.allowedOrigins,
  })
  const clusterEnv = options.clusterEnv ?? {}
  const classCluster = createClassCluster(config, clusterEnv)
  const environments = createCohortEnvironments({
    config,
    loadClassCluster: () => classCluster.load(),
    ...(options.print ? { print: options.print } : {}),
    ...(options.cohortBackend ? { backend: options.cohortBackend } : {}),
  })
  // Offline, a trainee's shell and command checks run in a sandbox that shows only their workspace.
  const traineeSandbox = options.traineeSandbox ?? createTraineeSandbox({ stateDir: join(config.dataDir, 'sandbox') })
  const terminal = createTerminal({
    config,
    logger,
    sessions,
    clusterEnv,
    classCluster,
    traineeSandbox,
    traineeClusterExec: environments.traineeClusterExec,
  })
  const cohorts = wireCohorts({
    repos: createCohortRepos(db, sessionsRepo),
    config,
    sessions,
    catalog,
    environments,
    loadClassCluster: () => classCluster.load(),
    terminal: terminal.manager,
    traineeSandbox,
    ...(options.rateLimits ? { limits: options.rateLimits } : {}),
    ...(options.print ? { print: options.print } : {}),
  })
  const grading = createGradingService({
    kinds: checkKinds,
    progress,
    commandEnv: clusterEnv,
    // A cohort trainee's checks read only their own namespace (plus the gateway and the shop), or
    // their own kind cluster in cluster mode, and live their command checks run in their workspace
    // pod, like their terminal (cohorts/command-runners.ts); everyone else's read what the server
    // was given and run commands locally (`commandEnv`).
    servicesFor: (session) => ({
      ...cohorts.servicesFor(session, options.gradingServices ?? createOfflineServices(session.workspaceDir)),
      labEnvironment: environment,
    }),
    onAttempt: (e) => cohorts.cohorts.onAttempt(e),
  })
  const reaper = createSoloSessionReaper({
    repo: sessionsRepo,
    dataDir: config.dataDir,
    expiryMs: sessionLimits.expiryMs ?? config.sessionExpiryHours * 3600_000,
    onEnded: (id) => terminal.manager.closeSession(id),
    log: logger,
  })
  return {
    config,
    logger,
    webDir: options.webDir ?? webDistDir(),
    hostPolicy,
    db,
    progress,
    catalog,
    sessions,
    classCluster,
    terminal,
    cohorts,
    grading,
    status: createServerStatus(config, options.version),
    start() {
      cohorts.start()
      reaper.start()
    },
    stop: () => cohorts.stop(),
    async close() {
      await reaper.stop()
      await terminal.manager.closeAll()
      db.close()
    },
  }
}

function createServerStatus(config: Config, version: string): ServerStatus {
  let provisioning: ProgressEventDto | undefined
  return {
    get: () => ({
      version,
      mode: config.offline ? 'offline' : 'live',
      ...(config.offlineReason ? { offlineReason: config.offlineReason } : {}),
      ...(config.kubeContext ? { cluster: { context: config.kubeContext } } : {}),
      ...(provisioning ? { provisioning } : {}),
    }),
    setProvisioning(event) {
      provisioning = event
    },
  }
}
