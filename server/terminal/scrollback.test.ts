// The scrollback ring: keeps the newest bytes in order, bounded, and trims a replay to a line start.
import { describe, expect, it } from 'vitest'
import { createScrollback, DEFAULT_SCROLLBACK_BYTES } from './scrollback.ts'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('createScrollback', () => {
  it('keeps everything, in order, while under capacity', () => {
    const sb = createScrollback(64)
    sb.write(enc('hello '))
    sb.write(enc('world\n'))
    expect(dec(sb.snapshot())).toBe('hello world\n')
    expect(sb.byteLength).toBe(12)
    expect(sb.droppedBytes).toBe(0)
  })

  it('drops the oldest bytes across the wrap point and stays at capacity', () => {
    const sb = createScrollback(10)
    for (const part of ['abc', 'defg', 'hij', 'klmno']) {
      sb.write(enc(part))
    }
    expect(sb.byteLength).toBe(10)
    expect(sb.droppedBytes).toBe(5)
    // no newline in the kept part: returned as is
    expect(dec(sb.snapshot())).toBe('fghijklmno')
  })

  it('keeps only the tail of a chunk larger than the ring', () => {
    const sb = createScrollback(8)
    sb.write(enc('xy'))
    sb.write(enc('0123456789ABCDEF'))
    expect(dec(sb.snapshot())).toBe('89ABCDEF')
    expect(sb.droppedBytes).toBe(10)
  })

  it('starts a truncated replay at the next line, never inside a character', () => {
    const sb = createScrollback(16)
    sb.write(enc('line-one\nline-two\nétoile\n')) // 25 bytes, é is 2 bytes
    const replay = dec(sb.snapshot())
    expect(replay).toBe('étoile\n')
  })

  it('matches a reference model under random writes', () => {
    const cap = 97
    const sb = createScrollback(cap)
    let model: number[] = []
    let seed = 7
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n
    for (let i = 0; i < 500; i++) {
      const chunk = Uint8Array.from({ length: rand(150) }, () => 0x20 + rand(90)) // no newlines
      sb.write(chunk)
      model = [...model, ...chunk].slice(-cap)
      expect(Array.from(sb.snapshot())).toEqual(model)
    }
  })

  it('defaults to 256 KiB and rejects a bad capacity', () => {
    expect(DEFAULT_SCROLLBACK_BYTES).toBe(256 * 1024)
    expect(() => createScrollback(0)).toThrow(RangeError)
  })
})
