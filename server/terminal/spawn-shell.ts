// Starts a login shell on a pty inside a learner's workspace directory, with a clean, explicit
// environment (nothing of the server's own environment leaks in). Errors become AppErrors.
import { accessSync, constants, statSync } from 'node:fs'
import { spawn, type IPty } from 'node-pty'
import { AppError } from '../errors.ts'
import type { TerminalSize } from '../protocol/terminal-frames.ts'

/** The program a terminal runs. */
export interface ShellCommand {
  file: string
  args: string[]
}

/** PATH given to shells when the caller's base environment has none. */
export const DEFAULT_SHELL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
/** Terminal size before the browser reports its own. */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { cols: 80, rows: 24 }

/** True when `file` exists and this process may execute it. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** `bash -l` when bash is installed, otherwise `/bin/sh -l`. */
export function resolveShell(candidates: readonly string[] = ['/bin/bash', '/usr/bin/bash']): ShellCommand {
  const bash = candidates.find(isExecutable)
  return bash === undefined ? { file: '/bin/sh', args: ['-l'] } : { file: bash, args: ['-l'] }
}

/**
 * The shell's environment: a small default, then `baseEnv` (from the server config), then the
 * session's `env` (e.g. KUBECONFIG); HOME, TERM and COLORTERM always describe the terminal itself.
 */
export function buildShellEnv(
  workspaceDir: string,
  baseEnv: Readonly<Record<string, string>> = {},
  env: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    PATH: DEFAULT_SHELL_PATH,
    LANG: 'C.UTF-8',
    ...baseEnv,
    ...env,
    HOME: workspaceDir,
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
  }
}

export interface SpawnShellOptions {
  workspaceDir: string
  env: Record<string, string>
  size: TerminalSize
  shell: ShellCommand
}

function unavailable(message: string, hint: string, cause?: unknown): AppError {
  return new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', { message, hint, cause })
}

/** Spawns the shell with binary (Buffer) output. Throws LAB_ERR_TERMINAL_UNAVAILABLE. */
export function spawnShell(options: SpawnShellOptions): IPty {
  const { workspaceDir, env, size, shell } = options
  let isDir = false
  try {
    isDir = statSync(workspaceDir).isDirectory()
  } catch (err) {
    throw unavailable('The lab workspace folder is missing, so no terminal can start.', 'Restart the lab.', err)
  }
  if (!isDir) {
    throw unavailable('The lab workspace is not a folder, so no terminal can start.', 'Restart the lab.')
  }
  try {
    return spawn(shell.file, shell.args, {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd: workspaceDir,
      env,
      encoding: null,
    })
  } catch (err) {
    throw unavailable(`Could not start the shell ${shell.file}.`, 'Check that the shell is installed.', err)
  }
}
