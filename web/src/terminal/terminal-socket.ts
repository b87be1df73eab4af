// The browser end of the terminal websocket: hello with the token, typed frames, acks after the
// terminal has parsed output (flow control), reconnect with backoff, and a state callback. No DOM
// types: the socket comes from a factory, so the same code runs in the browser, tests and the bench.
import { RECONNECT_BACKOFF, reconnectDelayMs } from '../reconnect-backoff.ts'
import {
  MAX_INPUT_BYTES,
  decodeServerFrame,
  encodeClientFrame,
  encodeInputFrames,
  isFinalCloseCode,
  type ErrorInfo,
  type ExitInfo,
  type ReadyInfo,
  type TerminalSize,
} from '../../../server/protocol/terminal-frames.ts'

/** Connection state shown to the learner. */
export type TerminalState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'exited'

/** Why the state changed: the close code, or the next reconnect attempt. */
export interface StateDetail {
  code?: number
  reason?: string
  attempt?: number
  delayMs?: number
}

/** Callbacks a socket factory wires to its transport. */
export interface SocketHandlers {
  onOpen(): void
  onMessage(data: Uint8Array): void
  onClose(code: number, reason: string): void
}

/** The little a transport must offer. */
export interface SocketLike {
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  readonly isOpen: boolean
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike

/** Where output goes: xterm.js in the page. `done` runs once the data is parsed. */
export interface TerminalSink {
  write(data: Uint8Array, done: () => void): void
  /** Clears the screen: a (re)attach replays the scrollback next. */
  reset(): void
}

export interface TerminalSocketOptions {
  url: string
  token: string
  readOnly?: boolean
  sink: TerminalSink
  createSocket: SocketFactory
  /** Current size, sent with hello. */
  size(): TerminalSize | undefined
  onState?(state: TerminalState, detail?: StateDetail): void
  onReady?(info: ReadyInfo): void
  onError?(error: ErrorInfo): void
  onExit?(info: ExitInfo): void
  /** First reconnect delay, ×1.5 per attempt up to maxDelayMs (reconnect-backoff.ts). @default 100 */
  initialDelayMs?: number
  /** @default 1000 */
  maxDelayMs?: number
  /** Give up (state 'disconnected') after this many failed attempts in a row (about 2 min). @default 120 */
  maxAttempts?: number
  /** Ack once this many bytes are parsed... @default 64 KiB */
  ackBytes?: number
  /** ...or this long after the first unacked byte was parsed. @default 100 */
  ackDelayMs?: number
}

/** A terminal connection that survives network blips. */
export interface TerminalSocket {
  readonly state: TerminalState
  /** Connects; after 'disconnected' or 'exited' it starts over (a new shell if the old one is gone). */
  connect(): void
  /** Sends what the user typed; queued (up to 64 KiB) until connected. Ignored when read-only. */
  sendInput(text: string): void
  resize(size: TerminalSize): void
  dispose(): void
}

/** Creates a terminal socket; call connect() to start. */
export function createTerminalSocket(options: TerminalSocketOptions): TerminalSocket {
  return new ReconnectingTerminalSocket(options)
}

class ReconnectingTerminalSocket implements TerminalSocket {
  #state: TerminalState = 'disconnected'
  #socket: SocketLike | undefined
  #generation = 0
  #attempt = 0
  #queue: string[] = []
  #queuedBytes = 0
  #pendingAck = 0
  #ackTimer: ReturnType<typeof setTimeout> | undefined
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #attached = false
  #exited = false
  #disposed = false

  constructor(readonly options: TerminalSocketOptions) {}

  get state(): TerminalState {
    return this.#state
  }

  connect(): void {
    if (this.#disposed) {
      return
    }
    clearTimeout(this.#retryTimer)
    this.#socket?.close(1000)
    this.#exited = false
    this.#attached = false
    this.#pendingAck = 0
    const generation = ++this.#generation
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting', { attempt: this.#attempt })
    this.#socket = this.options.createSocket(this.options.url, {
      onOpen: () => generation === this.#generation && this.#hello(),
      onMessage: (data) => generation === this.#generation && this.#onFrame(data, generation),
      onClose: (code, reason) => generation === this.#generation && this.#onClose(code, reason),
    })
  }

