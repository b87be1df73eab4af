// Batching by size and by time, eager flushes after input, and the frame size cap.
import { describe, expect, it } from 'vitest'
import { MAX_OUTPUT_BYTES } from '../protocol/terminal-frames.ts'
import { createOutputBatcher, type BatcherClock } from './output-batcher.ts'

function manualClock(): BatcherClock & { advance(ms: number): void; timers: number } {
  let now = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  let next = 1
  return {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(next, { at: now + ms, fn })
      return next++
    },
    clearTimeout(h) {
      timers.delete(h as number)
    },
    advance(ms) {
      now += ms
      for (const [id, t] of [...timers]) {
        if (t.at <= now) {
          timers.delete(id)
          t.fn()
        }
      }
    },
    get timers() {
      return timers.size
    },
  }
}

const bytes = (n: number, fill = 0x61): Uint8Array => new Uint8Array(n).fill(fill)

function setup(opts: { maxBytes?: number; delayMs?: number; eagerWindowMs?: number } = {}) {
  const clock = manualClock()
  const batches: number[][] = []
  const batcher = createOutputBatcher({
    ...opts,
    clock,
    onFlush: (chunks, total) => {
      expect(chunks.reduce((n, c) => n + c.byteLength, 0)).toBe(total)
      batches.push(chunks.map((c) => c.byteLength))
    },
  })
  return { clock, batches, batcher }
}

describe('createOutputBatcher', () => {
  it('holds small chunks until the delay passes, then sends them as one batch', () => {
    const { clock, batches, batcher } = setup({ delayMs: 8 })
    batcher.push(bytes(10))
    clock.advance(4)
    batcher.push(bytes(20))
    expect(batches).toEqual([])
    expect(batcher.pendingBytes).toBe(30)
    clock.advance(4)
    expect(batches).toEqual([[10, 20]])
    expect(clock.timers).toBe(0)
  })

  it('flushes as soon as a batch is full and never exceeds maxBytes', () => {
    const { batches, batcher } = setup({ maxBytes: 100 })
    batcher.push(bytes(60))
    batcher.push(bytes(60)) // would overflow: the first 60 go alone
    batcher.push(bytes(40)) // reaches 100 exactly
    expect(batches).toEqual([[60], [60, 40]])
  })

  it('splits a chunk larger than maxBytes into full batches', () => {
    const { clock, batches, batcher } = setup({ maxBytes: 100, delayMs: 5 })
    batcher.push(bytes(250))
    expect(batches).toEqual([[100], [100]])
    clock.advance(5)
    expect(batches).toEqual([[100], [100], [50]])
  })

  it('caps maxBytes at the protocol output limit', () => {
    const { batches, batcher } = setup({ maxBytes: 10 * MAX_OUTPUT_BYTES })
    batcher.push(bytes(MAX_OUTPUT_BYTES + 1))
    expect(batches).toEqual([[MAX_OUTPUT_BYTES]])
  })

  it('flushes immediately within the eager window after input, and batches again after it', () => {
    const { clock, batches, batcher } = setup({ delayMs: 8, eagerWindowMs: 20 })
    batcher.push(bytes(5))
    batcher.noteInput() // pending output before the keystroke goes out with the echo
    batcher.push(bytes(1))
    expect(batches).toEqual([[5, 1]])
    clock.advance(19)
    batcher.push(bytes(2))
    expect(batches).toEqual([[5, 1], [2]])
    clock.advance(1) // window over
    batcher.push(bytes(3))
    expect(batches).toHaveLength(2)
    clock.advance(8)
    expect(batches).toEqual([[5, 1], [2], [3]])
  })

  it('flush() sends pending output now; dispose() drops it and stops the timer', () => {
    const { clock, batches, batcher } = setup()
    batcher.flush() // nothing pending: no empty batch
    batcher.push(bytes(7))
    batcher.flush()
    expect(batches).toEqual([[7]])
    batcher.push(bytes(9))
    batcher.dispose()
    clock.advance(1000)
    batcher.push(bytes(9))
    expect(batches).toEqual([[7]])
    expect(batcher.pendingBytes).toBe(0)
  })
})
