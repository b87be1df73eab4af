// Chooses how a local shell is confined. A cohort trainee's shell on this machine runs in a
// bubblewrap sandbox that shows only their workspace, never with the server's identity; when the
// sandbox cannot start, the terminal is refused (there is no unconfined fallback). A solo learner's
// shell is their own, on their own machine: it only gets a PID namespace, so closing the terminal
// ends everything it started.
import { AppError } from '../../errors.ts'
import { resolveShell } from '../spawn-shell.ts'
import { createTerminalSession, type TerminalSession, type TerminalSessionOptions } from '../terminal-session.ts'
import type { TraineeSandbox } from './bwrap.ts'
import type { PidNamespace } from './pid-namespace.ts'

export type SessionFactory = (options: TerminalSessionOptions) => TerminalSession

export interface IsolationOptions {
  /** Confines trainee shells; without it, trainee shells are refused. */
  trainee?: TraineeSandbox
  /** Puts other shells in their own PID namespace where the machine allows it. */
  solo?: PidNamespace
  /** @default createTerminalSession */
  create?: SessionFactory
}

/** Throws LAB_ERR_TERMINAL_UNAVAILABLE for a trainee when the sandbox cannot start. */
export function createIsolatedSessionFactory(isolation: IsolationOptions): SessionFactory {
  const create = isolation.create ?? createTerminalSession
  return (options) => {
    const shell = options.shell ?? resolveShell()
    if (options.sessionKind !== 'trainee') {
      return create({ ...options, shell: isolation.solo ? isolation.solo.wrap(shell) : shell })
    }
    const reason = isolation.trainee ? isolation.trainee.unavailableReason() : 'no sandbox is configured'
    if (reason !== undefined || isolation.trainee === undefined) {
      throw new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', {
        message: `Trainee terminals on this server run in a sandbox, and it cannot start here: ${reason}.`,
        hint:
          'Instructor: install bubblewrap (the Debian and Ubuntu package "bubblewrap") and allow ' +
          'unprivileged user namespaces on this machine, then reload the page.',
      })
    }
    return create({ ...options, shell: isolation.trainee.wrap(shell, options.workspaceDir) })
  }
}
