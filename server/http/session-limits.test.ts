// Caps and expiry through the real server (issue 13, finding 7): live solo sessions are capped
// per client address and overall with a clear 429, they expire after the configured idle time
// (token refused, workspace deleted), opening new sessions does not reset the Check rate limit,
// and running terminals are capped.
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../cohorts/test-app.test-helper.ts'
import { createSoloSessionReaper } from '../services/session-reaper.ts'
import { createSessionsRepo } from '../store/sessions-repo.ts'
import { TestClient } from '../terminal/ws-test-client.test-helper.ts'

let t: CohortTestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

type ErrorBody = { error: { code: string; message: string; hint?: string } }

const open = (from = '127.0.0.1') =>
  t!.app.inject({ method: 'POST', url: '/api/sessions', payload: {}, remoteAddress: from })

describe('session caps', () => {
  it('caps live solo sessions per client address with a 429 and a hint', async () => {
    t = await buildCohortTestApp({ sessionLimits: { maxPerClient: 3, maxTotal: 100 } })
    const codes = [(await open()).statusCode, (await open()).statusCode, (await open()).statusCode]
    expect(codes).toEqual([201, 201, 201])
    const refused = await open()
    expect(refused.statusCode).toBe(429)
    const { error } = refused.json<ErrorBody>()
    expect(error.code).toBe('LAB_ERR_SESSION_LIMIT')
    expect(error.message).toContain('3 open lab sessions')
    expect(error.hint).toMatch(/tab you already have open/)
    expect((await open('10.1.2.3')).statusCode).toBe(201)
    const stored = t.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE kind = 'solo'").get()
    expect(stored?.n).toBe(4)
  })

  it('caps live solo sessions overall', async () => {
    t = await buildCohortTestApp({ sessionLimits: { maxPerClient: 10, maxTotal: 2 } })
    expect((await open('10.0.0.1')).statusCode).toBe(201)
    expect((await open('10.0.0.2')).statusCode).toBe(201)
    const refused = await open('10.0.0.3')
    expect(refused.statusCode).toBe(429)
    expect(refused.json<ErrorBody>().error.hint).toContain('KINDLAB_MAX_SESSIONS')
  })

  it('does not count trainees against the solo caps', async () => {
    t = await buildCohortTestApp({ sessionLimits: { maxPerClient: 1, maxTotal: 1 } })
    expect((await open()).statusCode).toBe(201)
    const cohort = await t.cohorts.service.create({ name: 'caps', labId: 'hello-kindlab', trainees: 2 })
    for (const name of ['A', 'B']) {
      const join = await t.app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { classCode: cohort.classCode, displayName: name },
      })
      expect(join.statusCode, join.body).toBe(201)
    }
  })
})

