import { describe, expect, it } from 'vitest'
import type { GradeBookDto, GradeRowDto } from '../../../../server/protocol/cohort-dto.ts'
import { progressSeries, whereTheClassIs } from './class-progress-data.ts'

const min = 60_000
const now = 100 * min

function row(id: string, over: Partial<GradeRowDto>): GradeRowDto {
  return {
    traineeId: id,
    currentStep: 0,
    passedSteps: [],
    onStepMs: 0,
    currentSince: 0,
    failuresOnStep: 0,
    stuck: false,
    stepsPassedAt: [],
    stepsOpened: false,
    checks: {},
    envState: 'claimed',
    labCompleted: false,
    ...over,
  }
}

const checks = [{ id: 'k', title: 'K' }]
const book: GradeBookDto = {
  cohortId: 'c',
  cohort: 'c',
  labId: 'l',
  steps: [
    { index: 0, title: 'One', checks },
    { index: 1, title: 'Read', checks: [] },
    { index: 2, title: 'Three', checks },
  ],
  rows: [
    row('ada', {
      joinedAt: 10 * min,
      passedSteps: [0],
      stepsPassedAt: [{ step: 0, at: 30 * min }],
      currentStep: 2,
      currentSince: 30 * min,
      failuresOnStep: 2,
    }),
    row('bob', { joinedAt: 20 * min, currentSince: 20 * min }),
    row('cy', { joinedAt: undefined }),
  ],
  stuckAfterMs: 10 * min,
  stuckAfterFailures: 5,
  gated: false,
  generatedAt: now,
}

describe('class progress data', () => {
  it('gives one stepped column per joined trainee on a shared time axis, empty before joining', () => {
    const s = progressSeries(book, now)
    expect(s.labels).toEqual(['ada', 'bob'])
    expect(s.data[0]).toEqual([600, 1200, 1800, 6000])
    expect(s.data[1]).toEqual([0, 0, 1, 1])
    expect(s.data[2]).toEqual([null, 0, 0, 0])
  })

  it('counts who is on each graded step and who of them is stuck', () => {
    expect(whereTheClassIs(book, now)).toEqual([
      { index: 0, title: 'One', on: 1, stuck: 0 },
      { index: 2, title: 'Three', on: 1, stuck: 1 },
    ])
  })
})
