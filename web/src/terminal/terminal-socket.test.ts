// The browser terminal client against a scripted in-memory socket: hello, queued input, acks after
// parsing, reconnect with backoff, final close codes, exit and dispose. Fake timers drive time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  decodeClientFrame,
  encodeServerFrame,
  PROTOCOL_VERSION,
  type ClientFrame,
} from '../../../server/protocol/terminal-frames.ts'
import {
  createTerminalSocket,
  type SocketHandlers,
  type TerminalSocketOptions,
  type TerminalState,
} from './terminal-socket.ts'

class FakeTransport {
  readonly sent: ClientFrame[] = []
  isOpen = false
  closedWith: number | undefined
  constructor(readonly handlers: SocketHandlers) {}
  send(data: Uint8Array): void {
    const decoded = decodeClientFrame(data)
    if (!decoded.ok) {
      throw new Error(decoded.reason)
    }
    this.sent.push(decoded.frame)
  }
  close(code?: number): void {
    this.closedWith = code
    this.isOpen = false
  }
  open(): void {
    this.isOpen = true
    this.handlers.onOpen()
  }
  ready(reattached = false): void {
    this.handlers.onMessage(
      encodeServerFrame({ type: 'ready', reattached, readOnly: false, replayBytes: 0, version: PROTOCOL_VERSION }),
    )
  }
  output(text: string): void {
    this.handlers.onMessage(encodeServerFrame({ type: 'output', data: new TextEncoder().encode(text) }))
  }
  drop(code: number, reason = ''): void {
    this.isOpen = false
    this.handlers.onClose(code, reason)
  }
  of<T extends ClientFrame['type']>(type: T): Array<Extract<ClientFrame, { type: T }>> {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type)
  }
}

let transports: FakeTransport[]
let states: Array<[TerminalState, number | undefined]>
let written: string[]
let pendingWrites: Array<() => void>
let resets: number

function client(extra: Partial<TerminalSocketOptions> = {}) {
  const socket = createTerminalSocket({
    url: 'ws://kindlab.test/ws/terminal',
    token: 'secret-token',
    createSocket: (_url, handlers) => {
      const t = new FakeTransport(handlers)
      transports.push(t)
      return t
    },
    sink: {
      write: (data, done) => {
        written.push(new TextDecoder().decode(data))
        pendingWrites.push(done)
      },
      reset: () => resets++,
    },
    size: () => ({ cols: 90, rows: 30 }),
    onState: (state, detail) => states.push([state, detail?.code]),
    ...extra,
  })
  socket.connect()
  return socket
}

const last = (): FakeTransport => transports[transports.length - 1]!
const parseAll = (): void => pendingWrites.splice(0).forEach((done) => done())

beforeEach(() => {
  vi.useFakeTimers()
  transports = []
  states = []
  written = []
  pendingWrites = []
  resets = 0
})
afterEach(() => {
  vi.useRealTimers()
})

