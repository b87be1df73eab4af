// Runs a learner-facing shell command (a `command` check) in the workspace, with a time limit
// and bounded output. Translates process failures into a CommandResult, never throws for exit codes.
import { execa } from 'execa'
import type { CommandResult } from '../../checks/types.ts'

const maxOutputBytes = 256 * 1024

export interface RunOptions {
  cwd: string
  env: Readonly<Record<string, string>>
  timeoutMs: number
  /** Also pass the server's own environment (execa's default). @default true */
  inheritEnv?: boolean
}

export async function runShellCommand(command: string, options: RunOptions): Promise<CommandResult> {
  return runProgram('bash', ['-c', command], { ...options, env: { ...options.env, HOME: options.cwd } })
}

/** The same limits for any program (e.g. `bash -c` inside a sandbox). */
export async function runProgram(file: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.inheritEnv ?? true,
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
