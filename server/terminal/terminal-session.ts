// One shell on a pty and the viewers (browser tabs) attached to it, through a ViewerHub: batching,
// scrollback, flow control (pausing the pty) and watchers live there. This file owns the process:
// spawning it, reporting its exit, and killing its whole session on dispose.
import { constants as osConstants } from 'node:os'
import type { IPty } from 'node-pty'
import { AppError } from '../errors.ts'
import { TerminalCloseCode, type ErrorInfo, type ExitInfo, type TerminalSize } from '../protocol/terminal-frames.ts'
import { reapSession } from './process-tree.ts'
import { buildShellEnv, DEFAULT_TERMINAL_SIZE, resolveShell, spawnShell, type ShellCommand } from './spawn-shell.ts'
import { ViewerHub, type TerminalViewer, type ViewerHandle, type ViewerHubOptions } from './viewer-hub.ts'

export type { TerminalSource, TerminalViewer, ViewerHandle, ViewerHubOptions } from './viewer-hub.ts'

/** A snapshot for monitoring and tests. */
export interface TerminalStats {
  pid: number
  viewers: number
  isPaused: boolean
  /** Largest count of sent-but-unacknowledged output bytes among the viewers. */
  maxUnackedBytes: number
  /** Output held by the batcher, not yet sent. */
  pendingBytes: number
  scrollbackBytes: number
  isExited: boolean
}

export interface TerminalSessionOptions extends Omit<ViewerHubOptions, 'onViewerCountChange'> {
  /** The shell's working directory and HOME. */
  workspaceDir: string
  /** Session-specific variables, e.g. KUBECONFIG. */
  env?: Record<string, string>
  /** The learner session's kind (`trainee` for a cohort seat), for factories that isolate by kind. */
  sessionKind?: string
  /** Variables every shell gets (PATH, LANG...), from the server config. */
  baseEnv?: Record<string, string>
  /** @default 80×24 */
  size?: TerminalSize
  /** @default `bash -l`, or `/bin/sh -l` without bash */
  shell?: ShellCommand
  /** SIGHUP → SIGKILL grace when disposing. @default 1000 */
  killGraceMs?: number
  onExit?(info: ExitInfo): void
  onViewerCountChange?(count: number): void
}

/** A running shell, local or remote. Local ones come from {@link createTerminalSession}. */
export interface TerminalSession {
  readonly pid: number
  readonly isExited: boolean
  /** Date.now() of the last input from a writable viewer (or of the start). */
  readonly lastInputAt: number
  readonly viewerCount: number
  /** Attaches a viewer: sends it a ready frame and the scrollback, then live output. */
  attach(viewer: TerminalViewer): ViewerHandle
  /** Closes and forgets the viewers that match `filter` (all by default). */
  closeViewers(code: number, error?: ErrorInfo, filter?: (v: TerminalViewer) => boolean): void
  stats(): TerminalStats
  /** Closes the viewers with `code` and kills every process of the shell's session. Idempotent. */
  dispose(code?: number, error?: ErrorInfo): Promise<void>
}

function signalName(signal: number | undefined): string | null {
  if (!signal) {
    return null
  }
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === signal)
  return entry ? entry[0] : String(signal)
}

/** Spawns a shell and returns its session. Throws LAB_ERR_TERMINAL_UNAVAILABLE. */
export function createTerminalSession(options: TerminalSessionOptions): TerminalSession {
  return new PtySession(options)
}

class PtySession implements TerminalSession {
  readonly #options: TerminalSessionOptions
  readonly #pty: IPty
  readonly #hub: ViewerHub
  readonly #exitPromise: Promise<void>
  #exitSeen: () => void = () => {}
  #exited = false
  #disposal: Promise<void> | undefined

  constructor(options: TerminalSessionOptions) {
    this.#options = options
    const pty = spawnShell({
      workspaceDir: options.workspaceDir,
      env: buildShellEnv(options.workspaceDir, options.baseEnv, options.env),
      size: options.size ?? DEFAULT_TERMINAL_SIZE,
      shell: options.shell ?? resolveShell(),
    })
    this.#pty = pty
    const source = {
      pause: () => pty.pause(),
      resume: () => pty.resume(),
      write: (data: Uint8Array) => pty.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
      resize: ({ cols, rows }: TerminalSize) => pty.resize(cols, rows),
    }
    this.#hub = new ViewerHub(source, options)
    this.#exitPromise = new Promise<void>((resolve) => (this.#exitSeen = resolve))
    pty.onData((data: string | Uint8Array) => {
      this.#hub.push(typeof data === 'string' ? new TextEncoder().encode(data) : data)
    })
    pty.onExit(({ exitCode, signal }) => this.#onExit({ code: exitCode, signal: signalName(signal) }))
  }

  get pid(): number {
    return this.#pty.pid
  }
  get isExited(): boolean {
    return this.#exited
  }
  get lastInputAt(): number {
    return this.#hub.lastInputAt
  }
  get viewerCount(): number {
    return this.#hub.viewerCount
  }

  attach(viewer: TerminalViewer): ViewerHandle {
    if (this.#exited || this.#disposal !== undefined) {
      throw new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', {
        message: 'This terminal has already closed.',
        hint: 'Reconnect to start a new shell.',
      })
    }
    return this.#hub.attach(viewer)
  }

  closeViewers(code: number, error?: ErrorInfo, filter?: (v: TerminalViewer) => boolean): void {
    this.#hub.closeViewers(code, error, filter)
  }

  stats(): TerminalStats {
    return {
      pid: this.#pty.pid,
      viewers: this.#hub.viewerCount,
      isPaused: this.#hub.isPaused,
      maxUnackedBytes: this.#hub.maxUnackedBytes,
      pendingBytes: this.#hub.pendingBytes,
      scrollbackBytes: this.#hub.scrollbackBytes,
      isExited: this.#exited,
    }
  }

  dispose(code: number = TerminalCloseCode.GoingAway, error?: ErrorInfo): Promise<void> {
    this.#disposal ??= (async () => {
      this.#hub.closeViewers(code, error)
      if (!this.#exited) {
        this.#hub.discard()
        this.#pty.resume() // a paused pty cannot drain, and node-pty reports exit only after draining
        await reapSession(this.#pty.pid, this.#options.killGraceMs)
      }
      await Promise.race([this.#exitPromise, new Promise((resolve) => setTimeout(resolve, 3000).unref())])
    })()
    return this.#disposal
  }

  #onExit(info: ExitInfo): void {
    this.#exited = true
    this.#hub.end(info)
    // Background jobs the shell left behind share its session: end them too.
    void reapSession(this.#pty.pid, this.#options.killGraceMs).finally(this.#exitSeen)
    this.#options.onExit?.(info)
  }
}
