import { describe, expect, it } from 'vitest'
import { createTokenBucket } from './rate-limit.ts'

describe('token bucket', () => {
  it('allows a burst up to capacity, then refuses with a retry delay', () => {
    let t = 0
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 1, now: () => t })
    expect([1, 2, 3].map(() => bucket.take('a').ok)).toEqual([true, true, true])
    const refused = bucket.take('a')
    expect(refused.ok).toBe(false)
    expect(refused.retryAfterMs).toBe(1000)
    t = 500
    expect(bucket.take('a').ok).toBe(false)
    t = 1000
    expect(bucket.take('a').ok).toBe(true)
  })

  it('keeps keys apart and never refills above capacity', () => {
    let t = 0
    const bucket = createTokenBucket({ capacity: 2, refillPerSecond: 10, now: () => t })
    bucket.take('a')
    bucket.take('a')
    expect(bucket.take('a').ok).toBe(false)
    expect(bucket.take('b').ok).toBe(true)
    t = 60_000
    expect(bucket.take('a').remaining).toBe(1)
    expect(bucket.take('a').ok).toBe(true)
    expect(bucket.take('a').ok).toBe(false)
  })

  it('evicts the least recently used key beyond maxKeys', () => {
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 0.001, maxKeys: 2, now: () => 0 })
    bucket.take('a')
    bucket.take('b')
    bucket.take('a')
    bucket.take('c') // evicts b, the least recently used
    expect(bucket.size).toBe(2)
    expect(bucket.take('a').ok).toBe(false)
    expect(bucket.take('b').ok).toBe(true) // a fresh bucket
  })

  it('supports a cost above one', () => {
    const bucket = createTokenBucket({ capacity: 5, refillPerSecond: 1, now: () => 0 })
    expect(bucket.take('x', 4).ok).toBe(true)
    const r = bucket.take('x', 2)
    expect(r.ok).toBe(false)
    expect(r.retryAfterMs).toBe(1000)
  })
})
