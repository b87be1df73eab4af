// Headless benchmark clients: kindlab's own browser client (web/src/terminal/terminal-socket.ts over
// `ws`) and a client speaking ttyd's protocol with ttyd's browser flow control. Both "render" into
// the same HeadlessScreen, whose write callback fires on the next turn of the event loop, as xterm's would.
import { WebSocket } from 'ws'
import { createTerminalSocket } from '../web/src/terminal/terminal-socket.ts'
import { createNodeSocketFactory } from './node-socket.ts'

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

/** Connects kindlab's browser client (acks after each parsed write, like the page). */
export async function openKindlabClient(port: number, token: string, timeoutMs = 10_000): Promise<BenchClient> {
  const screen = new HeadlessScreen()
  let onConnected: (() => void) | undefined
  const connected = new Promise<void>((resolve) => (onConnected = resolve))
  const socket = createTerminalSocket({
    url: `ws://127.0.0.1:${port}/ws/terminal`,
    token,
    createSocket: createNodeSocketFactory({ origin: `http://127.0.0.1:${port}` }),
    sink: {
      write: (data, done) => {
        screen.feed(data)
        setImmediate(done)
      },
      reset: () => {},
    },
    size: () => SIZE,
    onState: (state) => state === 'connected' && onConnected?.(),
    onError: (error) => process.stderr.write(`kindlab: ${error.code}: ${error.message}\n`),
  })
  socket.connect()
  await withTimeout(connected, timeoutMs, 'kindlab terminal did not connect')
  return { screen, type: (text) => socket.sendInput(text), close: () => socket.dispose() }
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
