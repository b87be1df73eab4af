// Test helper: a real kindlab app (createServices and buildApp as the server builds them, the
// bundled labs, SQLite in a temp dir, offline) with the cohort feature on an injectable
// environment backend, roomy rate limits, and the instructor's admin token. Test code only.
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../compose/test-app.test-helper.ts'
import type { SessionLimits } from '../services/session-service.ts'
import type { Db } from '../store/db.ts'
import type { Cohorts } from './cohorts.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from './environments.ts'
import type { RateLimitPolicy, RateLimits } from './rate-limits.ts'
import type { TraineeSandbox } from '../terminal/sandbox/bwrap.ts'

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
    /** Confines trainee shells and command checks (offline, as the server does). @default bubblewrap */
    sandbox?: TraineeSandbox
    /** Caps and expiry of solo sessions (session-service.ts); the defaults otherwise. */
    sessionLimits?: SessionLimits
    /** Shells running at once. */
    maxShells?: number
    /** The server's access token (KINDLAB_ACCESS_TOKEN). */
    accessToken?: string
    /** The server's public address (--public-url). */
    publicUrl?: string
  } = {},
): Promise<CohortTestApp> {
  let printedToken: string | undefined
  const t = await buildTestApp({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    config: {
      ...(options.maxShells === undefined ? {} : { maxTerminals: options.maxShells }),
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    },
    cohortBackend: options.backend ?? createPlannedOnlyBackend(),
    rateLimits: { join: roomy(), login: roomy(), check: roomy(), ...options.limits },
    ...(options.sandbox ? { traineeSandbox: options.sandbox } : {}),
    ...(options.sessionLimits ? { sessionLimits: options.sessionLimits } : {}),
    print: (line) => {
      printedToken = /admin token .*: (\S+)$/.exec(line)?.[1] ?? printedToken
    },
  })
  const { app, services } = t
  const cohorts = services.cohorts.cohorts
  const adminToken = printedToken ?? cohorts.instructors.resetAdminToken()
  return {
    app,
    db: services.db,
    cohorts,
    dataDir: t.dataDir,
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
    close: () => t.close(),
  }
}
