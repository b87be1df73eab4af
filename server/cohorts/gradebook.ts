// The grade book: trainees × checks with the latest result and failure count per check, the
// current step and time on it, and who is stuck. Built from the stored attempts (SQLite), so it
// survives restarts; exported as JSON or CSV.
import type { ProgressEventDto } from '../protocol/api-dto.ts'
import type { GradeBookDto, GradeRowDto } from '../protocol/cohort-dto.ts'
import type { LabCatalog } from '../services/lab-catalog.ts'
import type { CohortRecord, CohortsRepo, SeatRecord } from '../store/cohorts-repo.ts'
import type { AttemptAggregate, GradeBookQueries, StepRow } from '../store/gradebook-queries.ts'
import { DEFAULT_STUCK_AFTER_FAILURES, DEFAULT_STUCK_AFTER_MS, stuckReason } from '../protocol/stuck-rule.ts'
import { traineeDomain, traineeNamespace } from './plan/names.ts'
import { platformVars } from './plan/namespace-plan.ts'

export interface GradeBookOptions {
  /** See `stuck-rule.ts`. @default 10 minutes */
  stuckAfterMs?: number
  /** See `stuck-rule.ts`. @default 5 */
  stuckAfterFailures?: number
  now?: () => number
  /** The provisioning step of a seat being built (the warm pool knows it). */
  envProgress?: (cohortId: string, traineeId: string) => ProgressEventDto | undefined
}

