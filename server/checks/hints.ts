// Progressive hints: the first failure gets the lab's nudge, later ones get more specific help,
// ending with the exact fix the check found (the grader's field and value).

/**
 * Picks the hint for a failed attempt.
 * @param authored the lab's hints for this check, gentlest first
 * @param failuresBefore how many times this check failed before this attempt
 * @param specific the fix the check itself found, if any
 */
export function pickHint(
  authored: string | readonly string[] | undefined,
  failuresBefore: number,
  specific: string | undefined,
): string | undefined {
  const ladder = typeof authored === 'string' ? [authored] : [...(authored ?? [])]
  if (specific) {
    ladder.push(specific)
  }
  if (ladder.length === 0) {
    return undefined
  }
  return ladder[Math.min(failuresBefore, ladder.length - 1)]
}
