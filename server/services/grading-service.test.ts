import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTextResourceSource } from '../checks/grader-input-files.ts'
import { prepareCheck } from '../checks/check-params.ts'
import { checkKinds } from '../checks/registry.ts'
import { openDb, type Db } from '../store/db.ts'
import { createProgressRepo } from '../store/progress-repo.ts'
import { createSessionsRepo } from '../store/sessions-repo.ts'
import { createGradingService } from './grading-service.ts'

let dir: string
let db: Db

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindlab-grade-'))
  db = openDb(':memory:')
})
afterEach(async () => {
  db.close()
  await rm(dir, { recursive: true, force: true })
})

function setup() {
  const progress = createProgressRepo(db)
  const { session } = createSessionsRepo(db).create({ workspaceDirFor: () => dir })
  const grading = createGradingService({
    kinds: checkKinds,
    progress,
    commandEnv: {},
    servicesFor: () => ({ resources: createTextResourceSource([], 'no resources') }),
  })
  return { progress, session, grading }
}

const checks = [
  {
    id: 'greeting',
    kind: 'file',
    path: 'greeting.txt',
    pattern: '^${GREETING}, kindlab$',
    hint: ['Save the file first.', 'Write ${GREETING}, kindlab in it.'],
  },
  { id: 'echo', kind: 'command', run: 'echo "$GREETING"', expectOutput: '^${GREETING}$' },
].map((c) => prepareCheck(checkKinds, c))

describe('grading service', () => {
  it('substitutes lab variables in params and hints, and gets more specific on each failure', async () => {
    const { grading, session } = setup()
    const vars = { GREETING: 'ahoy' }
    const first = await grading.grade({ session, labId: 'lab', stepIndex: 0, stepChecks: checks, vars })
    expect(first.passed).toBe(false)
    expect(first.checks[0]).toMatchObject({ passed: false, hint: 'Save the file first.' })
    expect(first.checks[1]).toMatchObject({ passed: true })
    const second = await grading.grade({ session, labId: 'lab', stepIndex: 0, stepChecks: checks, vars })
    expect(second.checks[0]?.hint).toBe('Write ahoy, kindlab in it.')
  })

  it('never shows the raw pattern of a file check (it would be the answer)', async () => {
    const { grading, session } = setup()
    await writeFile(join(dir, 'greeting.txt'), 'hello\n')
    const run = await grading.grade({
      session,
      labId: 'lab',
      stepIndex: 0,
      stepChecks: checks,
      vars: { GREETING: 'ahoy' },
    })
    expect(run.checks[0]).toMatchObject({
      status: 'failed',
      message: 'greeting.txt exists, but its content is not what the step asks for.',
    })
    expect(JSON.stringify(run.checks[0])).not.toContain('ahoy, kindlab$')
  })

  it('stores every attempt and ticks the step when all its checks passed', async () => {
    const { grading, session, progress } = setup()
    await writeFile(join(dir, 'greeting.txt'), 'ahoy, kindlab\n')
    const run = await grading.grade({
      session,
      labId: 'lab',
      stepIndex: 2,
      stepChecks: checks,
      vars: { GREETING: 'ahoy' },
    })
    expect(run).toMatchObject({ passed: true, stepPassed: true })
    const saved = progress.get(session.id, 'lab')
    expect(saved.passedSteps).toEqual([2])
    expect(Object.keys(saved.lastResults).sort()).toEqual(['echo', 'greeting'])
  })

  it('runs only the named checks, and refuses unknown names', async () => {
    const { grading, session } = setup()
    const run = await grading.grade({
      session,
      labId: 'lab',
      stepIndex: 0,
      stepChecks: checks,
      onlyIds: ['echo'],
      vars: { GREETING: 'x' },
    })
    expect(run.checks.map((c) => c.id)).toEqual(['echo'])
    expect(run.stepPassed).toBe(false)
    await expect(
      grading.grade({ session, labId: 'lab', stepIndex: 0, stepChecks: checks, onlyIds: ['nope'], vars: {} }),
    ).rejects.toThrow(/no check named nope/)
  })
})
