// Fuzz: hundreds of malformed bodies, parameters and raw payloads against every cohort endpoint
// and the join endpoint. Each must get a clear 4xx with our error shape, nothing may be stored,
// and the server must keep answering.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from './test-app.test-helper.ts'

let t: CohortTestApp
let instructor: string
let cohortId: string

const counts = () =>
  t.db
    .prepare<[], { c: number; s: number; i: number; t: number }>(
      `SELECT (SELECT COUNT(*) FROM cohorts) AS c, (SELECT COUNT(*) FROM sessions) AS s,
       (SELECT COUNT(*) FROM instructor_sessions) AS i, (SELECT COUNT(*) FROM cohort_trainees WHERE session_id IS NOT NULL) AS t`,
    )
    .get()

beforeAll(async () => {
  t = await buildCohortTestApp()
  instructor = await t.instructor()
  cohortId = (await t.cohorts.service.create({ name: 'fuzz', labId: 'hello-kindlab', trainees: 2 })).id
})
afterAll(async () => t.close())

/** Values of every JSON type, with the cohort fields' names as keys now and then. */
const keys = fc.constantFrom(
  'name',
  'labId',
  'trainees',
  'mode',
  'domain',
  'reserve',
  'webhookUrl',
  'joinToken',
  'classCode',
  'displayName',
  'adminToken',
  'password',
  '__proto__',
  'constructor',
)
const junk = fc
  .oneof(
    fc.jsonValue(),
    fc.dictionary(keys, fc.jsonValue(), { maxKeys: 6 }),
    fc.record({
      name: fc.string({ maxLength: 300 }),
      labId: fc.jsonValue(),
      trainees: fc.oneof(fc.double(), fc.string(), fc.integer({ min: -5, max: 100_000 })),
    }),
    fc.record({ joinToken: fc.string({ maxLength: 200 }), displayName: fc.jsonValue() }, { requiredKeys: [] }),
    fc.record({
      classCode: fc.string({ maxLength: 40 }),
      displayName: fc.string({ maxLength: 200 }),
      extra: fc.jsonValue(),
    }),
  )
  .filter((b) => JSON.stringify(b) !== '{}') // `{}` is the valid body of reset and watch
const raw = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"name":', '[1,2', 'null', '"x"', '{"trainees":1e999}', '\u0000', '{"a":1}{"b":2}'),
)

type Target = { method: 'POST' | 'DELETE' | 'GET'; url: string; auth: boolean }
const targets = (): Target[] => [
  { method: 'POST', url: '/api/cohorts', auth: true },
  { method: 'POST', url: '/api/join', auth: false },
  { method: 'POST', url: '/api/instructor/session', auth: false },
  { method: 'POST', url: `/api/cohorts/${cohortId}/trainees/trainee01/reset`, auth: true },
  { method: 'POST', url: `/api/cohorts/${cohortId}/trainees/trainee01/watch`, auth: true },
]

function expectClear4xx(res: { statusCode: number; body: string }, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBeGreaterThanOrEqual(400)
  expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500)
  const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } }
  expect(typeof body.error?.code).toBe('string')
  expect(typeof body.error?.message).toBe('string')
}

describe('cohort API fuzz', () => {
  it('answers malformed JSON bodies with a 4xx and stores nothing', async () => {
    const before = counts()
    for (const target of targets()) {
      await fc.assert(
        fc.asyncProperty(junk, async (body) => {
          const headers = {
            'content-type': 'application/json',
            ...(target.auth ? { authorization: `Bearer ${instructor}` } : {}),
          }
          const res = await t.app.inject({
            method: target.method,
            url: target.url,
            headers,
            payload: JSON.stringify(body),
          })
          expectClear4xx(res, `${target.url} ${JSON.stringify(body).slice(0, 200)}`)
        }),
        { numRuns: 120 },
      )
    }
    expect(counts()).toEqual(before)
  })

  it('answers unparsable payloads and odd content types with a 4xx', async () => {
    const before = counts()
    for (const target of targets()) {
      await fc.assert(
        fc.asyncProperty(
          raw,
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/octet-stream',
          ),
          async (payload, type) => {
            const res = await t.app.inject({
              method: target.method,
              url: target.url,
              headers: { 'content-type': type, ...(target.auth ? { authorization: `Bearer ${instructor}` } : {}) },
              payload,
            })
            expectClear4xx(res, `${target.url} ${type} ${payload.slice(0, 80)}`)
          },
        ),
        { numRuns: 60 },
      )
    }
    expect(counts()).toEqual(before)
  })

  it('answers malformed ids in the path with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 120 }),
        fc.constantFrom('', '/handout', '/gradebook', '/gradebook.csv', '/plan', '/trainees/x/reset'),
        async (id, suffix) => {
          const url = `/api/cohorts/${encodeURIComponent(id)}${suffix}`
          const res = await t.app.inject({
            method: suffix.endsWith('reset') ? 'POST' : 'GET',
            url,
            headers: { authorization: `Bearer ${instructor}`, 'content-type': 'application/json' },
            payload: suffix.endsWith('reset') ? '{}' : undefined,
          })
          if (res.statusCode === 200) {
            expect(decodeURIComponent(id)).toMatch(/^(fuzz|[0-9a-f-]{36})$/)
            return
          }
          expectClear4xx(res, url)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('is still up and consistent afterwards', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/cohorts',
      headers: { authorization: `Bearer ${instructor}` },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json<Array<{ name: string }>>().map((c) => c.name)).toEqual(['fuzz'])
  })
})
