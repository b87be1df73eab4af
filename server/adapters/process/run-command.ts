// Runs a learner-facing shell command (a `command` check) in the workspace, with a time limit
// and bounded output. Translates process failures into a CommandResult, never throws for exit codes.
import { execa } from 'execa'
import type { CommandResult } from '../../checks/types.ts'

const maxOutputBytes = 256 * 1024

export async function runShellCommand(
  command: string,
  options: { cwd: string; env: Readonly<Record<string, string>>; timeoutMs: number },
): Promise<CommandResult> {
  const result = await execa('bash', ['-c', command], {
    cwd: options.cwd,
    env: { ...options.env, HOME: options.cwd },
    timeout: options.timeoutMs,
    reject: false,
    all: true,
    stdin: 'ignore',
    maxBuffer: maxOutputBytes,
    killSignal: 'SIGKILL',
    forceKillAfterDelay: 1000,
  })
  return {
    exitCode: result.exitCode ?? (result.timedOut ? 124 : 1),
    output: typeof result.all === 'string' ? result.all : '',
    timedOut: result.timedOut,
  }
}