describe('session expiry', () => {
  it('ends a solo session idle past the expiry, frees its slot, and deletes its workspace', async () => {
    let offsetMs = 0
    const now = () => Date.now() + offsetMs
    t = await buildCohortTestApp({ sessionLimits: { expiryMs: 60_000, maxPerClient: 1, now } })
    const { token, sessionId } = (await open()).json<{ token: string; sessionId: string }>()
    const who = () =>
      t!.app.inject({ method: 'GET', url: '/api/session', headers: { authorization: `Bearer ${token}` } })
    expect((await who()).statusCode).toBe(200)
    expect((await open()).statusCode).toBe(429)
    offsetMs = 30_000
    expect((await who()).statusCode).toBe(200) // used again: the clock restarts
    offsetMs = 30_000 + 61_000
    const expired = await who()
    expect(expired.statusCode).toBe(401)
    expect(expired.json<ErrorBody>().error.message).toContain('expired')
    expect((await open()).statusCode).toBe(201)

    const repo = createSessionsRepo(t.db, now)
    const workspace = repo.findById(sessionId)?.workspaceDir ?? ''
    expect(existsSync(workspace)).toBe(true)
    const reaper = createSoloSessionReaper({ repo, dataDir: t.dataDir, expiryMs: 60_000, now })
    expect(await reaper.reap()).toBe(1)
    expect(existsSync(workspace)).toBe(false)
    expect(repo.findById(sessionId)).toMatchObject({ id: sessionId })
    expect((await who()).statusCode).toBe(401)
  })

  it('the reaper ends idle solo sessions and deletes their workspaces, leaving trainees alone', async () => {
    let offsetMs = 0
    const now = () => Date.now() + offsetMs
    t = await buildCohortTestApp()
    const solo = (await open()).json<{ sessionId: string }>()
    const cohort = await t.cohorts.service.create({ name: 'reap', labId: 'hello-kindlab', trainees: 1 })
    const trainee = await t.cohorts.service.join({ classCode: cohort.classCode ?? '', displayName: 'T' })
    const repo = createSessionsRepo(t.db)
    const soloDir = repo.findById(solo.sessionId)?.workspaceDir ?? ''
    const traineeDir = repo.findById(trainee.sessionId)?.workspaceDir ?? ''
    const reaper = createSoloSessionReaper({ repo, dataDir: t.dataDir, expiryMs: 60_000, now })
    expect(await reaper.reap()).toBe(0)
    offsetMs = 120_000
    expect(await reaper.reap()).toBe(1)
    expect(existsSync(soloDir)).toBe(false)
    expect(existsSync(traineeDir)).toBe(true)
    const row = t.db.prepare<[string], { ended_at: number | null }>('SELECT ended_at FROM sessions WHERE id = ?')
    expect(row.get(solo.sessionId)?.ended_at).not.toBeNull()
    expect(row.get(trainee.sessionId)?.ended_at).toBeNull()
  })
})

describe('Check rate limit', () => {
  it('is not reset by opening a new solo session', async () => {
    t = await buildCohortTestApp({ limits: { check: { max: 3, timeWindowMs: 3_600_000 } } })
    const codes: number[] = []
    for (let i = 0; i < 4; i++) {
      const { token } = (await open()).json<{ token: string }>()
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/labs/hello-kindlab/steps/0/check',
        headers: { authorization: `Bearer ${token}` },
        payload: {},
      })
      codes.push(res.statusCode)
    }
    expect(codes).toEqual([200, 200, 200, 429])
  })

  it('is not reset when a trainee rejoins with their link', async () => {
    t = await buildCohortTestApp({ limits: { check: { max: 2, timeWindowMs: 3_600_000 } } })
    const cohort = await t.cohorts.service.create({ name: 'rejoin', labId: 'hello-kindlab', trainees: 1 })
    const handout = t.cohorts.service.handout(cohort.id, 'http://127.0.0.1')
    const joinToken = handout.entries[0]?.joinUrl.split('#t=')[1] ?? ''
    const press = async () => {
      const joined = await t!.app.inject({ method: 'POST', url: '/api/join', payload: { joinToken } })
      const { token } = joined.json<{ token: string }>()
      expect(token).toBeTruthy()
      return (
        await t!.app.inject({
          method: 'POST',
          url: '/api/labs/hello-kindlab/steps/0/check',
          headers: { authorization: `Bearer ${token}` },
          payload: {},
        })
      ).statusCode
    }
    expect([await press(), await press(), await press()]).toEqual([200, 200, 429])
  })
})

describe('terminal cap', () => {
  it('refuses one shell more than the cap with LAB_ERR_TERMINAL_LIMIT', async () => {
    t = await buildCohortTestApp({ maxShells: 2 })
    const base = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws')
    const clients: TestClient[] = []
    try {
      for (let i = 0; i < 3; i++) {
        const { token } = (await open()).json<{ token: string }>()
        clients.push(await TestClient.open(`${base}/ws/terminal`, { token }))
      }
      const [a, b, c] = clients
      const closed = await c!.whenClosed()
      expect(closed.code).toBe(1011)
      expect(c!.frame('error')?.code).toBe('LAB_ERR_TERMINAL_LIMIT')
      expect(a!.closed).toBeUndefined()
      expect(b!.closed).toBeUndefined()
      expect(t.app.server.listening).toBe(true)
    } finally {
      clients.forEach((c) => c.close())
    }
  })
})
