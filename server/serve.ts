// Starts the kindlab server: opens the store, loads the labs, wires services and adapters into
// buildApp, listens, and closes everything on SIGINT/SIGTERM. Used by `kindlab serve` and `up`.
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { checkKinds } from './checks/registry.ts'
import type { GradingServices } from './checks/types.ts'
import type { Config } from './config.ts'
import { AppError } from './errors.ts'
import { createHostPolicy } from './http/host-policy.ts'
import { registerCohortRoutes } from './http/routes/cohorts.ts'
import { registerWatchRoute } from './http/routes/cohorts-watch.ts'
import { loadLabs } from './labs/load-labs.ts'
import { loggerOptions } from './logger.ts'
import type { ProgressEventDto, StatusDto } from './protocol/api-dto.ts'
import { createGradingService } from './services/grading-service.ts'
import { createOfflineServices } from './adapters/live/live-services.ts'
import { createLabEnvironmentSource } from './checks/grader-input-files.ts'
import { createLabCatalog } from './services/lab-catalog.ts'
import { createSoloSessionReaper } from './services/session-reaper.ts'
import { createSessionService } from './services/session-service.ts'
import { openDb } from './store/db.ts'
import { createProgressRepo } from './store/progress-repo.ts'
import { createSessionsRepo } from './store/sessions-repo.ts'
import { webDistDir } from './paths.ts'
import { attachTerminal } from './terminal-wiring.ts'
import { createTraineeSandbox } from './terminal/sandbox/bwrap.ts'
import { createIsolatedSessionFactory } from './terminal/sandbox/isolated-sessions.ts'
import { createPidNamespace } from './terminal/sandbox/pid-namespace.ts'
import { createLazyCohortSessionFactory } from './cohorts/terminal-backend.ts'
import { createPodExec } from './adapters/kube/pods.ts'
import { loadKubeConfig, type KubeTarget } from './adapters/kube/kube-config.ts'
import { wireCohorts } from './cohorts/server-wiring.ts'

export interface RunningServer {
  app: FastifyInstance
  url: string
  setProvisioning(event: ProgressEventDto | undefined): void
  close(): Promise<void>
}

export interface ServeOptions {
  version: string
  /** Environment added to terminals and command checks (e.g. KUBECONFIG). */
  clusterEnv?: Record<string, string>
  /** Live grading services (the cluster's resources and gateway); absent: each session's workspace files. */
  services?: GradingServices
  /** Values for lab variables the server knows better than the lab, e.g. LEARNER_NAMESPACE live. */
  varDefaults?: Readonly<Record<string, string>>
  prettyLogs?: boolean
}

