// Headless benchmark clients, each speaking its server's protocol with its browser's flow control:
// kindlab's (acks after parsing, like web/src/terminal/terminal-socket.ts) and ttyd's (PAUSE/RESUME).
// Both "render" into the same HeadlessScreen and treat output as parsed on the next event-loop turn.
import { WebSocket } from 'ws'
import { decodeServerFrame, encodeClientFrame, encodeInputFrames } from '../server/protocol/terminal-frames.ts'

/** Output sink that counts bytes and resolves waits on text patterns. */
export class HeadlessScreen {
  bytes = 0
  #tail = ''
  readonly #decoder = new TextDecoder()
  #waiters: Array<{ pattern: string; fresh: boolean; resolve: () => void }> = []

  feed(data: Uint8Array): void {
    this.bytes += data.byteLength
    const text = this.#decoder.decode(data, { stream: true })
    const window = this.#tail + text
    this.#waiters = this.#waiters.filter((w) => {
      const hit = (w.fresh ? text : window).includes(w.pattern)
      if (hit) {
        w.resolve()
      }
      return !hit
    })
    this.#tail = window.slice(-256)
  }

  /**
   * Resolves when output contains `pattern` (`fresh`: in output that arrives from now on, and
   * '' matches any output). Rejects after `timeoutMs`.
   */
  waitFor(pattern: string, timeoutMs: number, fresh = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done)
        reject(new Error(`no "${pattern}" in the terminal output within ${timeoutMs} ms`))
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        resolve()
      }
      this.#waiters.push({ pattern, fresh, resolve: done })
    })
  }
}

/** What the measurements need from a client. */
export interface BenchClient {
  readonly screen: HeadlessScreen
  type(text: string): void
  close(): void
}

const SIZE = { cols: 120, rows: 40 }

/** The page's ack policy (web/src/terminal/terminal-socket.ts defaults): 64 KiB, or 100 ms after parsing. */
const KINDLAB_ACK = { bytes: 64 * 1024, delayMs: 100 } as const

/**
 * Connects to kindlab's terminal websocket with the page's protocol and flow control: hello with
 * the token, then an ack for output once it is "parsed" (batched like the page does).
 */
export async function openKindlabClient(port: number, token: string, timeoutMs = 10_000): Promise<BenchClient> {
  const screen = new HeadlessScreen()
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/terminal`, { origin: `http://127.0.0.1:${port}` })
  ws.binaryType = 'nodebuffer'
  let pendingAck = 0
  let ackTimer: ReturnType<typeof setTimeout> | undefined
  const flushAck = (): void => {
    clearTimeout(ackTimer)
    ackTimer = undefined
    if (pendingAck > 0 && ws.readyState === ws.OPEN) {
      ws.send(encodeClientFrame({ type: 'ack', bytes: pendingAck }))
    }
    pendingAck = 0
  }
  const parsed = (bytes: number): void => {
    pendingAck += bytes
    if (pendingAck >= KINDLAB_ACK.bytes) {
      flushAck()
    } else {
      ackTimer ??= setTimeout(flushAck, KINDLAB_ACK.delayMs)
    }
  }
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('error', reject)
    ws.once('open', () => ws.send(encodeClientFrame({ type: 'hello', token, ...SIZE })))
    ws.on('message', (data: Buffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      if (!decoded.ok) {
        reject(new Error(`kindlab sent a malformed frame: ${decoded.reason}`))
      } else if (decoded.frame.type === 'output') {
        const bytes = decoded.frame.data.byteLength
        screen.feed(decoded.frame.data)
        setImmediate(() => parsed(bytes))
      } else if (decoded.frame.type === 'ready') {
        resolve()
      } else if (decoded.frame.type === 'error') {
        reject(new Error(`kindlab: ${decoded.frame.code}: ${decoded.frame.message}`))
      }
    })
  })
  await withTimeout(ready, timeoutMs, 'kindlab terminal did not become ready')
  return {
    screen,
    type: (text) => encodeInputFrames(text).forEach((frame) => ws.send(frame)),
    close: () => {
      clearTimeout(ackTimer)
      ws.close()
    },
  }
}

/** ttyd's command bytes (ttyd src/server.h). */
const TTYD = { input: 0x30, pause: 0x32, resume: 0x33, output: 0x30 } as const
/** ttyd's browser flow-control defaults (html/src/components/app.tsx). */
const TTYD_FLOW = { limit: 100_000, highWater: 10, lowWater: 4 } as const

/** Connects to ttyd with its own protocol: subprotocol "tty", JSON hello, PAUSE/RESUME flow control. */
export async function openTtydClient(port: number, timeoutMs = 10_000): Promise<BenchClient> {
  const screen = new HeadlessScreen()
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['tty'], { origin: `http://127.0.0.1:${port}` })
  ws.binaryType = 'nodebuffer'
  let written = 0
  let pending = 0
  const send = (command: number, body?: Uint8Array): void => {
    ws.send(body === undefined ? Buffer.from([command]) : Buffer.concat([Buffer.from([command]), body]))
  }
  ws.on('message', (data: Buffer) => {
    if (data[0] !== TTYD.output) {
      return // window title and preferences
    }
    const payload = data.subarray(1)
    written += payload.byteLength
    screen.feed(payload)
    if (written > TTYD_FLOW.limit) {
      setImmediate(() => {
        pending = Math.max(pending - 1, 0)
        if (pending < TTYD_FLOW.lowWater) {
          send(TTYD.resume)
        }
      })
      pending++
      written = 0
      if (pending > TTYD_FLOW.highWater) {
        send(TTYD.pause)
      }
    }
  })
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  await withTimeout(opened, timeoutMs, 'ttyd websocket did not open')
  ws.send(Buffer.from(JSON.stringify({ AuthToken: '', columns: SIZE.cols, rows: SIZE.rows })))
  return {
    screen,
    type: (text) => send(TTYD.input, Buffer.from(text)),
    close: () => ws.close(),
  }
}

/** Rejects with `message` when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms)),
      ),
    ])
  } finally {
    clearTimeout(timer)
  }
}
