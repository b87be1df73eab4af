import { describe, expect, it } from 'vitest'
import type { GradeBookDto, GradeRowDto } from '../../../../server/protocol/cohort-dto.ts'
import { stepCell, visibleRows } from './gradebook-rows.ts'

const now = 1_000 * 60_000
const step = {
  index: 1,
  title: 'Two',
  checks: [
    { id: 'a', title: 'A' },
    { id: 'b', title: 'B' },
    { id: 'c', title: 'C' },
  ],
}
const cell = (status: 'passed' | 'failed' | 'unverified', failures = 0) => ({
  passed: status === 'passed',
  status,
  message: status,
  failures,
  at: 0,
})

function row(id: string, over: Partial<GradeRowDto> = {}): GradeRowDto {
  return {
    traineeId: id,
    displayName: id.toUpperCase(),
    joinedAt: 0,
    currentStep: 0,
    passedSteps: [],
    onStepMs: 0,
    currentSince: now - 60_000,
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

function book(rows: GradeRowDto[]): GradeBookDto {
  return {
    cohortId: 'c',
    cohort: 'c',
    labId: 'l',
    steps: [{ index: 0, title: 'One', checks: [{ id: 'x', title: 'X' }] }, step],
    rows,
    stuckAfterMs: 10 * 60_000,
    stuckAfterFailures: 5,
    gated: false,
    generatedAt: now,
  }
}

describe('step cell', () => {
  it('counts passed checks and takes the worst last result, a passed step winning', () => {
    expect(stepCell(step, row('t'))).toEqual({ state: 'none', passed: 0, total: 3 })
    expect(stepCell(step, row('t', { checks: { a: cell('passed') } }))).toMatchObject({ state: 'started', passed: 1 })
    expect(stepCell(step, row('t', { checks: { a: cell('passed'), b: cell('unverified') } })).state).toBe('unverified')
    expect(stepCell(step, row('t', { checks: { a: cell('unverified'), b: cell('failed', 2) } })).state).toBe('failed')
    const done = { a: cell('passed'), b: cell('passed'), c: cell('passed') }
    expect(stepCell(step, row('t', { checks: done, passedSteps: [1] }))).toEqual({
      state: 'passed',
      passed: 3,
      total: 3,
    })
  })
})

describe('visible rows', () => {
  const ada = row('ada', { passedSteps: [0], currentStep: 1, currentSince: now - 20 * 60_000, failuresOnStep: 1 })
  const bob = row('bob', { passedSteps: [0], currentStep: 1, currentSince: now - 2 * 60_000 })
  const cy = row('cy', { failuresOnStep: 6, currentSince: now - 60_000 })
  const dee = row('dee', { joinedAt: undefined })
  const all = book([dee, cy, bob, ada])
  const ids = (rows: GradeRowDto[]) => rows.map((r) => r.traineeId)

  it('sorts by name, by progress and stuck first', () => {
    expect(ids(visibleRows(all, { sort: 'name', text: '', stuckOnly: false }, now))).toEqual([
      'ada',
      'bob',
      'cy',
      'dee',
    ])
    expect(ids(visibleRows(all, { sort: 'progress', text: '', stuckOnly: false }, now))).toEqual([
      'ada',
      'bob',
      'cy',
      'dee',
    ])
    expect(ids(visibleRows(all, { sort: 'stuck', text: '', stuckOnly: false }, now))).toEqual([
      'ada',
      'cy',
      'bob',
      'dee',
    ])
  })

  it('filters by text (name or id) and by stuck', () => {
    expect(ids(visibleRows(all, { sort: 'name', text: ' BO ', stuckOnly: false }, now))).toEqual(['bob'])
    expect(ids(visibleRows(all, { sort: 'name', text: '', stuckOnly: true }, now))).toEqual(['ada', 'cy'])
    expect(ids(visibleRows(all, { sort: 'name', text: 'zz', stuckOnly: false }, now))).toEqual([])
  })
})
