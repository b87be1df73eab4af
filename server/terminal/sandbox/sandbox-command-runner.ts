// Runs an offline cohort trainee's `command` checks where their terminal runs: in their bubblewrap
// sandbox, which shows only their workspace. A lab's command reads files the trainee controls (a
// symlink to cohort.key, say), so it gets no more reach than the trainee's own shell. When the
// sandbox cannot start, the check fails with the reason; the command never runs unconfined.
import { runProgram } from '../../adapters/process/run-command.ts'
import type { CommandRunner } from '../../checks/command-runner.ts'
import { AppError } from '../../errors.ts'
import { DEFAULT_SHELL_PATH } from '../spawn-shell.ts'
import type { TraineeSandbox } from './bwrap.ts'

export function createSandboxCommandRunner(sandbox: TraineeSandbox, workspaceDir: string): CommandRunner {
  return {
    async run(command, options) {
      const reason = sandbox.unavailableReason()
      if (reason !== undefined) {
        throw new AppError('LAB_ERR_CHECK_FAILED_TO_RUN', {
          message: `Checks of trainees on this server run in a sandbox, and it cannot start here: ${reason}.`,
          hint:
            'Instructor: install bubblewrap (the Debian and Ubuntu package "bubblewrap") and allow ' +
            'unprivileged user namespaces on this machine.',
        })
      }
      const shell = sandbox.wrap({ file: '/bin/bash', args: ['-c', command] }, workspaceDir)
      return runProgram(shell.file, shell.args, {
        cwd: workspaceDir,
        env: { PATH: DEFAULT_SHELL_PATH, LANG: 'C.UTF-8', ...options.vars },
        timeoutMs: options.timeoutMs,
        inheritEnv: false,
      })
    },
  }
}
