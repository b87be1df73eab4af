// Small printing helpers shared by CLI commands: errors as one sentence plus a hint, JSON output.
import { pc } from './colors.ts'
import type { AppError } from '../errors.ts'

/** Prints an AppError as `error: <message>` and `hint: <hint>` on stderr. */
export function printError(err: AppError, debug: boolean): void {
  const lines = [`${pc.red('error')}: ${err.message} ${pc.dim(`(${err.code})`)}`]
  if (err.hint) {
    lines.push(`${pc.cyan('hint')}: ${err.hint}`)
  }
  if (debug) {
    lines.push(err.stack ?? '')
    if (err.cause instanceof Error) {
      lines.push(`caused by: ${err.cause.stack ?? err.cause.message}`)
    }
  } else if (err.code === 'LAB_ERR_INTERNAL' && err.cause instanceof Error) {
    lines.push(pc.dim(`(${err.cause.message}; run with --debug for the stack trace)`))
  }
  process.stderr.write(`${lines.join('\n')}\n`)
}

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}
