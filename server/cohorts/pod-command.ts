// A `command` check in a trainee's workspace pod: the same client-node exec as their terminal
// (pod-terminal.ts's PodExec) without a tty or stdin. stdout and stderr are captured in the order
// they arrive, the exit code comes from the exec status channel (v4 and v5 send a V1Status as JSON
// on channel 3), and the local runner's limits apply (server/adapters/process/run-command.ts): the
// time limit (exit code 124, `timedOut`), at most 256 KiB of output (then stopped, exit code 1),
// bash when the image has it, else sh, the final newline stripped. The lab's variables are exported
// in the pod, so `$LEARNER_NAMESPACE` means there what it means in the lab's text; the command runs
// as the trainee's ServiceAccount, in the pod's files: what their terminal sees.
import { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type { CommandRunner, CommandRunOptions } from '../checks/command-runner.ts'
import type { CommandResult } from '../checks/types.ts'
import { AppError, isAppError, toAppError } from '../errors.ts'
import type { ExecConnection, ExecStatus, PodExec, PodTarget } from './pod-terminal.ts'

/** The local runner's bound (execa's maxBuffer in run-command.ts). */
export const MAX_OUTPUT_BYTES = 256 * 1024
/** The pod kills the command this long after the server stopped waiting, so nothing lingers there. */
const POD_GRACE_SECONDS = 2
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * POSIX sh run by the exec: `$1` seconds, `$2` the command, then NAME=value pairs to export. Runs
 * the command with bash (else sh), stdin from /dev/null, and SIGKILLs it when the seconds are up
 * (closing the exec stream alone does not stop a process in the container): its whole process
 * group when the image has `setsid` (so a pipeline's or a list's children go too), else the shell.
 */
export const POD_COMMAND_SCRIPT = [
  'limit=$1; run=$2; shift 2',
  'for a in "$@"; do export "$a"; done',
  'shell=sh; command -v bash >/dev/null 2>&1 && shell=bash',
  'if command -v setsid >/dev/null 2>&1; then setsid "$shell" -c "$run" & else "$shell" -c "$run" & fi',
  'pid=$!',
  `(sleep "$limit" & s=$!; trap 'kill "$s"; exit 0' TERM; wait "$s"; kill -9 -"$pid" "$pid") >/dev/null 2>&1 </dev/null &`,
  'dog=$!',
  'wait "$pid"; code=$?',
  'kill "$dog" 2>/dev/null',
  'exit "$code"',
].join('\n')

/** The exec's command line for `command` with the lab's variables and time limit. Pure. */
export function podCommandLine(command: string, vars: Readonly<Record<string, string>>, timeoutMs: number): string[] {
  const seconds = Math.ceil(timeoutMs / 1000) + POD_GRACE_SECONDS
  const exports = Object.entries(vars)
    .filter(([name]) => VARIABLE_NAME.test(name))
    .map(([name, value]) => `${name}=${value}`)
  return ['sh', '-c', POD_COMMAND_SCRIPT, 'kindlab-check', String(seconds), command, ...exports]
}

export interface PodCommandRunnerOptions {
  exec: PodExec
  /** The trainee's workspace container once it is ready; rejects with an AppError while it is not. */
  workspace(): Promise<PodTarget>
  /** @default MAX_OUTPUT_BYTES */
  maxOutputBytes?: number
}

export function createPodCommandRunner(options: PodCommandRunnerOptions): CommandRunner {
  return {
    async run(command, runOptions) {
      const target = await options.workspace()
      return runInPod(options.exec, target, command, runOptions, options.maxOutputBytes ?? MAX_OUTPUT_BYTES)
    },
  }
}

/** stdout and stderr, interleaved as they arrive, up to `max` bytes. */
class Output {
  readonly #chunks: Buffer[] = []
  #bytes = 0
  #full = false
  constructor(
    private readonly max: number,
    private readonly onFull: () => void,
  ) {}

  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.#add(chunk)
        done()
      },
    })
  }

  text(): string {
    return Buffer.concat(this.#chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  }

  #add(chunk: Buffer): void {
    if (this.#full) {
      return
    }
    const room = this.max - this.#bytes
    this.#chunks.push(chunk.byteLength > room ? chunk.subarray(0, room) : chunk)
    this.#bytes += Math.min(room, chunk.byteLength)
    if (chunk.byteLength > room) {
      this.#full = true
      this.onFull()
    }
  }
}

