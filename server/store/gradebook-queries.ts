// The grade book's reads: the latest attempt per trainee and check (with its failure count) and
// step progress, for a whole cohort or one trainee. Read-only SQL over the grading tables.
import type { Db } from './db.ts'

export interface AttemptAggregate {
  sessionId: string
  checkId: string
  stepIndex: number
  status: 'passed' | 'failed' | 'unverified'
  message: string
  at: number
  failures: number
}

export interface StepRow {
  session_id: string
  step_index: number
  passed_at: number | null
  current: number
}

interface Params {
  cohort: string
  lab: string
  /** One trainee's session, or null for the whole cohort. */
  session: string | null
}

const cohortSessions = `session_id IN (SELECT session_id FROM cohort_trainees WHERE cohort_id = @cohort AND session_id IS NOT NULL)
  AND (@session IS NULL OR session_id = @session)`

export function createGradeBookQueries(db: Db) {
  const attempts = db.prepare<
    [Params],
    {
      session_id: string
      check_id: string
      step_index: number
      status: 'passed' | 'failed' | 'unverified'
      message: string
      created_at: number
      failures: number
    }
  >(
    `SELECT a.session_id, a.check_id, a.step_index, a.status, a.message, a.created_at,
       (SELECT COUNT(*) FROM check_attempts f
        WHERE f.session_id = a.session_id AND f.lab_id = a.lab_id AND f.check_id = a.check_id AND f.status = 'failed') AS failures
     FROM check_attempts a
     WHERE a.id IN (SELECT MAX(id) FROM check_attempts WHERE lab_id = @lab AND ${cohortSessions} GROUP BY session_id, check_id)`,
  )
  const steps = db.prepare<[Params], StepRow>(
    `SELECT session_id, step_index, passed_at, current FROM step_progress WHERE lab_id = @lab AND ${cohortSessions}`,
  )
  return {
    /** The latest attempt per check, for the cohort or, with `sessionId`, one trainee. */
    latestAttempts(cohortId: string, labId: string, sessionId: string | null = null): AttemptAggregate[] {
      return attempts.all({ cohort: cohortId, lab: labId, session: sessionId }).map((r) => ({
        sessionId: r.session_id,
        checkId: r.check_id,
        stepIndex: r.step_index,
        status: r.status,
        message: r.message,
        at: r.created_at,
        failures: r.failures,
      }))
    },
    stepRows(cohortId: string, labId: string, sessionId: string | null = null): StepRow[] {
      return steps.all({ cohort: cohortId, lab: labId, session: sessionId })
    },
  }
}

export type GradeBookQueries = ReturnType<typeof createGradeBookQueries>