  sendInput(text: string): void {
    if (this.options.readOnly || text.length === 0) {
      return
    }
    if (this.#attached && this.#socket?.isOpen) {
      for (const frame of encodeInputFrames(text)) {
        this.#socket.send(frame)
      }
    } else if (this.#queuedBytes + text.length <= MAX_INPUT_BYTES) {
      this.#queue.push(text)
      this.#queuedBytes += text.length
    }
  }

  resize(size: TerminalSize): void {
    if (this.#attached && this.#socket?.isOpen && !this.options.readOnly) {
      this.#socket.send(encodeClientFrame({ type: 'resize', ...size }))
    }
  }

  dispose(): void {
    this.#disposed = true
    clearTimeout(this.#retryTimer)
    clearTimeout(this.#ackTimer)
    this.#generation++
    this.#socket?.close(1000)
    this.#socket = undefined
    this.#setState('disconnected')
  }

  #hello(): void {
    const size = this.options.size()
    this.#socket?.send(
      encodeClientFrame({
        type: 'hello',
        token: this.options.token,
        ...size,
        ...(this.options.readOnly ? { readOnly: true } : {}),
      }),
    )
  }

  #onFrame(bytes: Uint8Array, generation: number): void {
    const decoded = decodeServerFrame(bytes)
    if (!decoded.ok) {
      this.options.onError?.({
        code: 'LAB_ERR_VALIDATION',
        message: `Ignored a malformed frame from the server: ${decoded.reason}`,
      })
      return
    }
    const frame = decoded.frame
    switch (frame.type) {
      case 'output':
        this.options.sink.write(frame.data, () => this.#parsed(frame.data.byteLength, generation))
        break
      case 'ready':
        this.#onReady(frame)
        break
      case 'error':
        this.options.onError?.({
          code: frame.code,
          message: frame.message,
          ...(frame.hint === undefined ? {} : { hint: frame.hint }),
        })
        break
      case 'exit':
        this.#exited = true
        this.options.onExit?.({ code: frame.code, signal: frame.signal })
        this.#setState('exited')
        break
    }
  }

  #onReady(info: ReadyInfo): void {
    this.#attached = true
    this.#attempt = 0
    this.options.sink.reset()
    this.options.onReady?.(info)
    this.#setState('connected')
    const queued = this.#queue.join('')
    this.#queue = []
    this.#queuedBytes = 0
    this.sendInput(queued)
    const size = this.options.size()
    if (size !== undefined) {
      this.resize(size) // the view may have been fitted while we were connecting
    }
  }

  #parsed(bytes: number, generation: number): void {
    if (generation !== this.#generation) {
      return // output of an earlier connection: its server side is gone
    }
    this.#pendingAck += bytes
    if (this.#pendingAck >= (this.options.ackBytes ?? 64 * 1024)) {
      this.#flushAck()
    } else {
      this.#ackTimer ??= setTimeout(() => this.#flushAck(), this.options.ackDelayMs ?? 100)
    }
  }

  #flushAck(): void {
    clearTimeout(this.#ackTimer)
    this.#ackTimer = undefined
    if (this.#pendingAck > 0 && this.#socket?.isOpen) {
      this.#socket.send(encodeClientFrame({ type: 'ack', bytes: this.#pendingAck }))
    }
    this.#pendingAck = 0
  }

  #onClose(code: number, reason: string): void {
    this.#socket = undefined
    this.#attached = false
    if (this.#disposed) {
      return
    }
    if (this.#exited || code === 4000) {
      this.#setState('exited', { code, reason })
      return
    }
    const maxAttempts = this.options.maxAttempts ?? 120
    if (isFinalCloseCode(code) || this.#attempt >= maxAttempts) {
      this.#attempt = 0
      this.#setState('disconnected', { code, reason })
      return
    }
    this.#attempt++
    const delayMs = reconnectDelayMs(this.#attempt, {
      ...RECONNECT_BACKOFF,
      ...(this.options.initialDelayMs === undefined ? {} : { initialMs: this.options.initialDelayMs }),
      ...(this.options.maxDelayMs === undefined ? {} : { maxMs: this.options.maxDelayMs }),
    })
    this.#setState('reconnecting', { code, reason, attempt: this.#attempt, delayMs })
    this.#retryTimer = setTimeout(() => this.connect(), delayMs)
  }

  #setState(state: TerminalState, detail?: StateDetail): void {
    const changed = state !== this.#state
    this.#state = state
    if (changed || detail?.attempt !== undefined) {
      this.options.onState?.(state, detail)
    }
  }
}
