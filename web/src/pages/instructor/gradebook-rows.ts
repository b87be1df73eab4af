// The grade book's pure parts: a step's state for one trainee (one cell), who is stuck now, and
// the rows to show for a sort and a filter. No DOM, unit-tested.
import type { GradeBookDto, GradeRowDto } from '../../../../server/protocol/cohort-dto.ts'
import { stuckReason } from '../../../../server/protocol/stuck-rule.ts'

export type GradeStep = GradeBookDto['steps'][number]

/** passed: the step is done; failed: a check's last result failed; unverified: grey, never a pass. */
export type StepState = 'passed' | 'failed' | 'unverified' | 'started' | 'none'

export interface StepCell {
  state: StepState
  passed: number
  total: number
}

export function stepCell(step: GradeStep, row: GradeRowDto): StepCell {
  const results = step.checks.map((c) => row.checks[c.id]).filter((c) => c !== undefined)
  const passed = results.filter((c) => c.status === 'passed').length
  const total = step.checks.length
  const state: StepState = row.passedSteps.includes(step.index)
    ? 'passed'
    : results.some((c) => c.status === 'failed')
      ? 'failed'
      : results.some((c) => c.status === 'unverified')
        ? 'unverified'
        : results.length > 0
          ? 'started'
          : 'none'
  return { state, passed, total }
}

/** The steps that have checks: the grade book's columns. */
export function gradedSteps(book: GradeBookDto): GradeStep[] {
  return book.steps.filter((s) => s.checks.length > 0)
}

/** Why the trainee is stuck now (the clocks tick between server updates), or undefined. */
export function stuckNow(book: GradeBookDto, row: GradeRowDto, now: number): string | undefined {
  return stuckReason(row, { afterMs: book.stuckAfterMs, afterFailures: book.stuckAfterFailures }, now)
}

export function displayName(r: GradeRowDto): string {
  return r.displayName && r.displayName !== r.traineeId ? `${r.displayName} (${r.traineeId})` : r.traineeId
}

export type SortKey = 'name' | 'progress' | 'stuck'

export interface RowQuery {
  sort: SortKey
  /** Matched case-insensitively against the display name and trainee id. */
  text: string
  stuckOnly: boolean
}

const byName = (a: GradeRowDto, b: GradeRowDto): number =>
  displayName(a).localeCompare(displayName(b), undefined, { numeric: true })

/** The rows to show, filtered then sorted; ties fall back to the name so the order is stable. */
export function visibleRows(book: GradeBookDto, query: RowQuery, now: number): GradeRowDto[] {
  const text = query.text.trim().toLowerCase()
  const stuck = new Map(book.rows.map((r) => [r.traineeId, stuckNow(book, r, now) !== undefined]))
  const isStuck = (r: GradeRowDto): boolean => stuck.get(r.traineeId) === true
  const rows = book.rows.filter(
    (r) =>
      (!query.stuckOnly || isStuck(r)) &&
      (text === '' || displayName(r).toLowerCase().includes(text) || r.traineeId.includes(text)),
  )
  const progress = (r: GradeRowDto): number => (r.joinedAt === undefined ? -1 : r.passedSteps.length)
  const compare: Record<SortKey, (a: GradeRowDto, b: GradeRowDto) => number> = {
    name: byName,
    // Most steps done first; among equals, whoever got there first.
    progress: (a, b) => progress(b) - progress(a) || a.currentSince - b.currentSince || byName(a, b),
    // Stuck first, the longest on their step first; then the others by progress.
    stuck: (a, b) =>
      Number(isStuck(b)) - Number(isStuck(a)) ||
      (isStuck(a) ? a.currentSince - b.currentSince : 0) ||
      compare.progress(a, b),
  }
  return rows.sort(compare[query.sort])
}
