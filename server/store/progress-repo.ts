// Step progress and check attempts: every Check press is stored with its result and status
// (passed, failed, unverified); only failures count toward progressive hints.
import type { Db } from './db.ts'

/** A stored check status. */
export type AttemptStatus = 'passed' | 'failed' | 'unverified'

export interface AttemptInput {
  sessionId: string
  labId: string
  stepIndex: number
  checkId: string
  status: AttemptStatus
  message: string
  finding?: string | undefined
  hint?: string | undefined
  layers: readonly unknown[]
  detail?: unknown
}

export interface LabProgress {
  passedSteps: number[]
  currentStep: number
  lastResults: Record<
    string,
    { passed: boolean; status: AttemptStatus; message: string; finding?: string; hint?: string; at: number }
  >
}

interface AttemptRow {
  check_id: string
  status: AttemptStatus
  message: string
  finding: string | null
  hint: string | null
  created_at: number
}

export function createProgressRepo(db: Db, now: () => number = Date.now) {
  const insertAttempt = db.prepare(
    `INSERT INTO check_attempts (session_id, lab_id, step_index, check_id, passed, status, message, finding, hint, layers_json, detail_json, created_at)
     VALUES (@sessionId, @labId, @stepIndex, @checkId, @passed, @status, @message, @finding, @hint, @layers, @detail, @now)`,
  )
  const failures = db.prepare<[string, string, string], { n: number }>(
    "SELECT COUNT(*) AS n FROM check_attempts WHERE session_id = ? AND lab_id = ? AND check_id = ? AND status = 'failed'",
  )
  const markPassed = db.prepare(
    `INSERT INTO step_progress (session_id, lab_id, step_index, passed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (session_id, lab_id, step_index) DO UPDATE SET passed_at = COALESCE(passed_at, excluded.passed_at)`,
  )
  const setCurrent = db.transaction((sessionId: string, labId: string, stepIndex: number) => {
    db.prepare('UPDATE step_progress SET current = 0 WHERE session_id = ? AND lab_id = ?').run(sessionId, labId)
    db.prepare(
      `INSERT INTO step_progress (session_id, lab_id, step_index, current) VALUES (?, ?, ?, 1)
       ON CONFLICT (session_id, lab_id, step_index) DO UPDATE SET current = 1`,
    ).run(sessionId, labId, stepIndex)
  })
  const steps = db.prepare<[string, string], { step_index: number; passed_at: number | null; current: number }>(
    'SELECT step_index, passed_at, current FROM step_progress WHERE session_id = ? AND lab_id = ? ORDER BY step_index',
  )
  const latest = db.prepare<[string, string], AttemptRow>(
    `SELECT check_id, status, message, finding, hint, created_at FROM check_attempts
     WHERE id IN (SELECT MAX(id) FROM check_attempts WHERE session_id = ? AND lab_id = ? GROUP BY check_id)`,
  )
  return {
    recordAttempt(a: AttemptInput): void {
      insertAttempt.run({
        ...a,
        passed: a.status === 'passed' ? 1 : 0,
        finding: a.finding ?? null,
        hint: a.hint ?? null,
        layers: JSON.stringify(a.layers),
        detail: a.detail === undefined ? null : JSON.stringify(a.detail),
        now: now(),
      })
    },
    /** How many times this check failed before, for progressive hints. */
    failureCount(sessionId: string, labId: string, checkId: string): number {
      return failures.get(sessionId, labId, checkId)?.n ?? 0
    },
    markStepPassed(sessionId: string, labId: string, stepIndex: number): void {
      markPassed.run(sessionId, labId, stepIndex, now())
    },
    setCurrentStep(sessionId: string, labId: string, stepIndex: number): void {
      setCurrent(sessionId, labId, stepIndex)
    },
    get(sessionId: string, labId: string): LabProgress {
      const rows = steps.all(sessionId, labId)
      const lastResults: LabProgress['lastResults'] = {}
      for (const r of latest.all(sessionId, labId)) {
        lastResults[r.check_id] = {
          passed: r.status === 'passed',
          status: r.status,
          message: r.message,
          ...(r.finding ? { finding: r.finding } : {}),
          ...(r.hint ? { hint: r.hint } : {}),
          at: r.created_at,
        }
      }
      return {
        passedSteps: rows.filter((r) => r.passed_at !== null).map((r) => r.step_index),
        currentStep: rows.find((r) => r.current === 1)?.step_index ?? 0,
        lastResults,
      }
    },
  }
}

export type ProgressRepo = ReturnType<typeof createProgressRepo>
