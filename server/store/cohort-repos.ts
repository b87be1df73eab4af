// The repositories the cohort domain stores through, opened over one database by the composition
// root (server/compose/services.ts) or the `kindlab cohort` command; the domain never sees the handle.
import { createCohortsRepo } from './cohorts-repo.ts'
import type { Db } from './db.ts'
import { createGradeBookQueries } from './gradebook-queries.ts'
import { createInstructorsRepo } from './instructors-repo.ts'
import { createSessionsRepo, type SessionsRepo } from './sessions-repo.ts'
import { createWebhookOutboxRepo } from './webhook-outbox-repo.ts'

/** Every repository of the cohort feature. */
export interface CohortRepos {
  cohorts: ReturnType<typeof createCohortsRepo>
  gradebook: ReturnType<typeof createGradeBookQueries>
  instructors: ReturnType<typeof createInstructorsRepo>
  webhookOutbox: ReturnType<typeof createWebhookOutboxRepo>
  sessions: SessionsRepo
}

/** Opens the cohort repositories over `db`; `sessions` may be the one the server already uses. */
export function createCohortRepos(db: Db, sessions: SessionsRepo = createSessionsRepo(db)): CohortRepos {
  return {
    cohorts: createCohortsRepo(db),
    gradebook: createGradeBookQueries(db),
    instructors: createInstructorsRepo(db),
    webhookOutbox: createWebhookOutboxRepo(db),
    sessions,
  }
}
