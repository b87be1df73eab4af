// The terminal websocket protocol, shared by the server and the browser. Pure and dependency-free:
// no node:* imports and no Buffer (the web build compiles this file with DOM libs only).
// Every frame is one binary message: an ASCII type byte, then raw bytes (input, output) or JSON.

/** Bumped when a frame changes shape; sent in the hello frame. */
export const PROTOCOL_VERSION = 1

/** Largest input payload a client may send in one frame (a big paste is split by the client). */
export const MAX_INPUT_BYTES = 64 * 1024
/** Largest output payload the server puts in one frame. */
export const MAX_OUTPUT_BYTES = 256 * 1024
/** Largest JSON body of a control frame (hello, resize, ack, exit, error, ready). */
export const MAX_CONTROL_BYTES = 8 * 1024
/** Largest whole client frame; use as the websocket server's `maxPayload`. */
export const MAX_CLIENT_FRAME_BYTES = 1 + MAX_INPUT_BYTES
/** Largest terminal size accepted in either dimension. */
export const MAX_TERMINAL_DIMENSION = 1000

/** Type bytes of frames the browser sends. */
export const ClientFrameType = { Input: '0', Resize: '1', Ack: '2', Hello: '3' } as const
/** Type bytes of frames the server sends. */
export const ServerFrameType = { Output: '0', Exit: '1', Error: '2', Ready: '3' } as const

/**
 * Websocket close codes used by the terminal route. 4xxx are private-use codes; the client does not
 * reconnect after the ones listed in {@link isFinalCloseCode}.
 */
export const TerminalCloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  TooBig: 1009,
  Unavailable: 1011,
  ShellExited: 4000,
  AuthRequired: 4401,
  OriginRejected: 4403,
  SessionNotFound: 4404,
  AuthTimeout: 4408,
  Replaced: 4409,
  IdleTimeout: 4410,
  SlowConsumer: 4429,
} as const

/** True when reconnecting after this close code cannot help (bad token, origin, replaced, exited). */
export function isFinalCloseCode(code: number): boolean {
  return [4000, 4401, 4403, 4404, 4409, 4410].includes(code)
}

/** Terminal size in character cells. */
export interface TerminalSize {
  cols: number
  rows: number
}

/** First frame of every connection: authenticates it. The token never goes into the URL. */
export interface HelloFrame extends Partial<TerminalSize> {
  type: 'hello'
  token: string
  /** Ask for a read-only attachment (watch mode): output only, input ignored. */
  readOnly?: boolean
  version?: number
}

/**
 * Browser → server: `input` (raw bytes typed or pasted), `resize`, `ack` (output bytes the terminal
 * has parsed; drives flow control) and `hello` (first frame only).
 */
export type ClientFrame =
  | { type: 'input'; data: Uint8Array }
  | ({ type: 'resize' } & TerminalSize)
  | { type: 'ack'; bytes: number }
  | HelloFrame

/** How the shell ended: an exit code, or the signal that killed it. */
export interface ExitInfo {
  code: number | null
  signal: string | null
}
/** An error the page can show: stable LAB_ERR_* code, a sentence, and what to do. */
export interface ErrorInfo {
  code: string
  message: string
  hint?: string
}
/** Sent once the connection is attached to a shell; scrollback replay follows. */
export interface ReadyInfo {
  /** True when this connection reattached to a shell that was already running. */
  reattached: boolean
  readOnly: boolean
  /** Bytes of scrollback that follow as output frames. */
  replayBytes: number
  version: number
}

/** Server → browser: `output` (raw pty bytes), `exit`, `error` and `ready`. */
export type ServerFrame =
  | { type: 'output'; data: Uint8Array }
  | ({ type: 'exit' } & ExitInfo)
  | ({ type: 'error' } & ErrorInfo)
  | ({ type: 'ready' } & ReadyInfo)

