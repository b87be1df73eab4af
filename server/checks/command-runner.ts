// Where a `command` check's shell command runs. The check kind (kinds/command.ts) only judges the
// result; a CommandRunner decides the place: by default a local process in the learner's workspace
// folder (the server's CheckContext.runCommand), and for a cohort trainee with a live environment
// their workspace pod (server/cohorts/pod-command.ts), chosen per session with the other grading
// services (server/cohorts/session-services.ts) under the key `commandRunnerKey`.
import type { CheckContext, CommandResult } from './types.ts'

export interface CommandRunOptions {
  /** Killed after this long; the result then has `timedOut` and exit code 124. */
  timeoutMs: number
  /**
   * The lab's variables as this session sees them (LEARNER_NAMESPACE, TRAINEE_NAMESPACE, …): the
   * command's environment has each of them, wherever it runs.
   */
  vars: Readonly<Record<string, string>>
}

/**
 * Runs one shell command (`bash -c`, else `sh -c`) without stdin and with the output bounded.
 * Resolves with the exit code, even a non-zero one; rejects only with an AppError when the
 * command could not be run at all (e.g. the trainee's workspace pod is not ready).
 */
export interface CommandRunner {
  run(command: string, options: CommandRunOptions): Promise<CommandResult>
}

/** The key of CheckContext.services under which a session's own runner is given. */
export const commandRunnerKey = 'commandRunner'

/** Today's runner: the server's local process in the workspace folder (its env already has the vars). */
export function localCommandRunner(ctx: Pick<CheckContext, 'runCommand'>): CommandRunner {
  return { run: (command, options) => ctx.runCommand(command, { timeoutMs: options.timeoutMs }) }
}

/** The runner for this check: the session's own when the server gave one, else the local one. */
export function commandRunnerOf(ctx: Pick<CheckContext, 'runCommand' | 'services'>): CommandRunner {
  const own = ctx.services[commandRunnerKey]
  return isCommandRunner(own) ? own : localCommandRunner(ctx)
}

function isCommandRunner(value: unknown): value is CommandRunner {
  return typeof (value as Partial<CommandRunner> | undefined)?.run === 'function'
}
