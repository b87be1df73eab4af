// A trainee's terminal in their workspace pod, reached through the PodExec port (client-node's
// websocket Exec, server/adapters/kube/pods.ts), behind the terminal manager's TerminalSession
// interface. The terminal engineer's ViewerHub does the viewers, scrollback, batching, flow control
// and read-only watchers, exactly as for a local shell; flow control pauses the exec websocket
// (TCP back-pressure up to the pod). The shell runs in the cluster as the trainee's ServiceAccount,
// never on the server.
import { PassThrough, Writable, type Readable } from 'node:stream'
import { AppError } from '../errors.ts'
import { TerminalCloseCode, type ErrorInfo, type ExitInfo, type TerminalSize } from '../protocol/terminal-frames.ts'
import type { TerminalSession, TerminalStats, TerminalViewer, ViewerHandle } from '../terminal/terminal-session.ts'
import { ViewerHub, type ViewerHubOptions } from '../terminal/viewer-hub.ts'

export interface PodTarget {
  namespace: string
  pod: string
  container: string
}

/** The exec's exit status (what is read of client-node's V1Status): `Success`, or the ExitCode cause. */
export interface ExecStatus {
  status?: string
  message?: string
  reason?: string
  details?: { causes?: Array<{ reason?: string; message?: string }> }
}

/** The open exec stream: client-node returns a `ws` WebSocket. */
export interface ExecConnection {
  close(): void
  pause?(): void
  resume?(): void
  on?(event: 'close', listener: () => void): unknown
}

/**
 * The exec seam: client-node's Exec in production (server/adapters/kube/pods.ts), the same Exec
 * against a loopback fake in tests.
 * Terminals (tty, stdin) and command checks (pod-command.ts: no tty, no stdin) both go through it.
 */
export interface PodExec {
  exec(
    namespace: string,
    pod: string,
    container: string,
    command: string[],
    stdout: Writable,
    stderr: Writable,
    /** null: no stdin (a command check). */
    stdin: Readable | null,
    tty: boolean,
    status: (s: ExecStatus) => void,
  ): Promise<ExecConnection>
}

export interface PodTerminalOptions extends Omit<ViewerHubOptions, 'onViewerCountChange'> {
  exec: PodExec
  target: PodTarget
  /** @default {@link DEFAULT_POD_SHELL} */
  command?: string[]
  size?: TerminalSize
  onExit?(info: ExitInfo): void
  onViewerCountChange?(count: number): void
}

/** bash when the image has it, else sh; a login shell either way. */
export const DEFAULT_POD_SHELL = ['sh', '-c', 'command -v bash >/dev/null && exec bash -l || exec sh -l']

/** A Writable that client-node treats as a resizable terminal (columns, rows, 'resize'). */
class TtyOutput extends Writable {
  columns: number
  rows: number
  constructor(
    size: TerminalSize,
    private readonly sink: (chunk: Uint8Array) => void,
  ) {
    super()
    this.columns = size.cols
    this.rows = size.rows
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.sink(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    done()
  }
  resizeTo(size: TerminalSize): void {
    this.columns = size.cols
    this.rows = size.rows
    this.emit('resize')
  }
}

/**
 * Starts the shell in the pod. Returns at once (the terminal manager's `createSession` seam is
 * synchronous): input typed before the exec stream opens is buffered; `ready` settles when it is
 * open, and a failure ends the session with an error frame for its viewers.
 */
export function createPodTerminalSession(options: PodTerminalOptions): TerminalSession & { ready: Promise<void> } {
  const session = new PodSession(options)
  const ready = session.start()
  ready.catch((err: unknown) => session.fail(err))
  return Object.assign(session, { ready })
}

class PodSession implements TerminalSession {
  readonly #options: PodTerminalOptions
  readonly #stdin = new PassThrough()
  readonly #stdout: TtyOutput
  readonly #hub: ViewerHub
  #conn: ExecConnection | undefined
  #exited = false

  constructor(options: PodTerminalOptions) {
    this.#options = options
    this.#stdout = new TtyOutput(options.size ?? { cols: 80, rows: 24 }, (chunk) => this.#hub.push(chunk))
    this.#hub = new ViewerHub(
      {
        pause: () => this.#conn?.pause?.(),
        resume: () => this.#conn?.resume?.(),
        write: (data) => this.#stdin.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
        resize: (size) => this.#stdout.resizeTo(size),
      },
      options,
    )
  }

  async start(): Promise<void> {
    const { exec, target } = this.#options
    try {
      this.#conn = await exec.exec(
        target.namespace,
        target.pod,
        target.container,
        this.#options.command ?? DEFAULT_POD_SHELL,
        this.#stdout,
        this.#stdout,
        this.#stdin,
        true,
        (status) => this.#onExit({ code: status.status === 'Success' ? 0 : exitCodeOf(status), signal: null }),
      )
      this.#conn.on?.('close', () => this.#onExit({ code: null, signal: null }))
    } catch (err) {
      if (err instanceof AppError && err.code === 'LAB_ERR_TERMINAL_UNAVAILABLE') {
        throw err // the exec seam already says why (e.g. the trainee's cluster does not exist)
      }
      throw new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', {
        message: `Could not open a shell in your workspace pod (${target.namespace}/${target.pod}).`,
        hint: 'The pod may still be starting: wait a few seconds and reconnect.',
        cause: err,
      })
    }
  }

  /** Ends the session because the exec stream could not open, telling the viewers why. */
  fail(err: unknown): void {
    const info: ErrorInfo =
      err instanceof AppError
        ? { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }
        : { code: 'LAB_ERR_TERMINAL_UNAVAILABLE', message: 'The workspace shell failed.' }
    this.#hub.closeViewers(TerminalCloseCode.Unavailable, info)
    this.#onExit({ code: null, signal: null })
  }

  get pid(): number {
    return 0
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
    if (this.#exited) {
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
      pid: 0,
      viewers: this.#hub.viewerCount,
      isPaused: this.#hub.isPaused,
      maxUnackedBytes: this.#hub.maxUnackedBytes,
      pendingBytes: this.#hub.pendingBytes,
      scrollbackBytes: this.#hub.scrollbackBytes,
      isExited: this.#exited,
    }
  }

  async dispose(code: number = TerminalCloseCode.GoingAway, error?: ErrorInfo): Promise<void> {
    this.#hub.closeViewers(code, error)
    if (!this.#exited) {
      this.#hub.discard()
      this.#stdin.end()
      this.#conn?.close()
      this.#onExit({ code: null, signal: 'SIGHUP' })
    }
  }

  #onExit(info: ExitInfo): void {
    if (this.#exited) {
      return
    }
    this.#exited = true
    this.#hub.end(info)
    this.#options.onExit?.(info)
  }
}

function exitCodeOf(status: ExecStatus): number {
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode')
  return cause?.message ? Number(cause.message) : 1
}
