// One shell on a pty and the viewers (browser tabs) attached to it. Output flows pty → batcher →
// scrollback + every viewer; unacknowledged bytes of any writable viewer pause the pty, so a
// runaway command cannot grow memory. Disposing kills the shell's whole session. Transport-agnostic.
import { constants as osConstants } from 'node:os'
import type { IPty } from 'node-pty'
import { AppError } from '../errors.ts'
import {
  MAX_OUTPUT_BYTES,
  PROTOCOL_VERSION,
  TerminalCloseCode,
  encodeOutputFrame,
  encodeServerFrame,
  type ErrorInfo,
  type ExitInfo,
  type TerminalSize,
} from '../protocol/terminal-frames.ts'
import {
  createFlowControl,
  DEFAULT_HIGH_WATER_BYTES,
  type FlowControl,
  type FlowControlOptions,
} from './flow-control.ts'
import { createOutputBatcher, type OutputBatcher, type OutputBatcherOptions } from './output-batcher.ts'
import { reapSession } from './process-tree.ts'
import { createScrollback, DEFAULT_SCROLLBACK_BYTES, type Scrollback } from './scrollback.ts'
import { buildShellEnv, DEFAULT_TERMINAL_SIZE, resolveShell, spawnShell, type ShellCommand } from './spawn-shell.ts'

/** Something that shows a terminal: a websocket in production, a fake in tests. */
export interface TerminalViewer {
  /** Read-only viewers (watch mode) get output; their input and resizes are ignored. */
  readonly readOnly: boolean
  /** Delivers one encoded server frame. */
  send(frame: Uint8Array): void
  /** Ends the viewer (the session already forgot it), with an optional error to show first. */
  close(code: number, error?: ErrorInfo): void
}

/** What an attached viewer may do. Everything is ignored after detach or exit. */
export interface ViewerHandle {
  input(data: Uint8Array): void
  resize(size: TerminalSize): void
  /** Confirms output bytes the viewer has processed (flow control). */
  ack(bytes: number): void
  detach(): void
}

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

export interface TerminalSessionOptions {
  /** The shell's working directory and HOME. */
  workspaceDir: string
  /** Session-specific variables, e.g. KUBECONFIG. */
  env?: Record<string, string>
  /** Variables every shell gets (PATH, LANG...), from the server config. */
  baseEnv?: Record<string, string>
  /** @default 80×24 */
  size?: TerminalSize
  /** @default `bash -l`, or `/bin/sh -l` without bash */
  shell?: ShellCommand
  flow?: FlowControlOptions
  batch?: Pick<OutputBatcherOptions, 'maxBytes' | 'delayMs' | 'eagerWindowMs'>
  /** @default 256 KiB */
  scrollbackBytes?: number
  /** A read-only viewer this far behind is dropped instead of slowing the shell. @default 4 × high watermark */
  watcherMaxUnackedBytes?: number
  /** SIGHUP → SIGKILL grace when disposing. @default 1000 */
  killGraceMs?: number
  onExit?(info: ExitInfo): void
  onViewerCountChange?(count: number): void
}

/** A running shell. Create with {@link createTerminalSession}. */
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

const slowWatcherError: ErrorInfo = {
  code: 'LAB_ERR_TERMINAL_UNAVAILABLE',
  message: 'This read-only view fell too far behind the terminal and was disconnected.',
  hint: 'It reconnects by itself and shows the recent output again.',
}

/** Spawns a shell and returns its session. Throws LAB_ERR_TERMINAL_UNAVAILABLE. */
export function createTerminalSession(options: TerminalSessionOptions): TerminalSession {
  return new PtySession(options)
}

class PtySession implements TerminalSession {
  readonly #options: TerminalSessionOptions
  readonly #pty: IPty
  readonly #viewers = new Map<TerminalViewer, FlowControl>()
  readonly #scrollback: Scrollback
  readonly #batcher: OutputBatcher
  readonly #watcherLimit: number
  readonly #exitPromise: Promise<void>
  #exitSeen: () => void = () => {}
  #paused = false
  #exited = false
  #everAttached = false
  #lastInputAt = Date.now()
  #disposal: Promise<void> | undefined