describe('createTerminalSocket', () => {
  it('says hello with the token and size, then queues input until ready', () => {
    const socket = client()
    socket.sendInput('ls\r')
    last().open()
    expect(last().sent).toEqual([{ type: 'hello', token: 'secret-token', cols: 90, rows: 30 }])
    socket.sendInput('pwd\r')
    last().ready()
    expect(socket.state).toBe('connected')
    expect(resets).toBe(1)
    const input = last()
      .of('input')
      .map((f) => new TextDecoder().decode(f.data))
    expect(input).toEqual(['ls\rpwd\r'])
    expect(last().of('resize')).toEqual([{ type: 'resize', cols: 90, rows: 30 }])
  })

  it('acks only after the sink has parsed output: in 64 KiB steps, or after a short delay', () => {
    client()
    last().open()
    last().ready()
    last().output('x'.repeat(40 * 1024))
    last().output('y'.repeat(40 * 1024))
    expect(last().of('ack')).toEqual([]) // nothing parsed yet
    parseAll()
    expect(last().of('ack')).toEqual([{ type: 'ack', bytes: 80 * 1024 }])
    last().output('echo')
    parseAll()
    expect(last().of('ack')).toHaveLength(1)
    vi.advanceTimersByTime(100)
    expect(last().of('ack')).toEqual([
      { type: 'ack', bytes: 80 * 1024 },
      { type: 'ack', bytes: 4 },
    ])
  })

  it('reconnects with growing delays after a dropped connection and does not ack old output', () => {
    const socket = client({ initialDelayMs: 100 })
    last().open()
    last().ready()
    last().output('old')
    last().drop(1006)
    expect(socket.state).toBe('reconnecting')
    parseAll() // the old connection's output finishes parsing after the drop
    vi.advanceTimersByTime(125) // first delay: 100 ms ± 25%
    expect(transports).toHaveLength(2)
    expect(transports[0]!.of('ack')).toEqual([])
    last().drop(1006) // fails again before opening
    vi.advanceTimersByTime(112)
    expect(transports).toHaveLength(2) // second delay: 150 ms ± 25% (×1.5 per attempt)
    vi.advanceTimersByTime(76)
    expect(transports).toHaveLength(3)
    last().open()
    last().ready(true)
    expect(socket.state).toBe('connected')
    expect(last().of('ack')).toEqual([])
  })

  it('stops after a final close code (bad token, other origin, replaced) without retrying', () => {
    const socket = client()
    last().open()
    last().drop(4401, 'LAB_ERR_AUTH_REQUIRED')
    vi.advanceTimersByTime(60_000)
    expect(transports).toHaveLength(1)
    expect(socket.state).toBe('disconnected')
    expect(states.at(-1)).toEqual(['disconnected', 4401])
  })

  it('gives up after maxAttempts failures in a row', () => {
    const socket = client({ maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 40 })
    for (let i = 0; i < 4; i++) {
      last().drop(1006)
      vi.advanceTimersByTime(1000)
    }
    expect(transports).toHaveLength(4)
    expect(socket.state).toBe('disconnected')
  })

  it('reports exit, then starts over on connect()', () => {
    const onExit = vi.fn()
    const socket = client({ onExit })
    last().open()
    last().ready()
    last().handlers.onMessage(encodeServerFrame({ type: 'exit', code: 3, signal: null }))
    last().drop(4000)
    expect(onExit).toHaveBeenCalledWith({ code: 3, signal: null })
    expect(socket.state).toBe('exited')
    vi.advanceTimersByTime(60_000)
    expect(transports).toHaveLength(1)
    socket.connect()
    expect(transports).toHaveLength(2)
    expect(socket.state).toBe('connecting')
  })

  it('passes error frames on and ignores input when read-only', () => {
    const onError = vi.fn()
    const socket = client({ readOnly: true, onError })
    last().open()
    expect(last().sent[0]).toMatchObject({ type: 'hello', readOnly: true })
    last().ready()
    socket.sendInput('rm -rf /\r')
    socket.resize({ cols: 10, rows: 10 })
    last().handlers.onMessage(
      encodeServerFrame({ type: 'error', code: 'LAB_ERR_VALIDATION', message: 'bad', hint: 'h' }),
    )
    expect(last().of('input')).toEqual([])
    expect(last().of('resize')).toEqual([])
    expect(onError).toHaveBeenCalledWith({ code: 'LAB_ERR_VALIDATION', message: 'bad', hint: 'h' })
  })

  it('dispose closes the socket, cancels retries and ignores late events', () => {
    const socket = client()
    last().open()
    last().drop(1006)
    socket.dispose()
    vi.advanceTimersByTime(60_000)
    expect(transports).toHaveLength(1)
    expect(socket.state).toBe('disconnected')
    last().output('late')
    expect(written).toEqual([])
  })
})

describe('connection notices', () => {
  it('say "Connection lost" once per loss, however many attempts, and whether the shell is new', async () => {
    const { createConnectionNotices } = await import('./connection-notices.ts')
    const notices = createConnectionNotices()
    const lines: string[] = []
    const say = (line: string | undefined) => void (line && lines.push(line))
    client({
      initialDelayMs: 100,
      onState: (state, detail) => say(notices.onState(state, detail)),
      onReady: (info) => say(notices.onReady(info)),
    })
    last().open()
    last().ready()
    last().drop(1006)
    vi.advanceTimersByTime(200)
    last().drop(1006)
    vi.advanceTimersByTime(400)
    last().drop(1006)
    vi.advanceTimersByTime(800)
    last().open()
    last().ready(false)
    expect(lines).toEqual([
      'Connection lost; reconnecting…',
      'Reconnected to a new shell (the server restarted; your workspace files are kept).',
    ])
    last().drop(1006)
    vi.advanceTimersByTime(200)
    last().open()
    last().ready(true)
    expect(lines.slice(2)).toEqual(['Connection lost; reconnecting…', 'Reconnected to your shell.'])
  })
})
