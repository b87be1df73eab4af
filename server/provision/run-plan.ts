// Runs a plan step by step through a step runner (the executors), turning each step into progress
// events for the terminal and the web page, and each failure into an error that names the step.
import { AppError, toAppError } from '../errors.ts'
import type { ProgressEventDto } from '../protocol/api-dto.ts'
import type { Plan, PlanStep } from './plan.ts'

/** What a step may do besides its work: report what it is waiting for, notice Ctrl-C. */
export interface StepContext {
  signal: AbortSignal
  report(detail: string): void
}

/** How a step ended: it did its work, or found it already done. */
export interface StepResult {
  state: 'done' | 'skipped'
  detail?: string
}

/** Runs one step; the executors implement it (executors.ts). */
export type StepRunner = (step: PlanStep, ctx: StepContext) => Promise<StepResult>

export interface RunPlanOptions {
  /** Every event: running, detail updates, done/skipped/failed. `elapsedMs` is since the step began. */
  onProgress: (event: ProgressEventDto) => void
  signal: AbortSignal
  now?: () => number
  /** Run only steps [from, to) of the plan; events keep the plan-wide index and total. @default all */
  range?: readonly [from: number, to: number]
}

function stepFailure(step: PlanStep, index: number, total: number, err: unknown): AppError {
  const e = toAppError(err)
  return new AppError(e.code, {
    message: `Step ${index + 1}/${total} "${step.title}" failed: ${e.message}`,
    ...(e.hint ? { hint: e.hint } : {}),
    cause: e,
  })
}

/** Runs every step in order; stops at the first failure (re-running resumes, the steps are idempotent). */
export async function runPlan(plan: Plan, run: StepRunner, options: RunPlanOptions): Promise<void> {
  const now = options.now ?? Date.now
  const total = plan.steps.length
  const [from, to] = options.range ?? [0, total]
  for (const [index, step] of plan.steps.entries()) {
    if (index < from || index >= to) {
      continue
    }
    const started = now()
    const emit = (state: ProgressEventDto['state'], detail?: string) =>
      options.onProgress({
        step: step.id,
        title: step.title,
        state,
        index,
        total,
        elapsedMs: now() - started,
        ...(detail ? { detail } : {}),
      })
    if (options.signal.aborted) {
      throw new AppError('LAB_ERR_ABORTED', {
        message: `Stopped before "${step.title}".`,
        hint: 'Run `kindlab up` again to continue where it stopped.',
      })
    }
    emit('running')
    let result: StepResult
    try {
      result = await run(step, { signal: options.signal, report: (detail) => emit('running', detail) })
    } catch (err) {
      const failure = stepFailure(step, index, total, err)
      emit('failed', failure.message)
      throw failure
    }
    emit(result.state, result.detail)
  }
}