function runInPod(
  exec: PodExec,
  target: PodTarget,
  command: string,
  options: CommandRunOptions,
  max: number,
): Promise<CommandResult> {
  return new Promise<CommandResult>((resolve, reject) => {
    let conn: ExecConnection | undefined
    let status: ExecStatus | undefined
    let settled = false
    const settle = (outcome: () => CommandResult): void => {
      if (settled) {
        return
      }
      settled = true
      clearTimeout(timer)
      conn?.close()
      try {
        resolve(outcome())
      } catch (err) {
        reject(toAppError(err))
      }
    }
    const output = new Output(max, () => settle(() => ({ exitCode: 1, output: output.text(), timedOut: false })))
    // A stream that never opened ran no command: that is the pod's failure, not the command's timeout.
    const timer = setTimeout(
      () =>
        settle(() =>
          conn ? { exitCode: 124, output: output.text(), timedOut: true } : throwing(noAnswer(target, options)),
        ),
      options.timeoutMs,
    )
    const stdout = output.stream()
    const stderr = output.stream()
    const onStatus = (s: ExecStatus): void => {
      status = s
      // client-node ends both streams before it reports the status: wait until they took it all.
      void Promise.all([finished(stdout), finished(stderr)]).finally(() =>
        settle(() => ({ exitCode: exitCodeOf(s, target), output: output.text(), timedOut: false })),
      )
    }
    const line = podCommandLine(command, options.vars, options.timeoutMs)
    exec.exec(target.namespace, target.pod, target.container, line, stdout, stderr, null, false, onStatus).then(
      (c) => {
        conn = c
        if (settled) {
          c.close()
        }
        c.on?.('close', () => status ?? settle(() => throwing(closedEarly(target))))
      },
      (err: unknown) => settle(() => throwing(execFailed(err, target))),
    )
  })
}

function throwing(error: AppError): never {
  throw error
}

const where = (t: PodTarget) => `${t.namespace}/${t.pod}`
const retryHint =
  'Your workspace pod may be starting or restarting: press Check again in a few seconds. If it keeps failing, your instructor can reset your environment.'

/** The command's exit code from the exec status; an AppError when the command could not start. */
export function exitCodeOf(status: ExecStatus, target: PodTarget): number {
  if (status.status === 'Success') {
    return 0
  }
  const code = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message ?? Number.NaN)
  if (Number.isInteger(code)) {
    return code
  }
  const detail = status.message ? `: ${status.message.slice(0, 200)}` : '.'
  throw new AppError('LAB_ERR_CHECK_FAILED_TO_RUN', {
    message: `The command could not be started in your workspace pod ${where(target)}${detail}`,
    hint: retryHint,
    details: { reason: status.reason ?? 'unknown' },
  })
}

function execFailed(err: unknown, target: PodTarget): AppError {
  if (isAppError(err)) {
    return err
  }
  return new AppError('LAB_ERR_CHECK_FAILED_TO_RUN', {
    message: `Your workspace pod ${where(target)} did not accept the command (the exec request failed).`,
    hint: retryHint,
    cause: err,
  })
}

function noAnswer(target: PodTarget, options: CommandRunOptions): AppError {
  return new AppError('LAB_ERR_CHECK_FAILED_TO_RUN', {
    message: `Your workspace pod ${where(target)} did not accept the command within ${options.timeoutMs / 1000} s.`,
    hint: retryHint,
  })
}

function closedEarly(target: PodTarget): AppError {
  return new AppError('LAB_ERR_CHECK_FAILED_TO_RUN', {
    message: `The connection to your workspace pod ${where(target)} closed before the command reported its exit code.`,
    hint: retryHint,
  })
}
