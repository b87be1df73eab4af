// Runs a step's checks (prepared: params validated and defaulted at lab load, check-params.ts),
// each with a time limit, gives each a status (passed, failed, unverified), puts the grader's finding first and
// picks the written hint by cause, and never lets one broken check hide the others.
import { AppError } from '../errors.ts'
import { paramsOf, type PreparedCheck } from './check-params.ts'
import { chooseWrittenHint } from './hints.ts'
import type { CheckContext, CheckKind, CheckOutcome, CheckStatus, LayerResult } from './types.ts'

export interface CheckRunResult {
  id: string
  title: string
  /** True exactly when `status` is `passed`. */
  passed: boolean
  status: CheckStatus
  /** What the check found; for `unverified`, why it could not tell. */
  message: string
  /** Why it failed (causes.ts), when the kind knows. */
  cause?: string
  /** The grader's own finding: what is wrong, which field, file:line. Shown first. */
  finding?: string
  /** The lab's written hint for this failure (by cause, else the generic ladder). */
  hint?: string
  output?: string
  layers: LayerResult[]
  detail?: unknown
}

export interface RunChecksInput {
  /** The step's checks, prepared when the lab was loaded (check-params.ts). */
  checks: readonly PreparedCheck[]
  context: CheckContext
  /** How often each check failed before (for progressive hints). */
  failuresBefore(checkId: string): number
  timeoutMs?: number
}

export async function runChecks(
  kinds: ReadonlyMap<string, CheckKind>,
  input: RunChecksInput,
): Promise<CheckRunResult[]> {
  const results: CheckRunResult[] = []
  const context = { ...input.context, readKinds: kindsRead(kinds, input.checks) }
  for (const check of input.checks) {
    const outcome = await runOne(kinds, check, { ...input, context })
    const status = statusOf(outcome)
    const failed = status === 'failed'
    // Failed: the lab's written hint for the cause. Unverified: how to get it verified, if the check knows.
    const hint = failed
      ? chooseWrittenHint(
          { hint: check.hint, hintByCause: check.hintByCause, cause: outcome.cause, writtenHint: outcome.writtenHint },
          input.failuresBefore(check.id),
        )
      : status === 'unverified'
        ? outcome.hint
        : undefined
    results.push({
      id: check.id,
      title: check.title ?? check.id,
      passed: status === 'passed',
      status,
      message: outcome.message,
      ...(failed && outcome.cause !== undefined ? { cause: outcome.cause } : {}),
      ...(failed && outcome.hint !== undefined ? { finding: outcome.hint } : {}),
      ...(hint !== undefined ? { hint } : {}),
      ...(outcome.output !== undefined ? { output: outcome.output } : {}),
      layers: outcome.layers,
      ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}),
    })
  }
  return results
}

/**
 * The kinds of Kubernetes objects `checks` read together (lower case), from each kind's `reads`
 * (an unknown kind reads nothing: runOne reports it).
 */
export function kindsRead(
  kinds: ReadonlyMap<string, CheckKind>,
  checks: readonly PreparedCheck[],
): ReadonlySet<string> {
  const read = new Set<string>()
  for (const check of checks) {
    for (const k of kinds.get(check.kind)?.reads(paramsOf(check)) ?? []) {
      read.add(k.toLowerCase())
    }
  }
  return read
}

/** The outcome's status; an outcome cannot be both unverified and passed. */
export function statusOf(outcome: CheckOutcome): CheckStatus {
  if (outcome.status === 'unverified') {
    return 'unverified'
  }
  return outcome.passed && outcome.status !== 'failed' ? 'passed' : 'failed'
}

async function runOne(
  kinds: ReadonlyMap<string, CheckKind>,
  check: PreparedCheck,
  input: RunChecksInput,
): Promise<CheckOutcome> {
  const kind = kinds.get(check.kind)
  if (!kind) {
    throw new AppError('LAB_ERR_CHECK_UNKNOWN_KIND', {
      message: `Check "${check.id}" has the unknown kind "${check.kind}".`,
      hint: `Known kinds: ${[...kinds.keys()].join(', ')}. Run \`kindlab labs validate\`.`,
    })
  }
  const params = paramsOf(check)
  const timeoutMs = input.timeoutMs ?? 60_000
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ passed: false, message: `The check did not finish within ${timeoutMs / 1000} s.`, layers: [] }),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([kind.run(params, input.context), timeout])
  } catch (err) {
    // A learner's file the YAML reader refuses (alias bomb, deep nesting) refuses the whole press
    // with its file and line (400), rather than failing every check with the same sentence.
    if (err instanceof AppError && err.code !== 'LAB_ERR_INPUT_FILE') {
      // The platform could not look (workspace pod not ready, cluster unreachable): not the learner's failure.
      return {
        passed: false,
        status: 'unverified',
        message: `The check could not run: ${err.message}`,
        ...(err.hint ? { hint: err.hint } : {}),
        layers: [],
      }
    }
    throw err
  } finally {
    clearTimeout(timer)
  }
}
