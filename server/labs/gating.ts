// Gating, pure: with it on, a step opens only once every earlier step that has checks passed.
// The server enforces it (step content, Checks, the current step) and the step strip shows why.

export interface GatedStep {
  index: number
  checks: readonly unknown[]
}

/** The locked steps and why each is locked; empty when gating is off. */
export function stepLocks(
  steps: readonly GatedStep[],
  passedSteps: readonly number[],
  gated: boolean,
): Map<number, string> {
  const locks = new Map<number, string>()
  if (!gated) {
    return locks
  }
  const passed = new Set(passedSteps)
  let blocker: number | undefined
  for (const step of steps) {
    if (blocker !== undefined) {
      locks.set(step.index, `Step ${step.index + 1} opens once step ${blocker + 1}'s checks pass.`)
    } else if (step.checks.length > 0 && !passed.has(step.index)) {
      blocker = step.index
    }
  }
  return locks
}
