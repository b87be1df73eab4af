// When a trainee counts as stuck, in one place for the server (the grade book's `stuck` field,
// exports) and the browser (which re-evaluates it as the clocks tick). Pure, no dependencies.
//
// A joined trainee who has not finished the lab is stuck on their current step (not yet passed)
// when they failed its Checks `afterFailures` times (default 5), or have been on it longer than
// `afterMs` (default 10 minutes) with at least one failed Check. Time alone (reading, thinking)
// never makes anyone stuck.

/** @default 10 minutes */
export const DEFAULT_STUCK_AFTER_MS = 10 * 60_000
/** @default 5 failed Checks on the current step */
export const DEFAULT_STUCK_AFTER_FAILURES = 5

export interface StuckRule {
  afterMs: number
  afterFailures: number
}

export interface StuckInput {
  joinedAt?: number | undefined
  labCompleted: boolean
  currentStep: number
  passedSteps: number[]
  /** Failed Checks on the current step's checks. */
  failuresOnStep: number
  /** Since when on the current step (epoch ms). */
  currentSince: number
}

/** Why the trainee is stuck, in a few words, or undefined when they are not. */
export function stuckReason(row: StuckInput, rule: StuckRule, now: number): string | undefined {
  if (row.joinedAt === undefined || row.labCompleted || row.passedSteps.includes(row.currentStep)) {
    return undefined
  }
  if (row.failuresOnStep >= rule.afterFailures) {
    return `${row.failuresOnStep} failed Checks on step ${row.currentStep + 1}`
  }
  const minutes = Math.floor((now - row.currentSince) / 60_000)
  if (row.failuresOnStep > 0 && now - row.currentSince > rule.afterMs) {
    return `${minutes} min on step ${row.currentStep + 1} with failed Checks`
  }
  return undefined
}
