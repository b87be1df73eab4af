import { describe, expect, it } from 'vitest'
import { stepLocks } from './gating.ts'

const steps = [
  { index: 0, checks: ['a'] },
  { index: 1, checks: [] },
  { index: 2, checks: ['b'] },
  { index: 3, checks: ['c'] },
]

describe('step locks', () => {
  it('locks every step after the first step with checks that has not passed', () => {
    expect([...stepLocks(steps, [], true)]).toEqual([
      [1, "Step 2 opens once step 1's checks pass."],
      [2, "Step 3 opens once step 1's checks pass."],
      [3, "Step 4 opens once step 1's checks pass."],
    ])
    // A step without checks never blocks: passing step 1 opens steps 2 and 3.
    expect([...stepLocks(steps, [0], true)]).toEqual([[3, "Step 4 opens once step 3's checks pass."]])
    expect([...stepLocks(steps, [0, 2, 3], true)]).toEqual([])
  })

  it('locks nothing when gating is off', () => {
    expect(stepLocks(steps, [], false).size).toBe(0)
  })
})
