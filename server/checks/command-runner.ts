// Where a `command` check's shell command runs. The check kind (kinds/command.ts) only judges the
// result; a CommandRunner decides the place: by default a local process in the learner's workspace
// folder (the server's CheckContext.runCommand), and for a cohort trainee with a live environment
// their workspace pod (server/cohorts/pod-command.ts), chosen per session with the other grading
// services (server/cohorts/session-services.ts) as `GradingServices.commandRunner`.
import type { CheckContext, CommandRunner } from './types.ts'

export type { CommandRunner, CommandRunOptions } from './types.ts'

/** Today's runner: the server's local process in the workspace folder (its env already has the vars). */
export function localCommandRunner(ctx: Pick<CheckContext, 'runCommand'>): CommandRunner {
  return { run: (command, options) => ctx.runCommand(command, { timeoutMs: options.timeoutMs }) }
}

/** The runner for this check: the session's own when the server gave one, else the local one. */
export function commandRunnerOf(ctx: Pick<CheckContext, 'runCommand' | 'services'>): CommandRunner {
  return ctx.services.commandRunner ?? localCommandRunner(ctx)
}
