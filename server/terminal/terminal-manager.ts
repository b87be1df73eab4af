// Keeps one shell per learner session: a browser that reconnects within the reattach window gets the
// same shell (and its scrollback) back; a shell without viewers, or without input for too long, is
// closed. Several viewers per shell are allowed: one writable tab plus any read-only watchers.
import { AppError } from '../errors.ts'
import { TerminalCloseCode, type ErrorInfo, type TerminalSize } from '../protocol/terminal-frames.ts'
import {
  createTerminalSession,
  type TerminalSession,
  type TerminalSessionOptions,
  type TerminalViewer,
  type ViewerHandle,
} from './terminal-session.ts'

/** The subset of a pino logger the manager uses. */
export interface TerminalLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

/** Options for every shell the manager starts; per-session values come with each attach. */
export type SessionDefaults = Omit<
  TerminalSessionOptions,
  'workspaceDir' | 'env' | 'size' | 'onExit' | 'onViewerCountChange'
>

export interface TerminalManagerOptions {
  /** How long a shell without viewers waits for its browser to come back. @default 60_000 */
  reattachWindowMs?: number
  /** Close a shell after this long without input; 0 disables. @default 30 minutes */
  idleTimeoutMs?: number
  /** Shell, environment, flow-control and buffer settings for every shell. */
  sessionDefaults?: SessionDefaults
  logger?: TerminalLogger
  /** Shells running at once; one more is refused with LAB_ERR_TERMINAL_LIMIT. @default 250 */
  maxShells?: number
  /** Seam for tests; defaults to {@link createTerminalSession}. */
  createSession?: (options: TerminalSessionOptions) => TerminalSession
}

/** One viewer asking for the shell of `sessionId`. */
export interface AttachRequest {
  sessionId: string
  workspaceDir: string
  env?: Record<string, string>
  /** The session's kind (`trainee`, ...): passed to the session factory. */
  sessionKind?: string
  size?: TerminalSize
  viewer: TerminalViewer
}

/** Shells by learner session id. */
export interface TerminalManager {
  /**
   * Attaches a viewer to the session's shell, starting one if needed (writable viewers only: a
   * read-only viewer needs a running shell, else LAB_ERR_SESSION_NOT_FOUND). A new writable viewer
   * replaces the previous one, which is closed with code 4409. Throws LAB_ERR_TERMINAL_UNAVAILABLE.
   */
  attach(request: AttachRequest): ViewerHandle
  get(sessionId: string): TerminalSession | undefined
  sessionIds(): string[]
  /** Kills the session's shell; its viewers are closed with `code`. */
  closeSession(sessionId: string, code?: number, error?: ErrorInfo): Promise<void>
  /** Kills every shell (server shutdown). */
  closeAll(): Promise<void>
}

interface Entry {
  session: TerminalSession
  detachTimer?: ReturnType<typeof setTimeout>
  idleTimer?: ReturnType<typeof setTimeout>
}

const replacedError: ErrorInfo = {
  code: 'LAB_ERR_TERMINAL_UNAVAILABLE',
  message: 'This terminal was opened in another tab or window.',
  hint: 'Use the newest tab, or reload this page to take the terminal back.',
}

/** Creates a terminal manager. Its timers never keep the process alive. */
export function createTerminalManager(options: TerminalManagerOptions = {}): TerminalManager {
  return new SessionRegistry(options)
}

class SessionRegistry implements TerminalManager {
  readonly #entries = new Map<string, Entry>()
  readonly #options: TerminalManagerOptions
  readonly #reattachWindowMs: number
  readonly #idleTimeoutMs: number

  constructor(options: TerminalManagerOptions) {
    this.#options = options
    this.#reattachWindowMs = options.reattachWindowMs ?? 60_000
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000
  }