  constructor(options: TerminalSessionOptions) {
    this.#options = options
    this.#pty = spawnShell({
      workspaceDir: options.workspaceDir,
      env: buildShellEnv(options.workspaceDir, options.baseEnv, options.env),
      size: options.size ?? DEFAULT_TERMINAL_SIZE,
      shell: options.shell ?? resolveShell(),
    })
    this.#watcherLimit =
      options.watcherMaxUnackedBytes ?? 4 * (options.flow?.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES)
    this.#scrollback = createScrollback(options.scrollbackBytes ?? DEFAULT_SCROLLBACK_BYTES)
    this.#batcher = createOutputBatcher({
      ...options.batch,
      onFlush: (chunks, bytes) => this.#broadcast(chunks, bytes),
    })
    this.#exitPromise = new Promise<void>((resolve) => (this.#exitSeen = resolve))
    this.#pty.onData((data: string | Uint8Array) => {
      this.#batcher.push(typeof data === 'string' ? new TextEncoder().encode(data) : data)
    })
    this.#pty.onExit(({ exitCode, signal }) => this.#onExit({ code: exitCode, signal: signalName(signal) }))
  }

  get pid(): number {
    return this.#pty.pid
  }
  get isExited(): boolean {
    return this.#exited
  }
  get lastInputAt(): number {
    return this.#lastInputAt
  }
  get viewerCount(): number {
    return this.#viewers.size
  }

  attach(viewer: TerminalViewer): ViewerHandle {
    if (this.#exited || this.#disposal !== undefined) {
      throw new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', {
        message: 'This terminal has already closed.',
        hint: 'Reconnect to start a new shell.',
      })
    }
    this.#batcher.flush() // everything before this point is in the scrollback, everything after is live
    const replay = this.#scrollback.snapshot()
    this.#viewers.set(viewer, createFlowControl(this.#options.flow))
    const reattached = this.#everAttached
    this.#everAttached = true
    const ready = { reattached, readOnly: viewer.readOnly, replayBytes: replay.byteLength, version: PROTOCOL_VERSION }
    viewer.send(encodeServerFrame({ type: 'ready', ...ready }))
    for (let start = 0; start < replay.byteLength; start += MAX_OUTPUT_BYTES) {
      const part = replay.subarray(start, start + MAX_OUTPUT_BYTES)
      viewer.send(encodeOutputFrame([part]))
      this.#account(viewer, part.byteLength)
    }
    this.#options.onViewerCountChange?.(this.#viewers.size)
    return this.#handleFor(viewer)
  }

  closeViewers(code: number, error?: ErrorInfo, filter: (v: TerminalViewer) => boolean = () => true): void {
    for (const viewer of [...this.#viewers.keys()].filter(filter)) {
      this.#forget(viewer)
      viewer.close(code, error)
    }
  }

  stats(): TerminalStats {
    return {
      pid: this.#pty.pid,
      viewers: this.#viewers.size,
      isPaused: this.#paused,
      maxUnackedBytes: Math.max(0, ...[...this.#viewers.values()].map((f) => f.unackedBytes)),
      pendingBytes: this.#batcher.pendingBytes,
      scrollbackBytes: this.#scrollback.byteLength,
      isExited: this.#exited,
    }
  }

  dispose(code: number = TerminalCloseCode.GoingAway, error?: ErrorInfo): Promise<void> {
    this.#disposal ??= (async () => {
      this.closeViewers(code, error)
      if (!this.#exited) {
        this.#batcher.dispose()
        this.#pty.resume() // a paused pty cannot drain, and node-pty reports exit only after draining
        await reapSession(this.#pty.pid, this.#options.killGraceMs)
      }
      await Promise.race([this.#exitPromise, new Promise((resolve) => setTimeout(resolve, 3000).unref())])
    })()
    return this.#disposal
  }

  #handleFor(viewer: TerminalViewer): ViewerHandle {
    const canWrite = (): boolean => !viewer.readOnly && !this.#exited && this.#viewers.has(viewer)
    return {
      input: (data) => {
        if (canWrite() && data.byteLength > 0) {
          this.#lastInputAt = Date.now()
          this.#batcher.noteInput()
          this.#pty.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
        }
      },
      resize: ({ cols, rows }) => {
        if (canWrite()) {
          this.#pty.resize(cols, rows)
        }
      },
      ack: (bytes) => {
        if (this.#viewers.get(viewer)?.ack(bytes) === 'resume' && !viewer.readOnly) {
          this.#updatePause()
        }
      },
      detach: () => this.#forget(viewer),
    }
  }

  #broadcast(chunks: Uint8Array[], bytes: number): void {
    for (const chunk of chunks) {
      this.#scrollback.write(chunk)
    }
    if (this.#viewers.size === 0) {
      return
    }
    const frame = encodeOutputFrame(chunks)
    for (const viewer of [...this.#viewers.keys()]) {
      viewer.send(frame)
      this.#account(viewer, bytes)
    }
  }

  #account(viewer: TerminalViewer, bytes: number): void {
    const flow = this.#viewers.get(viewer)
    if (flow === undefined) {
      return
    }
    const signal = flow.account(bytes)
    if (viewer.readOnly && flow.unackedBytes > this.#watcherLimit) {
      this.#forget(viewer)
      viewer.close(TerminalCloseCode.SlowConsumer, slowWatcherError)
    } else if (signal === 'pause' && !viewer.readOnly) {
      this.#updatePause()
    }
  }

  #updatePause(): void {
    let shouldPause = false
    for (const [viewer, flow] of this.#viewers) {
      shouldPause ||= !viewer.readOnly && flow.isPaused
    }
    if (shouldPause !== this.#paused && !this.#exited) {
      this.#paused = shouldPause
      if (shouldPause) {
        this.#pty.pause()
      } else {
        this.#pty.resume()
      }
    }
  }

  #forget(viewer: TerminalViewer): void {
    if (this.#viewers.delete(viewer)) {
      this.#updatePause()
      this.#options.onViewerCountChange?.(this.#viewers.size)
    }
  }

  #onExit(info: ExitInfo): void {
    this.#exited = true
    this.#batcher.flush()
    this.#batcher.dispose()
    const frame = encodeServerFrame({ type: 'exit', ...info })
    for (const viewer of this.#viewers.keys()) {
      viewer.send(frame)
    }
    this.closeViewers(TerminalCloseCode.ShellExited)
    // Background jobs the shell left behind share its session: end them too.
    void reapSession(this.#pty.pid, this.#options.killGraceMs).finally(this.#exitSeen)
    this.#options.onExit?.(info)
  }
}
