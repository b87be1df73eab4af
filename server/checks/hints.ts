// Written hints, chosen by the failure's cause: the grader's own finding (what, which field,
// file:line) is shown first anyway; the lab's written hint follows the mistake the grader found
// (a field's own hint, then `hintByCause`), and only without one the generic ladder by attempt.

/** A hint as written in lab.yaml: one sentence, or a list shown one per failed attempt. */
export type WrittenHint = string | readonly string[]

/** The rung of a ladder for this attempt (the last rung once the ladder runs out). */
export function pickHint(authored: WrittenHint | undefined, failuresBefore: number): string | undefined {
  const ladder = typeof authored === 'string' ? [authored] : [...(authored ?? [])]
  if (ladder.length === 0) {
    return undefined
  }
  return ladder[Math.min(Math.max(failuresBefore, 0), ladder.length - 1)]
}

/** What the written hint of a failure is chosen from. */
export interface HintChoice {
  /** The check's generic hints (fallback). */
  hint?: WrittenHint | undefined
  /** The check's hints keyed by cause. */
  hintByCause?: Readonly<Record<string, WrittenHint>> | undefined
  /** The cause the check reported. */
  cause?: string | undefined
  /** A hint the lab wrote for exactly this failure, found by the kind (e.g. a field's hint). */
  writtenHint?: string | undefined
}

/** The written hint for a failed attempt: exact (kind) → by cause → generic ladder. */
export function chooseWrittenHint(c: HintChoice, failuresBefore: number): string | undefined {
  if (c.writtenHint !== undefined) {
    return c.writtenHint
  }
  const byCause =
    c.cause !== undefined && c.hintByCause !== undefined && Object.hasOwn(c.hintByCause, c.cause)
      ? c.hintByCause[c.cause]
      : undefined
  return pickHint(byCause ?? c.hint, failuresBefore)
}