  attach(request: AttachRequest): ViewerHandle {
    const { sessionId, viewer } = request
    let entry = this.#entries.get(sessionId)
    if (entry?.session.isExited) {
      this.#forget(sessionId, entry)
      entry = undefined
    }
    const isNew = entry === undefined
    if (entry === undefined) {
      if (viewer.readOnly) {
        throw new AppError('LAB_ERR_SESSION_NOT_FOUND', {
          message: 'This learner has no terminal open right now.',
          hint: 'Try again once the learner has opened the lab.',
        })
      }
      entry = this.#start(request)
    } else if (!viewer.readOnly) {
      entry.session.closeViewers(TerminalCloseCode.Replaced, replacedError, (v) => !v.readOnly)
    }
    if (entry.detachTimer !== undefined) {
      clearTimeout(entry.detachTimer)
      entry.detachTimer = undefined
    }
    const handle = entry.session.attach(viewer)
    if (!isNew && request.size !== undefined && !viewer.readOnly) {
      handle.resize(request.size)
    }
    return handle
  }

  get(sessionId: string): TerminalSession | undefined {
    return this.#entries.get(sessionId)?.session
  }

  sessionIds(): string[] {
    return [...this.#entries.keys()]
  }

  async closeSession(sessionId: string, code: number = TerminalCloseCode.GoingAway, error?: ErrorInfo): Promise<void> {
    const entry = this.#entries.get(sessionId)
    if (entry !== undefined) {
      this.#forget(sessionId, entry)
      await entry.session.dispose(code, error)
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.sessionIds().map((id) => this.closeSession(id)))
  }

  #start(request: AttachRequest): Entry {
    const { sessionId } = request
    const maxShells = this.#options.maxShells ?? 250
    if (this.#entries.size >= maxShells) {
      throw new AppError('LAB_ERR_TERMINAL_LIMIT', {
        message: `This kindlab server already runs ${maxShells} terminals, the most it allows.`,
        hint: 'Close terminals you no longer use (other tabs), or try again in a few minutes.',
      })
    }
    const create = this.#options.createSession ?? createTerminalSession
    const entry: Entry = {
      session: create({
        ...this.#options.sessionDefaults,
        workspaceDir: request.workspaceDir,
        ...(request.env === undefined ? {} : { env: request.env }),
        ...(request.sessionKind === undefined ? {} : { sessionKind: request.sessionKind }),
        ...(request.size === undefined ? {} : { size: request.size }),
        onExit: (info) => {
          this.#options.logger?.info({ sessionId, ...info }, 'terminal shell exited')
          if (this.#entries.get(sessionId) === entry) {
            this.#forget(sessionId, entry)
          }
        },
        onViewerCountChange: (count) => this.#onViewerCount(sessionId, entry, count),
      }),
    }
    this.#entries.set(sessionId, entry)
    this.#armIdleTimer(sessionId, entry, this.#idleTimeoutMs)
    this.#options.logger?.info({ sessionId, pid: entry.session.pid }, 'terminal shell started')
    return entry
  }

  #onViewerCount(sessionId: string, entry: Entry, count: number): void {
    if (count > 0 || entry.session.isExited || this.#entries.get(sessionId) !== entry) {
      return
    }
    clearTimeout(entry.detachTimer)
    entry.detachTimer = setTimeout(() => {
      if (entry.session.viewerCount === 0) {
        this.#options.logger?.info({ sessionId }, 'terminal closed: nobody reattached in time')
        void this.closeSession(sessionId)
      }
    }, this.#reattachWindowMs).unref()
  }

  #armIdleTimer(sessionId: string, entry: Entry, delayMs: number): void {
    if (this.#idleTimeoutMs <= 0) {
      return
    }
    entry.idleTimer = setTimeout(() => {
      const idleFor = Date.now() - entry.session.lastInputAt
      if (idleFor < this.#idleTimeoutMs) {
        this.#armIdleTimer(sessionId, entry, this.#idleTimeoutMs - idleFor)
        return
      }
      this.#options.logger?.info({ sessionId, idleMs: idleFor }, 'terminal closed: idle')
      const minutes = Math.round(this.#idleTimeoutMs / 60_000)
      void this.closeSession(sessionId, TerminalCloseCode.IdleTimeout, {
        code: 'LAB_ERR_TERMINAL_UNAVAILABLE',
        message: `The terminal was closed after ${minutes} minutes without typing.`,
        hint: 'Press Enter to start a new shell; files in your workspace are kept.',
      })
    }, delayMs).unref()
  }

  #forget(sessionId: string, entry: Entry): void {
    clearTimeout(entry.detachTimer)
    clearTimeout(entry.idleTimer)
    if (this.#entries.get(sessionId) === entry) {
      this.#entries.delete(sessionId)
    }
  }
}
