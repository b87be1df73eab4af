// The viewers of one terminal, whatever runs the shell (a local pty, a pod exec stream): output is
// batched, kept in the scrollback and sent to every viewer; a writable viewer's unacknowledged bytes
// pause the source (flow control); a read-only watcher that falls too far behind is dropped.
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
import { createScrollback, DEFAULT_SCROLLBACK_BYTES, type Scrollback } from './scrollback.ts'

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

/** The shell side a hub drives. */
export interface TerminalSource {
  /** Stop reading output (the writer then blocks on a full pty). */
  pause(): void
  resume(): void
  write(data: Uint8Array): void
  resize(size: TerminalSize): void
}

export interface ViewerHubOptions {
  flow?: FlowControlOptions
  batch?: Pick<OutputBatcherOptions, 'maxBytes' | 'delayMs' | 'eagerWindowMs'>
  /** @default 256 KiB */
  scrollbackBytes?: number
  /** A read-only viewer this far behind is dropped instead of slowing the shell. @default 4 × high watermark */
  watcherMaxUnackedBytes?: number
  onViewerCountChange?(count: number): void
}

const slowWatcherError: ErrorInfo = {
  code: 'LAB_ERR_TERMINAL_UNAVAILABLE',
  message: 'This read-only view fell too far behind the terminal and was disconnected.',
  hint: 'It reconnects by itself and shows the recent output again.',
}

/** Fans one terminal's output out to its viewers, and their input in. */
export class ViewerHub {
  readonly #source: TerminalSource
  readonly #options: ViewerHubOptions
  readonly #viewers = new Map<TerminalViewer, FlowControl>()
  readonly #scrollback: Scrollback
  readonly #batcher: OutputBatcher
  readonly #watcherLimit: number
  #paused = false
  #ended = false
  #everAttached = false
  #lastInputAt = Date.now()

  constructor(source: TerminalSource, options: ViewerHubOptions = {}) {
    this.#source = source
    this.#options = options
    this.#watcherLimit =
      options.watcherMaxUnackedBytes ?? 4 * (options.flow?.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES)
    this.#scrollback = createScrollback(options.scrollbackBytes ?? DEFAULT_SCROLLBACK_BYTES)
    this.#batcher = createOutputBatcher({
      ...options.batch,
      onFlush: (chunks, bytes) => this.#broadcast(chunks, bytes),
    })
  }

  get viewerCount(): number {
    return this.#viewers.size
  }
  get isPaused(): boolean {
    return this.#paused
  }
  get isEnded(): boolean {
    return this.#ended
  }
  /** Date.now() of the last input from a writable viewer (or of the start). */
  get lastInputAt(): number {
    return this.#lastInputAt
  }
  get maxUnackedBytes(): number {
    return Math.max(0, ...[...this.#viewers.values()].map((f) => f.unackedBytes))
  }
  get pendingBytes(): number {
    return this.#batcher.pendingBytes
  }
  get scrollbackBytes(): number {
    return this.#scrollback.byteLength
  }

  /** Output from the source. */
  push(chunk: Uint8Array): void {
    this.#batcher.push(chunk)
  }

  /** Attaches a viewer: sends it a ready frame and the scrollback, then live output. */
  attach(viewer: TerminalViewer): ViewerHandle {
    this.#batcher.flush() // everything before this point is in the scrollback, everything after is live
    const replay = this.#scrollback.snapshot()
    this.#viewers.set(viewer, createFlowControl(this.#options.flow))
    const ready = { reattached: this.#everAttached, readOnly: viewer.readOnly, replayBytes: replay.byteLength }
    this.#everAttached = true
    viewer.send(encodeServerFrame({ type: 'ready', ...ready, version: PROTOCOL_VERSION }))
    for (let start = 0; start < replay.byteLength; start += MAX_OUTPUT_BYTES) {
      const part = replay.subarray(start, start + MAX_OUTPUT_BYTES)
      viewer.send(encodeOutputFrame([part]))
      this.#account(viewer, part.byteLength)
    }
    this.#options.onViewerCountChange?.(this.#viewers.size)
    return this.#handleFor(viewer)
  }

  /** Closes and forgets the viewers that match `filter` (all by default). */
  closeViewers(code: number, error?: ErrorInfo, filter: (v: TerminalViewer) => boolean = () => true): void {
    for (const viewer of [...this.#viewers.keys()].filter(filter)) {
      this.#forget(viewer)
      viewer.close(code, error)
    }
  }

  /** The shell exited: last output, an exit frame, then every viewer is closed (4000). */
  end(info: ExitInfo): void {
    if (this.#ended) {
      return
    }
    this.#ended = true // first: the pty is gone, so flushing must not pause or resume it
    this.#batcher.flush()
    this.#batcher.dispose()
    const frame = encodeServerFrame({ type: 'exit', ...info })
    for (const viewer of this.#viewers.keys()) {
      viewer.send(frame)
    }
    this.closeViewers(TerminalCloseCode.ShellExited)
  }

  /** The shell is being killed: pending output is dropped and no more is accepted. */
  discard(): void {
    this.#ended = true
    this.#batcher.dispose()
  }

  #handleFor(viewer: TerminalViewer): ViewerHandle {
    const canWrite = (): boolean => !viewer.readOnly && !this.#ended && this.#viewers.has(viewer)
    return {
      input: (data) => {
        if (canWrite() && data.byteLength > 0) {
          this.#lastInputAt = Date.now()
          this.#batcher.noteInput()
          this.#source.write(data)
        }
      },
      resize: (size) => {
        if (canWrite()) {
          this.#source.resize(size)
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

  /** Paused exactly while some writable viewer is past its high watermark. */
  #updatePause(): void {
    let shouldPause = false
    for (const [viewer, flow] of this.#viewers) {
      shouldPause ||= !viewer.readOnly && flow.isPaused
    }
    if (shouldPause !== this.#paused && !this.#ended) {
      this.#paused = shouldPause
      if (shouldPause) {
        this.#source.pause()
      } else {
        this.#source.resume()
      }
    }
  }

  #forget(viewer: TerminalViewer): void {
    if (this.#viewers.delete(viewer)) {
      this.#updatePause()
      this.#options.onViewerCountChange?.(this.#viewers.size)
    }
  }
}