export function createGradeBook(
  repo: CohortsRepo,
  queries: GradeBookQueries,
  catalog: LabCatalog,
  options: GradeBookOptions = {},
) {
  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS
  const stuckAfterFailures = options.stuckAfterFailures ?? DEFAULT_STUCK_AFTER_FAILURES
  const now = options.now ?? Date.now

  function envProgressOf(cohortId: string, traineeId: string): { envProgress?: ProgressEventDto } {
    const progress = options.envProgress?.(cohortId, traineeId)
    return progress ? { envProgress: progress } : {}
  }

  /**
   * The lab's steps and checks with variables filled in for the whole class: each trainee's domain
   * is `<trainee>.<cohort domain>`, so headers and exports read `hipster.{trainee}.class.example`,
   * never a raw `${TRAINEE_DOMAIN}`; in a live namespace-mode class, the names trainees write in
   * istio-system likewise (`kl-class-{trainee}-gateway`).
   */
  function steps(cohort: CohortRecord): GradeBookDto['steps'] {
    const shared = cohort.mode === 'namespace' && !cohort.offline
    const vars = {
      TRAINEE_DOMAIN: traineeDomain(cohort, '{trainee}'),
      ...(shared ? platformVars(traineeNamespace(cohort, '{trainee}')) : {}),
    }
    return catalog.describe(cohort.labId, vars).steps.map((s) => ({
      index: s.index,
      title: s.title,
      checks: s.checks,
    }))
  }

  function rowOf(
    cohort: CohortRecord,
    seat: SeatRecord,
    labSteps: GradeBookDto['steps'],
    attempts: AttemptAggregate[],
    stepRows: StepRow[],
  ): GradeRowDto {
    const checks: GradeRowDto['checks'] = {}
    for (const a of attempts) {
      checks[a.checkId] = {
        passed: a.status === 'passed',
        status: a.status,
        message: a.message,
        failures: a.failures,
        at: a.at,
      }
    }
    const passedSteps = stepRows
      .filter((r) => r.passed_at !== null)
      .map((r) => r.step_index)
      .sort((a, b) => a - b)
    const graded = labSteps.filter((s) => s.checks.length > 0)
    const firstOpen = graded.find((s) => !passedSteps.includes(s.index))?.index
    const currentStep = stepRows.find((r) => r.current === 1)?.step_index ?? firstOpen ?? 0
    const passedBefore = stepRows
      .filter((r) => r.passed_at !== null && r.step_index < currentStep)
      .map((r) => r.passed_at ?? 0)
    const currentSince = Math.max(seat.joinedAt ?? cohort.createdAt, ...passedBefore)
    const stepChecks = labSteps.find((s) => s.index === currentStep)?.checks ?? []
    const failuresOnStep = stepChecks.reduce((n, c) => n + (checks[c.id]?.failures ?? 0), 0)
    const labCompleted = graded.length > 0 && graded.every((s) => passedSteps.includes(s.index))
    const onStepMs = seat.joinedAt ? Math.max(0, now() - currentSince) : 0
    const stepsPassedAt = stepRows
      .flatMap((r) => (r.passed_at === null ? [] : [{ step: r.step_index, at: r.passed_at }]))
      .sort((a, b) => a.at - b.at)
    const why = stuckReason(
      { joinedAt: seat.joinedAt ?? undefined, labCompleted, currentStep, passedSteps, failuresOnStep, currentSince },
      { afterMs: stuckAfterMs, afterFailures: stuckAfterFailures },
      now(),
    )
    return {
      traineeId: seat.traineeId,
      ...(seat.displayName ? { displayName: seat.displayName } : {}),
      ...(seat.sessionId ? { sessionId: seat.sessionId } : {}),
      ...(seat.joinedAt ? { joinedAt: seat.joinedAt } : {}),
      currentStep,
      passedSteps,
      onStepMs,
      currentSince,
      failuresOnStep,
      stuck: why !== undefined,
      ...(why ? { stuckReason: why } : {}),
      stepsPassedAt,
      stepsOpened: seat.ungated,
      checks,
      envState: seat.envState,
      ...(seat.envError ? { envError: seat.envError } : {}),
      ...envProgressOf(cohort.id, seat.traineeId),
      labCompleted,
    }
  }

  function book(cohort: CohortRecord): GradeBookDto {
    const labSteps = steps(cohort)
    const attempts = queries.latestAttempts(cohort.id, cohort.labId)
    const stepRows = queries.stepRows(cohort.id, cohort.labId)
    const rows = repo.seats(cohort.id).map((seat) =>
      rowOf(
        cohort,
        seat,
        labSteps,
        attempts.filter((a) => a.sessionId === seat.sessionId),
        stepRows.filter((r) => r.session_id === seat.sessionId),
      ),
    )
    return {
      cohortId: cohort.id,
      cohort: cohort.name,
      labId: cohort.labId,
      steps: labSteps,
      rows,
      stuckAfterMs,
      stuckAfterFailures,
      gated: cohort.gating ?? catalog.get(cohort.labId).gating,
      generatedAt: now(),
    }
  }

  return {
    book,
    /** One trainee's row (for live updates): reads only that trainee's attempts. */
    row(cohort: CohortRecord, traineeId: string): GradeRowDto | undefined {
      const seat = repo.seat(cohort.id, traineeId)
      if (!seat) {
        return undefined
      }
      const attempts = seat.sessionId ? queries.latestAttempts(cohort.id, cohort.labId, seat.sessionId) : []
      const stepRows = seat.sessionId ? queries.stepRows(cohort.id, cohort.labId, seat.sessionId) : []
      return rowOf(cohort, seat, steps(cohort), attempts, stepRows)
    },
  }
}

export type GradeBook = ReturnType<typeof createGradeBook>

/** A CSV cell: quoted, and neutralised if a spreadsheet would read it as a formula. */
function cell(value: string | number | boolean | undefined): string {
  let text = value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`
  }
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

/** One line per trainee: identity, step, time, stuck, then status and failures per check. */
export function gradeBookCsv(book: GradeBookDto): string {
  const checkIds = book.steps.flatMap((s) => s.checks.map((c) => c.id))
  const header = [
    'trainee',
    'name',
    'joined_at',
    'current_step',
    'minutes_on_step',
    'stuck',
    'lab_completed',
    ...checkIds.flatMap((id) => [id, `${id}_failures`, `${id}_last_message`]),
  ]
  const lines = book.rows.map((r) => [
    r.traineeId,
    r.displayName,
    r.joinedAt ? new Date(r.joinedAt).toISOString() : '',
    r.currentStep + 1,
    Math.round(r.onStepMs / 60_000),
    r.stuck,
    r.labCompleted,
    ...checkIds.flatMap((id) => {
      const c = r.checks[id]
      return c ? [c.status, c.failures, c.message] : ['', 0, '']
    }),
  ])
  return [header, ...lines].map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n'
}
