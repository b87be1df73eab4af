// Plugs the cohort feature into `startServer`: picks the environment backend (a cluster through
// the kubeconfig, or planned-only offline), builds the rate limits, registers the routes, resolves
// instructor watch tokens for the terminal, prints the admin token once, starts and stops.
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.ts'
import { isAllowedOrigin } from '../http/origin.ts'
import { registerCohortRoutes } from '../http/routes/cohorts.ts'
import type { LabCatalog } from '../services/lab-catalog.ts'
import type { SessionService } from '../services/session-service.ts'
import type { Db } from '../store/db.ts'
import { createSessionsRepo } from '../store/sessions-repo.ts'
import { createCohorts, type Cohorts } from './cohorts.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from './environments.ts'
import { loadKubeConfig } from '../adapters/kube/kube-config.ts'
import { createCohortKube } from './kube/kube-client.ts'
import { createKubeEnvironments } from './kube/kube-environments.ts'
import { createTokenBucket } from './rate-limit.ts'
import { installationId, loadCohortKey } from './secrets.ts'
import { registerWatchRoute } from './watch-route.ts'
import type { TerminalManager } from '../terminal/terminal-manager.ts'

export interface CohortWiringInput {
  db: Db
  config: Config
  sessions: SessionService
  catalog: LabCatalog
  clusterEnv: Readonly<Record<string, string>>
  /** Where to print the admin token at first start. @default stdout */
  print?: (line: string) => void
  /** The terminal manager (once the terminal is registered): instructors watch through it. */
  terminalManager?: () => TerminalManager | undefined
}

export interface CohortWiring {
  cohorts: Cohorts
  register(app: FastifyInstance): Promise<void>
  start(): void
  stop(): Promise<void>
}

function backendFor(input: CohortWiringInput): EnvironmentBackend {
  if (input.config.offline) {
    return createPlannedOnlyBackend()
  }
  const file = input.clusterEnv['KUBECONFIG']
  try {
    const { kc, where } = loadKubeConfig({
      ...(file ? { kubeconfigPath: file } : {}),
      ...(input.config.kubeContext ? { context: input.config.kubeContext } : {}),
    })
    return createKubeEnvironments(createCohortKube(kc, where), {
      owner: installationId(loadCohortKey(input.config.dataDir)),
    })
  } catch (err) {
    // The labs still work; cohorts fall back to planning only, and say why once.
    const print = input.print ?? ((line: string) => process.stderr.write(`${line}\n`))
    print(
      `cohorts: no usable kubeconfig (${err instanceof Error ? err.message : String(err)}); trainee environments will only be planned`,
    )
    return createPlannedOnlyBackend()
  }
}

export function wireCohorts(input: CohortWiringInput): CohortWiring {
  const cohorts = createCohorts({
    db: input.db,
    dataDir: input.config.dataDir,
    sessions: input.sessions,
    catalog: input.catalog,
    backend: backendFor(input),
    onSessionEnded: (id) => void input.terminalManager?.()?.closeSession(id),
  })
  const sessionsRepo = createSessionsRepo(input.db)
  const limits = {
    // A classroom behind one NAT address joins at once: 60 at a time, then 2/s. Codes and tokens
    // are far too long to guess at that rate.
    join: createTokenBucket({ capacity: 60, refillPerSecond: 2 }),
    login: createTokenBucket({ capacity: 10, refillPerSecond: 0.2 }),
    check: createTokenBucket({ capacity: 10, refillPerSecond: 1 }),
  }
  const adminToken = cohorts.instructors.bootstrap()
  if (adminToken) {
    const print = input.print ?? ((line: string) => process.stdout.write(`${line}\n`))
    print(`instructor admin token (shown once, keep it): ${adminToken}`)
  }
  return {
    cohorts,
    async register(app) {
      await registerCohortRoutes(app, { cohorts, sessions: input.sessions, limits })
      const manager = input.terminalManager
      if (manager) {
        await registerWatchRoute(app, {
          manager,
          isAllowedOrigin: (origin, host) => isAllowedOrigin(origin, host, input.config.allowedOrigins),
          resolve: (token) => {
            const id = cohorts.watch.resolve(token)
            return id ? sessionsRepo.findById(id) : undefined
          },
        })
      }
    },
    start: () => cohorts.start(),
    stop: () => cohorts.stop(),
  }
}
