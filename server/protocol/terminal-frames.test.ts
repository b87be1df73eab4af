// Round trips and rejections for the terminal wire format: malformed bytes yield a reason, never a throw.
import { describe, expect, it } from 'vitest'
import {
  MAX_CLIENT_FRAME_BYTES,
  MAX_INPUT_BYTES,
  MAX_OUTPUT_BYTES,
  PROTOCOL_VERSION,
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeInputFrames,
  encodeOutputFrame,
  encodeServerFrame,
  isFinalCloseCode,
  type ClientFrame,
  type ServerFrame,
} from './terminal-frames.ts'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const raw = (type: string, body: string): Uint8Array => text(type + body)

describe('client frames', () => {
  const frames: ClientFrame[] = [
    { type: 'input', data: text('ls -la\r') },
    { type: 'resize', cols: 120, rows: 40 },
    { type: 'ack', bytes: 65536 },
    { type: 'hello', token: 'tok-123', cols: 80, rows: 24, readOnly: true },
    { type: 'hello', token: 'tok-123' },
  ]
  it.each(frames)('round-trips $type', (frame) => {
    const decoded = decodeClientFrame(encodeClientFrame(frame))
    expect(decoded).toEqual({ ok: true, frame })
  })

  it('puts the protocol version into hello', () => {
    const bytes = encodeClientFrame({ type: 'hello', token: 't' })
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(1)))).toMatchObject({ version: PROTOCOL_VERSION })
  })

  it('keeps input bytes exactly, including invalid UTF-8 and control bytes', () => {
    const data = new Uint8Array([0x1b, 0x5b, 0x41, 0xff, 0x00, 0xc3])
    const decoded = decodeClientFrame(encodeClientFrame({ type: 'input', data }))
    expect(decoded.ok && decoded.frame.type === 'input' && Array.from(decoded.frame.data)).toEqual(Array.from(data))
  })

  it('refuses to encode oversized input and splits long text into legal frames', () => {
    expect(() => encodeClientFrame({ type: 'input', data: new Uint8Array(MAX_INPUT_BYTES + 1) })).toThrow(RangeError)
    const long = 'é'.repeat(MAX_INPUT_BYTES) // 2 bytes each
    const parts = encodeInputFrames(long)
    expect(parts).toHaveLength(2)
    const joined = parts.map((p) => {
      const d = decodeClientFrame(p)
      if (!d.ok || d.frame.type !== 'input') {
        throw new Error('bad part')
      }
      return d.frame.data
    })
    expect(joined.reduce((n, d) => n + d.byteLength, 0)).toBe(2 * MAX_INPUT_BYTES)
    expect(new TextDecoder().decode(new Uint8Array([...joined[0]!, ...joined[1]!]))).toBe(long)
  })

  const malformed: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /empty/],
    ['unknown type', raw('9', '{}'), /unknown frame type "9"/],
    ['resize not JSON', raw('1', 'cols=80'), /JSON object/],
    ['resize array', raw('1', '[80,24]'), /JSON object/],
    ['resize zero', raw('1', '{"cols":0,"rows":24}'), /resize needs/],
    ['resize huge', raw('1', '{"cols":80,"rows":100000}'), /resize needs/],
    ['resize float', raw('1', '{"cols":80.5,"rows":24}'), /resize needs/],
    ['ack negative', raw('2', '{"bytes":-1}'), /ack needs/],
    ['ack string', raw('2', '{"bytes":"10"}'), /ack needs/],
    ['hello no token', raw('3', '{"cols":80,"rows":24}'), /token/],
    ['hello empty token', raw('3', '{"token":""}'), /token/],
    ['hello bad size', raw('3', '{"token":"t","cols":-3,"rows":2}'), /size/],
    ['hello bad readOnly', raw('3', '{"token":"t","readOnly":"yes"}'), /readOnly/],
    ['hello future version', raw('3', '{"token":"t","version":99}'), /version 99/],
    ['control body too large', raw('2', `{"bytes":1,"pad":"${'x'.repeat(9000)}"}`), /JSON object/],
    ['frame too large', new Uint8Array(MAX_CLIENT_FRAME_BYTES + 1).fill(0x30), /exceeds/],
  ]
  it.each(malformed)('rejects %s', (_name, bytes, reason) => {
    const decoded = decodeClientFrame(bytes)
    expect(decoded.ok).toBe(false)
    expect(decoded.ok ? '' : decoded.reason).toMatch(reason)
  })

  it('accepts a maximal input frame', () => {
    const bytes = new Uint8Array(MAX_CLIENT_FRAME_BYTES).fill(0x61)
    bytes[0] = 0x30
    expect(decodeClientFrame(bytes).ok).toBe(true)
  })
})

describe('server frames', () => {
  const frames: ServerFrame[] = [
    { type: 'output', data: text('hi-42\r\n') },
    { type: 'exit', code: 0, signal: null },
    { type: 'exit', code: null, signal: 'SIGKILL' },
    { type: 'error', code: 'LAB_ERR_AUTH_REQUIRED', message: 'Sign in again.' },
    { type: 'error', code: 'LAB_ERR_VALIDATION', message: 'bad frame', hint: 'reload' },
    { type: 'ready', reattached: true, readOnly: false, replayBytes: 12, version: PROTOCOL_VERSION },
  ]
  it.each(frames)('round-trips $type', (frame) => {
    expect(decodeServerFrame(encodeServerFrame(frame))).toEqual({ ok: true, frame })
  })

  it('concatenates output chunks into one frame', () => {
    const frame = encodeOutputFrame([text('ab'), text(''), text('cd')])
    expect(decodeServerFrame(frame)).toEqual({ ok: true, frame: { type: 'output', data: text('abcd') } })
  })

  it.each([
    ['oversized output', encodeOutputFrame([new Uint8Array(MAX_OUTPUT_BYTES + 1)]), /exceeds/],
    ['exit without code', raw('1', '{"signal":null}'), /exit needs/],
    ['error without message', raw('2', '{"code":"X"}'), /error needs/],
    ['ready partial', raw('3', '{"reattached":true}'), /ready needs/],
    ['garbage', raw('2', '\u0000\u0001'), /JSON object/],
  ])('rejects %s', (_name, bytes, reason) => {
    const decoded = decodeServerFrame(bytes)
    expect(decoded.ok ? '' : decoded.reason).toMatch(reason)
  })
})

describe('close codes', () => {
  it('marks auth, origin, replacement and exit as final, transport failures as retryable', () => {
    expect([4401, 4403, 4404, 4409, 4000, 4410].every(isFinalCloseCode)).toBe(true)
    expect([1000, 1001, 1006, 1011, 4408, 4429].some(isFinalCloseCode)).toBe(false)
  })
})
