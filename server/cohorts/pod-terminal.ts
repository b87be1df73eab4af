// A trainee's terminal in their workspace pod, reached through client-node's Exec (the pod's
// websocket exec stream), behind the terminal manager's TerminalSession interface: the same
// viewers, scrollback, batching and read-only watchers as a local shell, but the shell runs in
// the cluster as the trainee's ServiceAccount, never on the server.
//
// Limitation: the exec stream has no backpressure towards the pod, so a writable viewer past its
// high watermark is not "paused" here; slow read-only watchers are dropped as with local shells.
import { PassThrough, Writable } from 'node:stream'
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node'
import { AppError } from '../errors.ts'
import { MAX_OUTPUT_BYTES, PROTOCOL_VERSION, TerminalCloseCode, encodeOutputFrame, encodeServerFrame, type ErrorInfo, type ExitInfo, type TerminalSize } from '../protocol/terminal-frames.ts'
import { createFlowControl, DEFAULT_HIGH_WATER_BYTES, type FlowControl } from '../terminal/flow-control.ts'
import { createOutputBatcher, type OutputBatcher } from '../terminal/output-batcher.ts'
import { createScrollback, DEFAULT_SCROLLBACK_BYTES, type Scrollback } from '../terminal/scrollback.ts'
import type { TerminalSession, TerminalStats, TerminalViewer, ViewerHandle } from '../terminal/terminal-session.ts'

export interface PodTarget {
  namespace: string
  pod: string
  container: string
}

/** The exec seam: client-node's Exec in production, the same Exec against a loopback fake in tests. */
export interface PodExec {
  exec(
    namespace: string,
    pod: string,
    container: string,
    command: string[],
    stdout: Writable,
    stderr: Writable,
    stdin: PassThrough,
    tty: boolean,
    status: (s: V1Status) => void,
  ): Promise<{ close(): void }>
}

export interface PodTerminalOptions {
  exec: PodExec
  target: PodTarget
  /** @default ['sh', '-c', 'command -v bash >/dev/null && exec bash -l || exec sh -l'] */
  command?: string[]
  size?: TerminalSize
  scrollbackBytes?: number
  onExit?(info: ExitInfo): void
  onViewerCountChange?(count: number): void
}

export const DEFAULT_POD_SHELL = ['sh', '-c', 'command -v bash >/dev/null && exec bash -l || exec sh -l']

export function createPodExec(kc: KubeConfig): PodExec {
  const exec = new Exec(kc)
  return { exec: (ns, pod, c, cmd, out, err, inp, tty, status) => exec.exec(ns, pod, c, cmd, out, err, inp, tty, status) }
}

