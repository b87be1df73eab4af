// Unknown addresses: a browser gets an HTML page that says so and links back; the API, websockets,
// static files and clients that do not ask for HTML get the JSON error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../cohorts/test-app.test-helper.ts'

let t: CohortTestApp
const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

beforeAll(async () => {
  t = await buildCohortTestApp()
})

afterAll(async () => {
  await t.close()
})

describe('not found', () => {
  it('answers a browser with an HTML page, the path escaped', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no-such-page/<b>x</b>', headers: { accept: browserAccept } })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers['content-security-policy']).toContain("default-src 'self'")
    expect(res.body).toContain('<h1>Page not found</h1>')
    expect(res.body).toContain('<a href="/">See the labs</a>')
    expect(res.body).not.toContain('<b>x</b>')
  })

  it.each([
    ['/api/nothing', browserAccept],
    ['/static/nothing.js', browserAccept],
    ['/no-such-page', 'application/json'],
    ['/no-such-page', undefined],
  ])('answers %s (accept %s) with the JSON error', async (url, accept) => {
    const res = await t.app.inject({ method: 'GET', url, headers: accept ? { accept } : {} })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ error: { code: 'LAB_ERR_NOT_FOUND' } })
  })
})
