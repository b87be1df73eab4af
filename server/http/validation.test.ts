// One validation dialect on every route, through the real server (fastify inject): unknown fields
// are refused rather than stripped, body types are not coerced, path parameters still read "3" as
// a number; display names are printable text only, trimmed and bounded, on every route that
// accepts one (issue 13, finding 7).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../cohorts/test-app.test-helper.ts'

let t: CohortTestApp
beforeEach(async () => {
  t = await buildCohortTestApp()
})
afterEach(async () => t.close())

const auth = (token: string) => ({ authorization: `Bearer ${token}` })
const errorOf = (body: string) =>
  (JSON.parse(body) as { error: { code: string; message: string; hint?: string } }).error

async function newSession(payload: Record<string, unknown> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/sessions', payload })
}

describe('validation dialect', () => {
  it('refuses unknown fields on a non-cohort route instead of stripping them', async () => {
    const res = await newSession({ displayName: 'Ada', admin: true })
    expect(res.statusCode).toBe(400)
    expect(errorOf(res.body).code).toBe('LAB_ERR_VALIDATION')
    expect(errorOf(res.body).message).toContain('additional properties')
  })

  it('does not coerce body types', async () => {
    const { token } = (await newSession()).json<{ token: string }>()
    const asText = await t.app.inject({
      method: 'PUT',
      url: '/api/labs/hello-kindlab/progress/current',
      headers: auth(token),
      payload: { step: '1' },
    })
    expect(asText.statusCode).toBe(400)
    expect(errorOf(asText.body).message).toContain('must be integer')
    const nameAsNumber = await newSession({ displayName: 42 })
    expect(nameAsNumber.statusCode).toBe(400)
    const checkIdsAsText = await t.app.inject({
      method: 'POST',
      url: '/api/labs/hello-kindlab/steps/0/check',
      headers: auth(token),
      payload: { checkIds: 'hello-file-exists' },
    })
    expect(checkIdsAsText.statusCode).toBe(400)
    const asNumber = await t.app.inject({
      method: 'PUT',
      url: '/api/labs/hello-kindlab/progress/current',
      headers: auth(token),
      payload: { step: 1 },
    })
    expect(asNumber.statusCode).toBe(204)
  })

  it('still reads numbers in path parameters, and refuses malformed ones', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/labs/hello-kindlab/steps/1' })).statusCode).toBe(200)
    const bad = await t.app.inject({ method: 'GET', url: '/api/labs/hello-kindlab/steps/one' })
    expect(bad.statusCode).toBe(400)
    const asset = await t.app.inject({ method: 'GET', url: '/api/labs/hello-kindlab/assets/a%20b.svg' })
    expect(asset.statusCode).toBe(400)
    expect((await t.app.inject({ method: 'GET', url: '/api/labs/hello-kindlab/assets/layout.svg' })).statusCode).toBe(
      200,
    )
  })
})

describe('display names', () => {
  const spoofs = {
    'right-to-left override': 'Ada\u202Egnp.exe',
    'left-to-right isolate': 'Ada\u2066x\u2069',
    'right-to-left mark': 'Ada\u200F',
    'Arabic letter mark': '\u061CAda',
    'C0 control': 'Ada\u0007',
    'C1 control': 'Ada\u0085',
    'line separator': 'Ada\u2028Lovelace',
    'zero-width space': 'A\u200Bda',
  }

  for (const [what, name] of Object.entries(spoofs)) {
    it(`refuses a ${what} in a solo session's name and in a join`, async () => {
      const solo = await newSession({ displayName: name })
      expect(solo.statusCode).toBe(400)
      expect(errorOf(solo.body).code).toBe('LAB_ERR_VALIDATION')
      expect(errorOf(solo.body).hint).toContain('text-direction')
      const cohort = await t.cohorts.service.create({ name: 'names', labId: 'hello-kindlab', trainees: 1 })
      const join = await t.app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { classCode: cohort.classCode, displayName: name },
      })
      expect(join.statusCode).toBe(400)
      expect(t.cohorts.repo.seats(cohort.id).every((s) => s.sessionId === undefined)).toBe(true)
    })
  }

  it('trims names, keeps letters of any script and joiners, and bounds the length', async () => {
    const res = await newSession({ displayName: '  Zoë \u0645\u200C\u0646 👩\u200D💻 ' })
    expect(res.statusCode, res.body).toBe(201)
    const { token } = res.json<{ token: string }>()
    const who = await t.app.inject({ method: 'GET', url: '/api/session', headers: auth(token) })
    expect(who.json<{ displayName: string }>().displayName).toBe('Zoë \u0645\u200C\u0646 👩\u200D💻')
    expect((await newSession({ displayName: '   ' })).statusCode).toBe(400)
    expect((await newSession({ displayName: 'x'.repeat(61) })).statusCode).toBe(400)
    expect((await newSession({ displayName: 'x'.repeat(60) })).statusCode).toBe(201)
  })

  it('stores the trimmed name of a trainee who joins', async () => {
    const cohort = await t.cohorts.service.create({ name: 'trimmed', labId: 'hello-kindlab', trainees: 1 })
    const join = await t.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: cohort.classCode, displayName: '  Grace  ' },
    })
    expect(join.statusCode, join.body).toBe(201)
    expect(t.cohorts.repo.seats(cohort.id)[0]?.displayName).toBe('Grace')
  })
})
