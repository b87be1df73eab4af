// What the cohort service is built from (cohort-service.ts), apart so that its parts (join.ts) can
// name it without importing the service.
import type { LabCatalog } from '../services/lab-catalog.ts'
import type { SessionService } from '../services/session-service.ts'
import type { CohortsRepo } from '../store/cohorts-repo.ts'
import type { CohortEvents } from './cohort-events.ts'
import type { EnvironmentBackend } from './environments.ts'
import type { CohortSecrets } from './secrets.ts'
import type { WarmPool } from './warm-pool.ts'

export interface CohortServiceDeps {
  repo: CohortsRepo
  sessions: SessionService
  catalog: LabCatalog
  backend: EnvironmentBackend
  pool: WarmPool
  secrets: CohortSecrets
  events: CohortEvents
  /** Re-issues the token of an existing session (a trainee rejoining keeps their progress). */
  reissueToken(sessionId: string): string
  /** Ends a session (its token stops working; progress is kept). */
  endSession(sessionId: string): void
  /** Told when a trainee's session ends by reset or teardown (closes their terminal). */
  onSessionEnded?: (sessionId: string) => void
  now?: () => number
}
