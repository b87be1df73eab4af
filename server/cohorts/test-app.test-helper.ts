// Test helper: a real kindlab app (buildApp, the bundled labs, SQLite in a temp dir) with the
// cohort feature wired as serve.ts wires it, on an injectable backend. Test code only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { createOfflineServices } from '../adapters/live/live-services.ts'
import { createLabEnvironmentSource, createTextResourceSource } from '../checks/grader-input-files.ts'
import type { GradingServices } from '../checks/types.ts'
import { checkKinds } from '../checks/registry.ts'
import { createHostPolicy } from '../http/host-policy.ts'
import { registerCohortRoutes } from '../http/routes/cohorts.ts'
import { loadLabs } from '../labs/load-labs.ts'
import { bundledLabsDir } from '../paths.ts'
import { createGradingService } from '../services/grading-service.ts'
import { createLabCatalog } from '../services/lab-catalog.ts'
import { createSessionService, type SessionLimits } from '../services/session-service.ts'
import { openDb, type Db } from '../store/db.ts'
import { createProgressRepo } from '../store/progress-repo.ts'
import { createSessionsRepo } from '../store/sessions-repo.ts'
import { createCohorts, type Cohorts } from './cohorts.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from './environments.ts'
import type { RateLimitPolicy, RateLimits } from './rate-limits.ts'
import { attachTerminal } from '../terminal-wiring.ts'
import { createTraineeSandbox, type TraineeSandbox } from '../terminal/sandbox/bwrap.ts'
import { createIsolatedSessionFactory } from '../terminal/sandbox/isolated-sessions.ts'
import { createPidNamespace } from '../terminal/sandbox/pid-namespace.ts'
import { registerWatchRoute } from '../http/routes/cohorts-watch.ts'

export interface CohortTestApp {
  app: FastifyInstance
  db: Db
  cohorts: Cohorts
  dataDir: string
  adminToken: string
  /** Signs in and returns an instructor bearer token. */
  instructor(): Promise<string>
  close(): Promise<void>
}

const roomy = (): RateLimitPolicy => ({ max: 1e6, timeWindowMs: 1000 })

export async function buildCohortTestApp(
  options: {
    backend?: EnvironmentBackend
    limits?: Partial<RateLimits>
    dataDir?: string
    /** Register the terminal websocket and the instructor's watch route, as serve.ts does. */
    terminal?: boolean
    /** Confines trainee shells (offline, as serve.ts does). @default bubblewrap, as serve.ts */
    sandbox?: TraineeSandbox
    /** Caps and expiry of solo sessions (session-service.ts); the defaults otherwise. */
    sessionLimits?: SessionLimits
    /** Shells running at once (with `terminal`). */
    maxShells?: number
    /** Grade from each session's workspace files and the lab's environment, as `serve --offline` does. */
    offlineGrading?: boolean
    /** The server's access token (KINDLAB_ACCESS_TOKEN). */
    accessToken?: string
    /** The server's public address (--public-url). */
    publicUrl?: string
    /** The grader's services per session (serve.ts: lab environment + the session's workspace). */
    servicesFor?: (session: { workspaceDir: string }) => GradingServices
  } = {},
): Promise<CohortTestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kindlab-cohort-'))
  const db = openDb(join(dataDir, 'kindlab.db'))
  const { labs } = await loadLabs(bundledLabsDir())
  const catalog = createLabCatalog(labs)
  const environment = createLabEnvironmentSource(labs)
  const sessions = createSessionService(
    createSessionsRepo(db, options.sessionLimits?.now),
    dataDir,
    options.sessionLimits,
  )
  const progress = createProgressRepo(db)
  let closeTerminal: (id: string) => void = () => {}
  const cohorts = createCohorts({
    db,
    dataDir,
    sessions,
    catalog,
    backend: options.backend ?? createPlannedOnlyBackend(),
    onSessionEnded: (id) => closeTerminal(id),
  })
  const grading = createGradingService({
    kinds: checkKinds,
    progress,
    commandEnv: {},
    servicesFor:
      options.servicesFor ??
      ((session) =>
        options.offlineGrading
          ? { ...createOfflineServices(session.workspaceDir), labEnvironment: environment }
          : { resources: createTextResourceSource([], 'no resources') }),
    onAttempt: (e) => cohorts.onAttempt(e),
  })
  const adminToken = cohorts.instructors.bootstrap() ?? cohorts.instructors.resetAdminToken()
  const limits = { join: roomy(), login: roomy(), check: roomy(), ...options.limits }
  const terminal = options.terminal
    ? attachTerminal({
        authenticate: (token) => sessions.authenticate(token),
        isAllowedOrigin: () => true,
        env: {},
        idleTimeoutMs: 60_000,
        createSession: createIsolatedSessionFactory({
          trainee: options.sandbox ?? createTraineeSandbox({ stateDir: join(dataDir, 'sandbox') }),
          solo: createPidNamespace(),
        }),
        ...(options.maxShells === undefined ? {} : { maxShells: options.maxShells }),
      })
    : undefined
  const sessionsRepo = createSessionsRepo(db)
  closeTerminal = (id) => void terminal?.manager()?.closeSession(id)
  const app = await buildApp({
    logger: false,
    exposeStack: false,
    accessToken: options.accessToken,
    hostPolicy: createHostPolicy({ listenHost: '127.0.0.1', allowedOrigins: [], publicUrl: options.publicUrl }),
    catalog,
    sessions,
    progress,
    grading,
    status: () => ({ version: 'test', mode: 'offline' }),
    webDir: join(dataDir, 'no-web'),
    gatingFor: (sessionId, lab) => cohorts.gatingFor(sessionId, lab),
    registerCohorts: async (a) => {
      await registerCohortRoutes(a, {
        cohorts,
        sessions,
        limits,
        links: {
          ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
          ...(options.accessToken ? { accessToken: options.accessToken } : {}),
        },
      })
      if (terminal) {
        await registerWatchRoute(a, {
          manager: () => terminal.manager(),
          isAllowedOrigin: () => true,
          resolve: (token) => {
            const id = cohorts.watch.resolve(token)
            return id ? sessionsRepo.findById(id) : undefined
          },
        })
      }
    },
    ...(terminal ? { registerTerminal: (a: FastifyInstance) => terminal.register(a) } : {}),
  })
  return {
    app,
    db,
    cohorts,
    dataDir,
    adminToken,
    async instructor() {
      const res = await app.inject({
        method: 'POST',
        url: '/api/instructor/session',
        payload: { adminToken },
        headers: options.accessToken ? { 'x-kindlab-access': options.accessToken } : {},
      })
      return res.json<{ token: string }>().token
    },
    async close() {
      await cohorts.stop()
      await terminal?.closeAll()
      await app.close()
      db.close()
      if (!options.dataDir) {
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}