export async function startServer(config: Config, options: ServeOptions): Promise<RunningServer> {
  const db = openDb(join(config.dataDir, 'kindlab.db'))
  const { labs, issues } = await loadLabs(config.labsDir)
  if (labs.length === 0) {
    throw new AppError('LAB_ERR_LAB_INVALID', {
      message: `No valid lab was found in ${config.labsDir}${issues.length ? ` (${issues.length} problems)` : ''}.`,
      hint: 'Run `kindlab labs validate` to see what is wrong, or pass --labs DIR.',
    })
  }
  const sessionsRepo = createSessionsRepo(db)
  const progress = createProgressRepo(db)
  const sessionExpiryMs = config.sessionExpiryHours * 3600_000
  const sessions = createSessionService(sessionsRepo, config.dataDir, {
    expiryMs: sessionExpiryMs,
    maxPerClient: config.maxSessionsPerClient,
    maxTotal: config.maxSessions,
  })
  const catalog = createLabCatalog(labs, options.varDefaults)
  const clusterEnv = options.clusterEnv ?? {}
  const environment = createLabEnvironmentSource(labs)
  // Offline, a trainee's shell and command checks run in a sandbox that shows only their workspace.
  const traineeSandbox = createTraineeSandbox({ stateDir: join(config.dataDir, 'sandbox') })
  const hostPolicy = createHostPolicy({
    listenHost: config.host,
    publicUrl: config.publicUrl,
    allowedOrigins: config.allowedOrigins,
  })
  // The class cluster, read once here: cohorts' environments and trainees' pod shells use it.
  const classCluster: KubeTarget = {
    ...(clusterEnv['KUBECONFIG'] ? { kubeconfigPath: clusterEnv['KUBECONFIG'] } : {}),
    ...(config.kubeContext ? { context: config.kubeContext } : {}),
  }
  const cohorts = wireCohorts({
    db,
    config,
    sessions,
    catalog,
    classCluster,
    traineeSandbox,
    terminalManager: () => terminal.manager(),
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
      ...cohorts.servicesFor(session, options.services ?? createOfflineServices(session.workspaceDir)),
      labEnvironment: environment,
    }),
    onAttempt: (e) => cohorts.cohorts.onAttempt(e),
  })
  let provisioning: ProgressEventDto | undefined
  const status = (): StatusDto => ({
    version: options.version,
    mode: config.offline ? 'offline' : 'live',
    ...(config.offlineReason ? { offlineReason: config.offlineReason } : {}),
    ...(config.kubeContext ? { cluster: { context: config.kubeContext } } : {}),
    ...(provisioning ? { provisioning } : {}),
  })
  // Local shells: a trainee's in a sandbox showing only their workspace (refused when it cannot
  // start), a solo learner's in its own PID namespace (terminal/sandbox/isolated-sessions.ts).
  const localShells = createIsolatedSessionFactory({
    trainee: traineeSandbox,
    solo: createPidNamespace(),
  })
  const terminal = attachTerminal({
    authenticate: (token) => sessions.authenticate(token),
    isAllowedOrigin: (origin, host) => hostPolicy.allowsOrigin(origin, host),
    env: clusterEnv,
    idleTimeoutMs: config.sessionIdleMinutes * 60_000,
    maxShells: config.maxTerminals,
    // Live: a trainee's shell runs in their workspace pod (exec), in the class cluster or in their
    // own kind cluster (cluster mode); everyone else gets a local shell.
    ...(config.offline
      ? { createSession: localShells }
      : {
          createSession: createLazyCohortSessionFactory(
            () => createPodExec(loadKubeConfig(classCluster).kc),
            (clusterName) => cohorts.traineeClusterExec(clusterName),
            localShells,
          ),
        }),
  })
  const app = await buildApp({
    logger: loggerOptions(config.logLevel, options.prettyLogs ?? false),
    exposeStack: config.exposeStack,
    accessToken: config.accessToken,
    hostPolicy,
    catalog,
    sessions,
    progress,
    grading,
    status,
    webDir: webDistDir(),
    gatingFor: (sessionId, lab) => cohorts.cohorts.gatingFor(sessionId, lab),
    registerTerminal: (instance) => terminal.register(instance),
    registerCohorts: async (instance) => {
      await registerCohortRoutes(instance, cohorts.routes)
      await registerWatchRoute(instance, {
        manager: () => terminal.manager(),
        isAllowedOrigin: (origin, host) => hostPolicy.allowsOrigin(origin, host),
        resolve: (token) => cohorts.resolveWatchToken(token),
      })
    },
  })
  for (const issue of issues) {
    const text = issue.level === 'error' ? `lab skipped: ${issue.message}` : `lab warning: ${issue.message}`
    app.log.warn({ file: issue.file, line: issue.line }, text)
  }
  const reaper = createSoloSessionReaper({
    repo: sessionsRepo,
    dataDir: config.dataDir,
    expiryMs: sessionExpiryMs,
    onEnded: (id) => terminal.manager()?.closeSession(id),
    log: app.log,
  })
  app.addHook('onClose', async () => {
    await reaper.stop()
    await terminal.closeAll()
    db.close()
  })
  app.addHook('preClose', async () => cohorts.stop())
  const url = await listen(app, config)
  cohorts.start()
  reaper.start()
  return {
    app,
    url,
    setProvisioning: (event) => {
      provisioning = event
    },
    close: () => app.close(),
  }
}

async function listen(app: FastifyInstance, config: Config): Promise<string> {
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    await app.close()
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AppError('LAB_ERR_PORT_IN_USE', {
        message: `Port ${config.port} on ${config.host} is already in use.`,
        hint: 'Stop the other program, or pick another port with --port N (0 picks a free one).',
        cause: err,
      })
    }
    throw err
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  return `http://${host}:${port}/`
}
