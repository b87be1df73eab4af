// The pure TCP port allocator: unique across every cohort of a class cluster, BASE + slot when free.
import { describe, expect, it } from 'vitest'
import { TRAINEE_TCP_PORT_BASE } from './names.ts'
import { TRAINEE_TCP_PORT_MAX, allocateTcpPorts } from './tcp-ports.ts'

describe('allocateTcpPorts', () => {
  it('gives the first cohort of a cluster BASE + slot', () => {
    expect([...allocateTcpPorts([1, 2, 3], [])]).toEqual([
      [1, 20_001],
      [2, 20_002],
      [3, 20_003],
    ])
  })

  it('never hands out a port another cohort holds, nor one twice; free preferred ports are kept', () => {
    // A first cohort of three holds 20001-20003; a second cohort of five comes next.
    const ports = allocateTcpPorts([1, 2, 3, 4, 5], [20_001, 20_002, 20_003])
    expect([...ports]).toEqual([
      [4, 20_004],
      [5, 20_005],
      [1, 20_006],
      [2, 20_007],
      [3, 20_008],
    ])
    const all = [20_001, 20_002, 20_003, ...ports.values()]
    expect(new Set(all).size).toBe(all.length)
  })

  it('fills gaps a torn-down cohort left, and refuses when the range is used up', () => {
    expect(allocateTcpPorts([1], [20_001, 20_003]).get(1)).toBe(20_002)
    const full = Array.from(
      { length: TRAINEE_TCP_PORT_MAX - TRAINEE_TCP_PORT_BASE },
      (_, i) => TRAINEE_TCP_PORT_BASE + 1 + i,
    )
    expect(() => allocateTcpPorts([1], full)).toThrow(expect.objectContaining({ code: 'LAB_ERR_COHORT_FULL' }))
  })
})