/** Result of decoding untrusted bytes: a frame, or a reason fit for an error frame. */
export type Decoded<F> = { ok: true; frame: F } | { ok: false; reason: string }

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: false })

function withType(type: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + payload.byteLength)
  out[0] = type.charCodeAt(0)
  out.set(payload, 1)
  return out
}

function encodeJson(type: string, body: unknown): Uint8Array {
  return withType(type, encoder.encode(JSON.stringify(body)))
}

/** Encodes a client frame. Throws RangeError for input above {@link MAX_INPUT_BYTES}. */
export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  switch (frame.type) {
    case 'input':
      if (frame.data.byteLength > MAX_INPUT_BYTES) {
        throw new RangeError(`input frame of ${frame.data.byteLength} bytes exceeds ${MAX_INPUT_BYTES}`)
      }
      return withType(ClientFrameType.Input, frame.data)
    case 'resize':
      return encodeJson(ClientFrameType.Resize, { cols: frame.cols, rows: frame.rows })
    case 'ack':
      return encodeJson(ClientFrameType.Ack, { bytes: frame.bytes })
    case 'hello': {
      const { type: _type, ...body } = frame
      return encodeJson(ClientFrameType.Hello, { version: PROTOCOL_VERSION, ...body })
    }
  }
}

/** Encodes a string typed by the user as input frames, each within {@link MAX_INPUT_BYTES}. */
export function encodeInputFrames(text: string): Uint8Array[] {
  const bytes = encoder.encode(text)
  const frames: Uint8Array[] = []
  for (let start = 0; start < bytes.byteLength; start += MAX_INPUT_BYTES) {
    frames.push(withType(ClientFrameType.Input, bytes.subarray(start, start + MAX_INPUT_BYTES)))
  }
  return frames
}

/**
 * Encodes output chunks as one output frame with a single copy. The caller keeps the total within
 * {@link MAX_OUTPUT_BYTES} (the output batcher does).
 */
export function encodeOutputFrame(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const c of chunks) {
    total += c.byteLength
  }
  const out = new Uint8Array(1 + total)
  out[0] = ServerFrameType.Output.charCodeAt(0)
  let offset = 1
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/** Encodes a server control frame (exit, error, ready). */
export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  switch (frame.type) {
    case 'output':
      return encodeOutputFrame([frame.data])
    case 'exit':
      return encodeJson(ServerFrameType.Exit, { code: frame.code, signal: frame.signal })
    case 'error': {
      const { type: _type, ...body } = frame
      return encodeJson(ServerFrameType.Error, body)
    }
    case 'ready': {
      const { type: _type, ...body } = frame
      return encodeJson(ServerFrameType.Ready, body)
    }
  }
}

type Json = Record<string, unknown>

function parseJson(payload: Uint8Array): Json | undefined {
  if (payload.byteLength > MAX_CONTROL_BYTES) {
    return undefined
  }
  try {
    const value: unknown = JSON.parse(decoder.decode(payload))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
  } catch {
    return undefined
  }
}

function isDimension(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_TERMINAL_DIMENSION
}

