// Test support: a headless terminal client over the real websocket, speaking the frame protocol.
// It records output as text, can ack like the browser (or never, to test flow control), and polls.
import { WebSocket } from 'ws'
import {
  decodeServerFrame,
  encodeClientFrame,
  encodeInputFrames,
  type ClientFrame,
  type ServerFrame,
} from '../protocol/terminal-frames.ts'

export interface TestClientOptions {
  token?: string
  origin?: string
  readOnly?: boolean
  cols?: number
  rows?: number
  /** Ack every output frame at once (a fast browser). @default true */
  autoAck?: boolean
  /** Send the hello frame on open. @default true */
  hello?: boolean
}

type ControlFrame = Exclude<ServerFrame, { type: 'output' }>

/** A connected test client. */
export class TestClient {
  readonly ws: WebSocket
  output = ''
  outputBytes = 0
  unackedBytes = 0
  readonly frames: ControlFrame[] = []
  readonly decodeErrors: string[] = []
  closed: { code: number; reason: string } | undefined
  readonly #decoder = new TextDecoder()
  readonly #autoAck: boolean

  private constructor(ws: WebSocket, autoAck: boolean) {
    this.ws = ws
    this.#autoAck = autoAck
    ws.binaryType = 'nodebuffer'
    ws.on('message', (data: Buffer) => this.#onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }))
  }

  /** Opens a websocket to `url` and (by default) sends hello with `token`. Resolves on open. */
  static async open(url: string, options: TestClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options.origin === undefined ? {} : { origin: options.origin })
    const client = new TestClient(ws, options.autoAck ?? true)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    if (options.hello ?? true) {
      const size =
        options.cols !== undefined && options.rows !== undefined ? { cols: options.cols, rows: options.rows } : {}
      client.send({
        type: 'hello',
        token: options.token ?? 'tok-a',
        ...size,
        ...(options.readOnly ? { readOnly: true } : {}),
      })
    }
    return client
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame))
  }

  /** Types text into the shell (use \r for Enter). */
  type(text: string): void {
    for (const frame of encodeInputFrames(text)) {
      this.ws.send(frame)
    }
  }

  ack(bytes = this.unackedBytes): void {
    this.unackedBytes -= bytes
    this.send({ type: 'ack', bytes })
  }

  frame<T extends ControlFrame['type']>(type: T): Extract<ControlFrame, { type: T }> | undefined {
    return this.frames.find((f): f is Extract<ControlFrame, { type: T }> => f.type === type)
  }

  close(): void {
    this.ws.close()
  }

  /** Resolves once the socket is closed (poll-free: uses the close event). */
  async whenClosed(): Promise<{ code: number; reason: string }> {
    if (this.closed === undefined) {
      await new Promise((resolve) => this.ws.once('close', resolve))
    }
    return this.closed!
  }

  #onFrame(bytes: Uint8Array): void {
    const decoded = decodeServerFrame(bytes)
    if (!decoded.ok) {
      this.decodeErrors.push(decoded.reason)
      return
    }
    const frame = decoded.frame
    if (frame.type !== 'output') {
      this.frames.push(frame)
      return
    }
    this.outputBytes += frame.data.byteLength
    this.output += this.#decoder.decode(frame.data, { stream: true })
    if (this.output.length > 1_000_000) {
      this.output = this.output.slice(-500_000) // floods: keep the tail only
    }
    this.unackedBytes += frame.data.byteLength
    if (this.#autoAck) {
      this.ack()
    }
  }
}
