// Join, instructor sign-in and Check are rate-limited per client (or per session): a burst gets
// 429 with Retry-After and our error shape, and nothing is stored for the refused requests.
import { afterEach, describe, expect, it } from 'vitest'
import type { RateLimitPolicy } from './rate-limits.ts'
import { buildCohortTestApp, type CohortTestApp } from './test-app.test-helper.ts'

let t: CohortTestApp | undefined
afterEach(async () => t?.close())

/** Three requests per hour: the fourth is refused within any test. */
const tight = (): RateLimitPolicy => ({ max: 3, timeWindowMs: 3_600_000 })

describe('rate limits', () => {
  it('limits join attempts per client address', async () => {
    t = await buildCohortTestApp({ limits: { join: tight() } })
    const codes: number[] = []
    for (let i = 0; i < 5; i++) {
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/join',
            payload: { classCode: 'ABCD-EFGH', displayName: 'x' },
          })
        ).statusCode,
      )
    }
    expect(codes).toEqual([403, 403, 403, 429, 429])
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: 'ABCD-EFGH', displayName: 'x' },
    })
    expect(res.headers['retry-after']).toBeDefined()
    expect(res.json<{ error: { code: string } }>().error.code).toBe('LAB_ERR_RATE_LIMITED')
  })

  it('limits instructor sign-in attempts', async () => {
    t = await buildCohortTestApp({ limits: { login: tight() } })
    const codes: number[] = []
    for (let i = 0; i < 4; i++) {
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/instructor/session',
            payload: { adminToken: 'kla_guess-guess' },
          })
        ).statusCode,
      )
    }
    expect(codes).toEqual([401, 401, 401, 429])
  })

  it('limits Check presses per session, not across sessions', async () => {
    t = await buildCohortTestApp({ limits: { check: tight() } })
    const c = await t.cohorts.service.create({ name: 'limits', labId: 'hello-kindlab', trainees: 2 })
    const a = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'A' })
    const b = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'B' })
    const press = async (token: string) =>
      (
        await t!.app.inject({
          method: 'POST',
          url: '/api/labs/hello-kindlab/steps/0/check',
          headers: { authorization: `Bearer ${token}` },
          payload: {},
        })
      ).statusCode
    const codes = [await press(a.token), await press(a.token), await press(a.token), await press(a.token)]
    expect(codes).toEqual([200, 200, 200, 429])
    expect(await press(b.token)).toBe(200)
    const stored = t.db
      .prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM check_attempts WHERE session_id = ?')
      .get(a.sessionId)
    expect(stored?.n).toBe(3)
  })

  it('says how long to wait, and lets the client in again once the window has passed', async () => {
    t = await buildCohortTestApp({ limits: { login: { max: 1, timeWindowMs: 1500 } } })
    const login = () =>
      t!.app.inject({ method: 'POST', url: '/api/instructor/session', payload: { adminToken: 'kla_guess-guess' } })
    expect((await login()).statusCode).toBe(401)
    const refused = await login()
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toMatch(/^[12]$/)
    expect(refused.json<{ error: { hint: string } }>().error.hint).toMatch(/^Wait [12] s and try again\.$/)
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect((await login()).statusCode).toBe(401)
  })

  it('counts joins and sign-ins apart, though both are keyed by the client address', async () => {
    t = await buildCohortTestApp({ limits: { join: tight(), login: tight() } })
    for (let i = 0; i < 3; i++) {
      await t.app.inject({ method: 'POST', url: '/api/join', payload: { classCode: 'ABCD-EFGH', displayName: 'x' } })
    }
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/instructor/session',
      payload: { adminToken: 'kla_guess-guess' },
    })
    expect(login.statusCode).toBe(401)
  })
})