/** A Writable that client-node treats as a resizable terminal (columns, rows, 'resize'). */
class TtyOutput extends Writable {
  columns: number
  rows: number
  constructor(size: TerminalSize, private readonly sink: (chunk: Uint8Array) => void) {
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
  readonly #viewers = new Map<TerminalViewer, FlowControl>()
  readonly #scrollback: Scrollback
  readonly #batcher: OutputBatcher
  readonly #stdin = new PassThrough()
  readonly #stdout: TtyOutput
  #conn: { close(): void } | undefined
  #exited = false
  #everAttached = false
  #lastInputAt = Date.now()

  constructor(private readonly options: PodTerminalOptions) {
    this.#scrollback = createScrollback(options.scrollbackBytes ?? DEFAULT_SCROLLBACK_BYTES)
    this.#batcher = createOutputBatcher({ onFlush: (chunks, bytes) => this.#broadcast(chunks, bytes) })
    this.#stdout = new TtyOutput(options.size ?? { cols: 80, rows: 24 }, (chunk) => this.#batcher.push(chunk))
  }

  async start(): Promise<void> {
    const { exec, target } = this.options
    try {
      const conn = await exec.exec(target.namespace, target.pod, target.container, this.options.command ?? DEFAULT_POD_SHELL, this.#stdout, this.#stdout, this.#stdin, true, (status) =>
        this.#onExit({ code: status.status === 'Success' ? 0 : exitCodeOf(status), signal: null }),
      )
      this.#conn = conn
      const ws = conn as unknown as { on?(event: string, fn: () => void): void }
      ws.on?.('close', () => this.#onExit({ code: null, signal: null }))
    } catch (err) {
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
      err instanceof AppError ? { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } : { code: 'LAB_ERR_TERMINAL_UNAVAILABLE', message: 'The workspace shell failed.' }
    for (const viewer of this.#viewers.keys()) {
      viewer.send(encodeServerFrame({ type: 'error', ...info }))
    }
    this.#onExit({ code: null, signal: null })
  }

  get pid(): number {
    return 0
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
    if (this.#exited) {
      throw new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', { message: 'This terminal has already closed.', hint: 'Reconnect to start a new shell.' })
    }
    this.#batcher.flush()
    const replay = this.#scrollback.snapshot()
    this.#viewers.set(viewer, createFlowControl())
    viewer.send(encodeServerFrame({ type: 'ready', reattached: this.#everAttached, readOnly: viewer.readOnly, replayBytes: replay.byteLength, version: PROTOCOL_VERSION }))
    this.#everAttached = true
    for (let start = 0; start < replay.byteLength; start += MAX_OUTPUT_BYTES) {
      const part = replay.subarray(start, start + MAX_OUTPUT_BYTES)
      viewer.send(encodeOutputFrame([part]))
      this.#viewers.get(viewer)?.account(part.byteLength)
    }
    this.options.onViewerCountChange?.(this.#viewers.size)
    const canWrite = () => !viewer.readOnly && !this.#exited && this.#viewers.has(viewer)
    return {
      input: (data) => {
        if (canWrite() && data.byteLength > 0) {
          this.#lastInputAt = Date.now()
          this.#batcher.noteInput()
          this.#stdin.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
        }
      },
      resize: (size) => {
        if (canWrite()) {
          this.#stdout.resizeTo(size)
        }
      },
      ack: (bytes) => void this.#viewers.get(viewer)?.ack(bytes),
      detach: () => this.#forget(viewer),
    }
  }

  closeViewers(code: number, error?: ErrorInfo, filter: (v: TerminalViewer) => boolean = () => true): void {
    for (const viewer of [...this.#viewers.keys()].filter(filter)) {
      this.#forget(viewer)
      viewer.close(code, error)
    }
  }

  stats(): TerminalStats {
    return {
      pid: 0,
      viewers: this.#viewers.size,
      isPaused: false,
      maxUnackedBytes: Math.max(0, ...[...this.#viewers.values()].map((f) => f.unackedBytes)),
      pendingBytes: this.#batcher.pendingBytes,
      scrollbackBytes: this.#scrollback.byteLength,
      isExited: this.#exited,
    }
  }

  async dispose(code: number = TerminalCloseCode.GoingAway, error?: ErrorInfo): Promise<void> {
    this.closeViewers(code, error)
    this.#stdin.end()
    this.#conn?.close()
    this.#onExit({ code: null, signal: 'SIGHUP' })
  }

  #broadcast(chunks: Uint8Array[], bytes: number): void {
    for (const chunk of chunks) {
      this.#scrollback.write(chunk)
    }
    const frame = encodeOutputFrame(chunks)
    const watcherLimit = 4 * DEFAULT_HIGH_WATER_BYTES
    for (const [viewer, flow] of [...this.#viewers]) {
      viewer.send(frame)
      flow.account(bytes)
      if (viewer.readOnly && flow.unackedBytes > watcherLimit) {
        this.#forget(viewer)
        viewer.close(TerminalCloseCode.SlowConsumer, { code: 'LAB_ERR_TERMINAL_UNAVAILABLE', message: 'This read-only view fell too far behind and was disconnected.' })
      }
    }
  }

  #forget(viewer: TerminalViewer): void {
    if (this.#viewers.delete(viewer)) {
      this.options.onViewerCountChange?.(this.#viewers.size)
    }
  }

  #onExit(info: ExitInfo): void {
    if (this.#exited) {
      return
    }
    this.#exited = true
    this.#batcher.flush()
    this.#batcher.dispose()
    const frame = encodeServerFrame({ type: 'exit', ...info })
    for (const viewer of this.#viewers.keys()) {
      viewer.send(frame)
    }
    this.closeViewers(TerminalCloseCode.ShellExited)
    this.options.onExit?.(info)
  }
}

function exitCodeOf(status: V1Status): number {
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode')
  return cause?.message ? Number(cause.message) : 1
}
