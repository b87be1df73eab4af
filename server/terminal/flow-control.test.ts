// The watermark counter: pause once past high, resume once below low, clamp lying clients.
import { describe, expect, it } from 'vitest'
import { createFlowControl, DEFAULT_HIGH_WATER_BYTES, DEFAULT_LOW_WATER_BYTES } from './flow-control.ts'

describe('createFlowControl', () => {
  it('pauses once past the high watermark and resumes below the low one', () => {
    const fc = createFlowControl({ highWaterBytes: 100, lowWaterBytes: 20 })
    expect(fc.account(60)).toBeUndefined()
    expect(fc.account(40)).toBeUndefined() // exactly at high: not past it
    expect(fc.account(1)).toBe('pause')
    expect(fc.account(500)).toBeUndefined() // already paused: no second signal
    expect(fc.isPaused).toBe(true)
    expect(fc.ack(500)).toBeUndefined() // 101 left, still above low
    expect(fc.ack(81)).toBeUndefined() // 20 left: not below low yet
    expect(fc.ack(1)).toBe('resume') // 19 left
    expect(fc.unackedBytes).toBe(19)
  })

  it('signals resume exactly once when crossing below the low watermark', () => {
    const fc = createFlowControl({ highWaterBytes: 100, lowWaterBytes: 20 })
    fc.account(150)
    expect(fc.ack(120)).toBeUndefined() // 30 left
    expect(fc.ack(11)).toBe('resume') // 19 left
    expect(fc.ack(5)).toBeUndefined()
    expect(fc.isPaused).toBe(false)
  })

  it('clamps acks beyond what was sent and ignores negative numbers', () => {
    const fc = createFlowControl({ highWaterBytes: 10, lowWaterBytes: 5 })
    fc.account(8)
    fc.ack(1_000_000)
    expect(fc.unackedBytes).toBe(0)
    fc.account(-50)
    fc.ack(-50)
    expect(fc.unackedBytes).toBe(0)
    expect(fc.account(11)).toBe('pause')
  })

  it('documents its defaults and rejects inverted watermarks', () => {
    expect(DEFAULT_HIGH_WATER_BYTES).toBe(2 * 1024 * 1024)
    expect(DEFAULT_LOW_WATER_BYTES).toBe(512 * 1024)
    const fc = createFlowControl()
    expect(fc.account(DEFAULT_HIGH_WATER_BYTES)).toBeUndefined()
    expect(fc.account(1)).toBe('pause')
    expect(() => createFlowControl({ highWaterBytes: 10, lowWaterBytes: 10 })).toThrow(RangeError)
  })
})
