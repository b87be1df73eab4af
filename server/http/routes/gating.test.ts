// Gating, enforced by the server: in a gated cohort a later step's content, Checks and "current
// step" answer 403 LAB_ERR_STEP_LOCKED until the earlier step's checks pass; the lab API says why
// each step is locked; the instructor's per-trainee override opens them; solo sessions follow the
// lab's own `gating` (off for every bundled lab), and a cohort without gating locks nothing.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { LabDto } from '../../protocol/api-dto.ts'
import { buildCohortTestApp, type CohortTestApp } from '../../cohorts/test-app.test-helper.ts'

let t: CohortTestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function classWith(gating: boolean | undefined) {
  t = await buildCohortTestApp()
  const app = t
  const c = await app.cohorts.service.create({
    name: 'gated',
    labId: 'hello-kindlab',
    trainees: 2,
    reserve: 0,
    ...(gating === undefined ? {} : { gating }),
  })
  const a = await app.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'A' })
  const as = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.app.inject({ method, url, headers: { authorization: `Bearer ${a.token}` }, ...(payload ? { payload } : {}) })
  const instructorToken = await app.instructor()
  const instructor = (method: 'PUT', url: string, payload: object) =>
    app.app.inject({ method, url, headers: { authorization: `Bearer ${instructorToken}` }, payload })
  const workspace =
    app.db
      .prepare<[string], { workspace_dir: string }>('SELECT workspace_dir FROM sessions WHERE id = ?')
      .get(a.sessionId)?.workspace_dir ?? ''
  return { cohortId: c.id, traineeId: a.traineeId, as, instructor, workspace }
}

describe('gating', () => {
  it('locks later steps on the server until the earlier checks pass', async () => {
    const { as, workspace } = await classWith(true)
    const lab = (await as('GET', '/api/labs/hello-kindlab')).json<LabDto>()
    expect(lab.steps.map((s) => s.locked)).toEqual([
      undefined,
      "Step 2 opens once step 1's checks pass.",
      "Step 3 opens once step 1's checks pass.",
    ])
    for (const res of [
      await as('GET', '/api/labs/hello-kindlab/steps/1'),
      await as('POST', '/api/labs/hello-kindlab/steps/2/check', {}),
      await as('PUT', '/api/labs/hello-kindlab/progress/current', { step: 1 }),
    ]) {
      expect(res.statusCode).toBe(403)
      expect(res.json()).toMatchObject({
        error: { code: 'LAB_ERR_STEP_LOCKED', message: expect.stringContaining("step 1's checks pass") as string },
      })
    }
    expect((await as('GET', '/api/labs/hello-kindlab/steps/0')).statusCode).toBe(200)

    writeFileSync(join(workspace, 'hello.txt'), 'hello')
    expect((await as('POST', '/api/labs/hello-kindlab/steps/0/check', {})).json()).toMatchObject({ passed: true })
    const after = (await as('GET', '/api/labs/hello-kindlab')).json<LabDto>()
    expect(after.steps.map((s) => s.locked)).toEqual([undefined, undefined, "Step 3 opens once step 2's checks pass."])
    expect((await as('GET', '/api/labs/hello-kindlab/steps/1')).statusCode).toBe(200)
    expect((await as('PUT', '/api/labs/hello-kindlab/progress/current', { step: 1 })).statusCode).toBe(204)
  })

  it("opens a trainee's steps when the instructor says so, and gates them again", async () => {
    const { as, instructor, cohortId, traineeId } = await classWith(true)
    const url = `/api/cohorts/${cohortId}/trainees/${traineeId}/gating`
    expect((await instructor('PUT', url, { open: true })).statusCode).toBe(204)
    expect((await as('GET', '/api/labs/hello-kindlab/steps/2')).statusCode).toBe(200)
    const book = t?.cohorts.gradebook.book(t.cohorts.service.find('gated'))
    expect(book?.gated).toBe(true)
    expect(book?.rows.find((r) => r.traineeId === traineeId)?.stepsOpened).toBe(true)
    expect((await instructor('PUT', url, { open: false })).statusCode).toBe(204)
    expect((await as('GET', '/api/labs/hello-kindlab/steps/2')).statusCode).toBe(403)
    const missing = await instructor('PUT', `/api/cohorts/${cohortId}/trainees/trainee99/gating`, { open: true })
    expect(missing.json()).toMatchObject({ error: { code: 'LAB_ERR_TRAINEE_NOT_FOUND' } })
    // A trainee's token cannot open their own steps.
    const self = await as('PUT', url, { open: true })
    expect(self.statusCode).toBe(403)
    // A reset trainee is a new person: gated again.
    expect((await instructor('PUT', url, { open: true })).statusCode).toBe(204)
    await t?.cohorts.service.resetTrainee(cohortId, traineeId)
    expect(t?.cohorts.repo.seat(cohortId, traineeId)?.ungated).toBe(false)
  })

  it('locks nothing in a cohort without gating (the lab has none) nor for a solo learner', async () => {
    const { as } = await classWith(undefined)
    expect((await as('GET', '/api/labs/hello-kindlab/steps/2')).statusCode).toBe(200)
    const solo = await t!.app.inject({ method: 'GET', url: '/api/labs/hello-kindlab/steps/2' })
    expect(solo.statusCode).toBe(200)
  })
})
