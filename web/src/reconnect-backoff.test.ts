import { describe, expect, it } from 'vitest'
import { reconnectDelayMs } from './reconnect-backoff.ts'

describe('reconnect backoff', () => {
  it('starts at 100 ms and never waits more than 1 s (before jitter)', () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4].map((a) => reconnectDelayMs(a, undefined, mid))).toEqual([100, 150, 225, 338])
    expect(reconnectDelayMs(50, undefined, mid)).toBe(1000)
  })

  it('tries again within 1.25 s, however long the server was down', () => {
    // The longest wait is the cap with the most jitter.
    expect(Math.max(...Array.from({ length: 200 }, (_, a) => reconnectDelayMs(a + 1, undefined, () => 1)))).toBe(1250)
    // Ten attempts fit in the first 6.5 seconds of an outage (the old doubling from 250 ms made 5).
    const first10 = Array.from({ length: 10 }, (_, a) => reconnectDelayMs(a + 1, undefined, () => 0.5))
    expect(first10.reduce((s, d) => s + d, 0)).toBeLessThan(6500)
  })
})
