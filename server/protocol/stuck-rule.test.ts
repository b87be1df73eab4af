import { describe, expect, it } from 'vitest'
import { stuckReason, type StuckInput } from './stuck-rule.ts'

const rule = { afterMs: 10 * 60_000, afterFailures: 5 }
const now = 100 * 60_000
const row = (over: Partial<StuckInput>): StuckInput => ({
  joinedAt: 0,
  labCompleted: false,
  currentStep: 2,
  passedSteps: [0, 1],
  failuresOnStep: 0,
  currentSince: now - 60_000,
  ...over,
})

describe('stuck rule', () => {
  it('is stuck after N failed Checks on the current step, however short the time', () => {
    expect(stuckReason(row({ failuresOnStep: 4 }), rule, now)).toBeUndefined()
    expect(stuckReason(row({ failuresOnStep: 5 }), rule, now)).toBe('5 failed Checks on step 3')
  })

  it('is stuck after the time on a step only with at least one failure', () => {
    const long = now - 11 * 60_000
    expect(stuckReason(row({ currentSince: long }), rule, now)).toBeUndefined()
    expect(stuckReason(row({ currentSince: long, failuresOnStep: 1 }), rule, now)).toBe(
      '11 min on step 3 with failed Checks',
    )
    expect(stuckReason(row({ currentSince: now - 10 * 60_000, failuresOnStep: 1 }), rule, now)).toBeUndefined()
  })

  it('is never stuck before joining, on a passed step or with the lab done', () => {
    const many = { failuresOnStep: 9 }
    expect(stuckReason(row({ ...many, joinedAt: undefined }), rule, now)).toBeUndefined()
    expect(stuckReason(row({ ...many, passedSteps: [0, 1, 2] }), rule, now)).toBeUndefined()
    expect(stuckReason(row({ ...many, labCompleted: true }), rule, now)).toBeUndefined()
  })
})
