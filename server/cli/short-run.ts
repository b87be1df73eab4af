// V8 tuning for the CLI's one-shot commands (simulate, routes): optimise only code that stays hot.
// By default V8 hands some 300 functions of a cohort-scale `kindlab simulate` to its optimising
// compiler; most of them run a few thousand times and the process ends before that pays back,
// while the compiles take a second core's worth of CPU. Four times V8's default budget leaves
// about 110 compiles and cut the run from ~1.3 s to ~0.9 s of CPU (bench/grader.ts, 2 cores).
// Call it before the command's work module is imported; long-running servers never call it.
import { setFlagsFromString } from 'node:v8'

/** V8's default `--interrupt-budget` (Node 20, V8 11.3) is 67,584 bytes of executed bytecode. */
export const SHORT_RUN_INTERRUPT_BUDGET = 4 * 67_584

let tuned = false

export function tuneForShortRun(): void {
  if (!tuned) {
    setFlagsFromString(`--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}`)
    tuned = true
  }
}