function isOptional<T>(v: unknown, check: (x: unknown) => x is T): v is T | undefined {
  return v === undefined || check(v)
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
const isInteger = (v: unknown): v is number => Number.isInteger(v)

function bad<F>(reason: string): Decoded<F> {
  return { ok: false, reason }
}

function decodeHello(body: Json): Decoded<ClientFrame> {
  const { token, cols, rows, readOnly, version } = body
  if (!isString(token) || token.length === 0 || token.length > 4096) {
    return bad('hello frame needs a token string')
  }
  if (!isOptional(cols, isDimension) || !isOptional(rows, isDimension)) {
    return bad(`hello frame size must be integers between 1 and ${MAX_TERMINAL_DIMENSION}`)
  }
  if (!isOptional(readOnly, isBoolean) || !isOptional(version, isInteger)) {
    return bad('hello frame has a malformed readOnly or version field')
  }
  if (version !== undefined && version !== PROTOCOL_VERSION) {
    return bad(`protocol version ${String(version)} is not supported (expected ${PROTOCOL_VERSION})`)
  }
  const frame: HelloFrame = { type: 'hello', token }
  if (cols !== undefined && rows !== undefined) {
    Object.assign(frame, { cols, rows })
  }
  if (readOnly !== undefined) {
    frame.readOnly = readOnly
  }
  return { ok: true, frame }
}

/** Decodes and validates a frame from the browser. Never throws. */
export function decodeClientFrame(bytes: Uint8Array): Decoded<ClientFrame> {
  if (bytes.byteLength === 0) {
    return bad('empty frame')
  }
  if (bytes.byteLength > MAX_CLIENT_FRAME_BYTES) {
    return bad(`frame of ${bytes.byteLength} bytes exceeds ${MAX_CLIENT_FRAME_BYTES}`)
  }
  const type = String.fromCharCode(bytes[0] ?? 0)
  const payload = bytes.subarray(1)
  if (type === ClientFrameType.Input) {
    return { ok: true, frame: { type: 'input', data: payload } }
  }
  const body = parseJson(payload)
  if (body === undefined) {
    return bad(`frame type "${type}" needs a JSON object body`)
  }
  switch (type) {
    case ClientFrameType.Resize:
      return isDimension(body['cols']) && isDimension(body['rows'])
        ? { ok: true, frame: { type: 'resize', cols: body['cols'], rows: body['rows'] } }
        : bad(`resize needs integer cols and rows between 1 and ${MAX_TERMINAL_DIMENSION}`)
    case ClientFrameType.Ack:
      return isCount(body['bytes'])
        ? { ok: true, frame: { type: 'ack', bytes: body['bytes'] } }
        : bad('ack needs a non-negative integer byte count')
    case ClientFrameType.Hello:
      return decodeHello(body)
    default:
      return bad(`unknown frame type "${type}"`)
  }
}

function decodeServerControl(type: string, body: Json): Decoded<ServerFrame> {
  switch (type) {
    case ServerFrameType.Exit: {
      const { code, signal } = body
      const okCode = code === null || isInteger(code)
      const okSignal = signal === null || isString(signal)
      return okCode && okSignal
        ? { ok: true, frame: { type: 'exit', code, signal } }
        : bad('exit needs code and signal')
    }
    case ServerFrameType.Error: {
      const { code, message, hint } = body
      if (!isString(code) || !isString(message) || !isOptional(hint, isString)) {
        return bad('error needs code and message strings')
      }
      return {
        ok: true,
        frame: hint === undefined ? { type: 'error', code, message } : { type: 'error', code, message, hint },
      }
    }
    case ServerFrameType.Ready: {
      const { reattached, readOnly, replayBytes, version } = body
      return isBoolean(reattached) && isBoolean(readOnly) && isCount(replayBytes) && isCount(version)
        ? { ok: true, frame: { type: 'ready', reattached, readOnly, replayBytes, version } }
        : bad('ready needs reattached, readOnly, replayBytes and version')
    }
    default:
      return bad(`unknown frame type "${type}"`)
  }
}

/** Decodes and validates a frame from the server. Output payloads are views, not copies. */
export function decodeServerFrame(bytes: Uint8Array): Decoded<ServerFrame> {
  if (bytes.byteLength === 0) {
    return bad('empty frame')
  }
  const type = String.fromCharCode(bytes[0] ?? 0)
  const payload = bytes.subarray(1)
  if (type === ServerFrameType.Output) {
    return payload.byteLength <= MAX_OUTPUT_BYTES
      ? { ok: true, frame: { type: 'output', data: payload } }
      : bad(`output frame of ${payload.byteLength} bytes exceeds ${MAX_OUTPUT_BYTES}`)
  }
  const body = parseJson(payload)
  return body === undefined ? bad(`frame type "${type}" needs a JSON object body`) : decodeServerControl(type, body)
}
