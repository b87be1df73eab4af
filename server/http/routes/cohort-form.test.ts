// The cohort form's server answers are sentences for people that name the field they belong to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../../cohorts/test-app.test-helper.ts'
import { cohortFieldMessages } from '../../protocol/cohort-rules.ts'

let t: CohortTestApp
let token: string

beforeAll(async () => {
  t = await buildCohortTestApp()
  token = await t.instructor()
})

afterAll(async () => {
  await t.close()
})

const create = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/cohorts', headers: { authorization: `Bearer ${token}` }, payload })

describe('POST /api/cohorts errors', () => {
  it.each([
    [{ name: 'Bad_Name', labId: 'hello-kindlab', trainees: 2 }, 'name'],
    [{ name: 'ok', labId: 'hello-kindlab', trainees: 0 }, 'trainees'],
    [{ name: 'ok', labId: 'hello-kindlab' }, 'trainees'],
    [{ name: 'ok', labId: 'hello-kindlab', trainees: 2, domain: 'no_dots' }, 'domain'],
    [{ name: 'ok', labId: 'hello-kindlab', trainees: 2, webhookUrl: 'ftp://user:pw@x.example/' }, 'webhookUrl'],
  ])('%j → one sentence about %s', async (payload, field) => {
    const res = await create(payload)
    expect(res.statusCode).toBe(400)
    const { error } = res.json<{ error: { message: string; field?: string } }>()
    expect(error.field).toBe(field)
    expect(error.message).toBe(cohortFieldMessages[field as keyof typeof cohortFieldMessages])
    expect(error.message).not.toMatch(/body\/|must match/)
  })

  it('says a taken name belongs to the name field', async () => {
    expect((await create({ name: 'taken', labId: 'hello-kindlab', trainees: 1, reserve: 0 })).statusCode).toBe(201)
    const res = await create({ name: 'taken', labId: 'hello-kindlab', trainees: 1, reserve: 0 })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ error: { field: 'name', message: 'A cohort called "taken" already exists.' } })
  })
})
