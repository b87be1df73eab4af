// The cohort API end to end through fastify inject (offline: environments are planned only):
// instructor auth, create, join by link and by class code, grade book live rows, CSV, reset,
// teardown, and that trainee tokens cannot reach instructor routes or each other's data.
import { cpSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bundledLabsDir } from '../paths.ts'
import type { CohortDetailDto, GradeBookDto, HandoutDto, JoinResultDto } from '../protocol/cohort-dto.ts'
import { buildCohortTestApp, type CohortTestApp } from './test-app.test-helper.ts'

let t: CohortTestApp
let instructor: string
const auth = (token: string) => ({ authorization: `Bearer ${token}` })

async function createCohort(body: Record<string, unknown> = {}): Promise<CohortDetailDto> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/cohorts',
    headers: auth(instructor),
    payload: { name: 'class-a', labId: 'hello-kindlab', trainees: 3, reserve: 2, ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

async function joinWith(payload: Record<string, unknown>): Promise<JoinResultDto> {
  const res = await t.app.inject({ method: 'POST', url: '/api/join', payload })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

function tokenFromLink(url: string): string {
  return url.split('#t=')[1] ?? ''
}

beforeEach(async () => {
  t = await buildCohortTestApp()
  instructor = await t.instructor()
})
afterEach(async () => t.close())

describe('grade book stream', () => {
  it('sends a snapshot, then a row when a trainee checks, and ends when the server stops', async () => {
    const c = await createCohort({ name: 'stream' })
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 })
    const res = await fetch(`${base}/api/cohorts/${c.id}/gradebook/stream`, { headers: auth(instructor) })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read()
        if (done) {
          return
        }
        text += value
      }
    }
    await readUntil('event: snapshot')
    const a = await joinWith({ classCode: c.classCode, displayName: 'Streamed' })
    await t.app.inject({
      method: 'POST',
      url: '/api/labs/hello-kindlab/steps/0/check',
      headers: auth(a.token),
      payload: {},
    })
    await readUntil('"failures":1')
    expect(text).toContain('event: row')
    expect(text).toContain('Streamed')
    const started = Date.now()
    await t.cohorts.stop()
    await t.app.close()
    expect(Date.now() - started).toBeLessThan(5000)
    expect((await reader.read()).done).toBe(true)
  })
})

describe('webhook events', () => {
  it('fires joined, check, step and lab completion events once each, in order', async () => {
    const c = await createCohort({ name: 'events', webhookUrl: 'http://127.0.0.1:9/hook' })
    const a = await joinWith({ classCode: c.classCode, displayName: 'Ada' })
    const dir =
      t.db
        .prepare<[string], { workspace_dir: string }>('SELECT workspace_dir FROM sessions WHERE id = ?')
        .get(a.sessionId)?.workspace_dir ?? ''
    const solution = join(bundledLabsDir(), 'hello-kindlab', 'solution')
    const steps = readdirSync(solution).sort()
    for (const [index, step] of steps.entries()) {
      cpSync(join(solution, step), dir, { recursive: true })
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/labs/hello-kindlab/steps/${index}/check`,
        headers: auth(a.token),
        payload: {},
      })
      expect(res.json<{ stepPassed: boolean }>().stepPassed, `${step}: ${res.body}`).toBe(true)
    }
    // Checking a passed step again is not a new completion.
    await t.app.inject({
      method: 'POST',
      url: '/api/labs/hello-kindlab/steps/0/check',
      headers: auth(a.token),
      payload: {},
    })
    const events = t.db
      .prepare<[string], { event: string }>('SELECT event FROM webhook_outbox WHERE cohort_id = ? ORDER BY id')
      .all(c.id)
      .map((r) => r.event)
    expect(events[0]).toBe('trainee.joined')
    expect(events.filter((e) => e === 'step.completed')).toHaveLength(steps.length)
    expect(events.filter((e) => e === 'lab.completed')).toHaveLength(1)
    expect(events.indexOf('lab.completed')).toBe(events.lastIndexOf('step.completed') + 1)
    expect(events.filter((e) => e === 'check.failed')).toHaveLength(0)
    const book = t.cohorts.gradebook.book(t.cohorts.service.find('events'))
    expect(book.rows.find((r) => r.traineeId === a.traineeId)?.labCompleted).toBe(true)
  })
})

describe('instructor sign-in', () => {
  it('accepts the admin token, a password once set, and refuses the rest', async () => {
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/instructor/session',
          payload: { adminToken: 'kla_wrong-token' },
        })
      ).statusCode,
    ).toBe(401)
    t.cohorts.instructors.setPassword('correct horse battery')
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/instructor/session',
      payload: { password: 'correct horse battery' },
    })
    expect(ok.statusCode).toBe(201)
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/instructor/session', payload: { password: 'nope' } }))
        .statusCode,
    ).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: '/api/cohorts' })).statusCode).toBe(401)
  })
})

describe('cohorts', () => {
  it('creates seats with domains, prints a handout, and plans the isolation objects', async () => {
    const c = await createCohort({ domain: 'istio-class.example' })
    expect(c.trainees.map((x) => x.domain)).toEqual([
      'trainee01.istio-class.example',
      'trainee02.istio-class.example',
      'trainee03.istio-class.example',
    ])
    expect(c.offline).toBe(true)
    expect(c.classCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
    await t.cohorts.pool.idle(c.id)
    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/cohorts/${c.id}`, headers: auth(instructor) })
    ).json<CohortDetailDto>()
    expect(detail.trainees.filter((x) => x.envState === 'ready')).toHaveLength(2)
    const handout = (
      await t.app.inject({ method: 'GET', url: `/api/cohorts/${c.id}/handout`, headers: auth(instructor) })
    ).json<HandoutDto>()
    expect(handout.entries[6 - 6]?.hosts).toContain('hipster.trainee01.istio-class.example')
    const plan = (
      await t.app.inject({ method: 'GET', url: `/api/cohorts/class-a/plan`, headers: auth(instructor) })
    ).json<{ live: boolean; plan: { example: { objects: Array<{ kind: string }> } } }>()
    expect(plan.live).toBe(false)
    expect(plan.plan.example.objects.map((o) => o.kind)).toContain('NetworkPolicy')
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/cohorts',
      headers: auth(instructor),
      payload: { name: 'class-a', labId: 'hello-kindlab', trainees: 1 },
    })
    expect(dup.json<{ error: { code: string } }>().error.code).toBe('LAB_ERR_COHORT_EXISTS')
  })

  it('joins by personal link (a reserved environment, no build) and by class code, until full', async () => {
    const c = await createCohort()
    await t.cohorts.pool.idle(c.id)
    const handout = (
      await t.app.inject({ method: 'GET', url: `/api/cohorts/${c.id}/handout`, headers: auth(instructor) })
    ).json<HandoutDto>()
    expect(t.cohorts.pool.buildsOf(c.id, 'trainee01')).toBe(1)
    const first = await joinWith({ joinToken: tokenFromLink(handout.entries[0]?.joinUrl ?? '') })
    expect(first.fromWarmPool).toBe(true)
    expect(t.cohorts.pool.buildsOf(c.id, 'trainee01')).toBe(1)
    expect(first.domain).toBe('trainee01.class-a.kindlab.test')
    const session = await t.app.inject({ method: 'GET', url: '/api/session', headers: auth(first.token) })
    expect(session.statusCode).toBe(200)
    // Rejoining from another browser keeps the session (and progress), with a new token.
    const again = await joinWith({ joinToken: tokenFromLink(handout.entries[0]?.joinUrl ?? '') })
    expect(again.sessionId).toBe(first.sessionId)
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: auth(first.token) })).statusCode).toBe(
      401,
    )
    const second = await joinWith({ classCode: handout.classCode.toLowerCase(), displayName: 'Ada' })
    expect(second.traineeId).toBe('trainee02')
    await joinWith({ classCode: handout.classCode, displayName: 'Grace' })
    const full = await t.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: handout.classCode, displayName: 'Late' },
    })
    expect(full.json<{ error: { code: string } }>().error.code).toBe('LAB_ERR_COHORT_FULL')
    const wrong = await t.app.inject({ method: 'POST', url: '/api/join', payload: { joinToken: 'x'.repeat(32) } })
    expect(wrong.statusCode).toBe(403)
  })

  it('gives concurrent class-code joins distinct seats', async () => {
    const c = await createCohort({ name: 'rush', trainees: 12, reserve: 0 })
    const joined = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: `T${i}` }),
      ),
    )
    expect(new Set(joined.map((j) => j.traineeId)).size).toBe(12)
    await expect(t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'late' })).rejects.toMatchObject({
      code: 'LAB_ERR_COHORT_FULL',
    })
  })

  it('refuses trainee tokens on instructor routes, and keeps trainees apart', async () => {
    const c = await createCohort()
    const a = await joinWith({ classCode: c.classCode, displayName: 'A' })
    const b = await joinWith({ classCode: c.classCode, displayName: 'B' })
    for (const url of [
      '/api/cohorts',
      `/api/cohorts/${c.id}`,
      `/api/cohorts/${c.id}/gradebook`,
      `/api/cohorts/${c.id}/handout`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: auth(a.token) })
      expect(res.statusCode, url).toBe(403)
      expect(res.json<{ error: { code: string } }>().error.code).toBe('LAB_ERR_AUTH_FORBIDDEN')
    }
    const watch = await t.app.inject({
      method: 'POST',
      url: `/api/cohorts/${c.id}/trainees/${b.traineeId}/watch`,
      headers: auth(a.token),
      payload: {},
    })
    expect(watch.statusCode).toBe(403)
    // Progress is per token: A's token only ever shows A's progress.
    await t.app.inject({
      method: 'POST',
      url: '/api/labs/hello-kindlab/steps/0/check',
      headers: auth(b.token),
      payload: {},
    })
    const aProgress = await t.app.inject({
      method: 'GET',
      url: '/api/labs/hello-kindlab/progress',
      headers: auth(a.token),
    })
    expect(aProgress.json<{ lastResults: object }>().lastResults).toEqual({})
  })

  it('grades live: a check shows up in the grade book, CSV, and webhook outbox; reset and teardown', async () => {
    const c = await createCohort({ webhookUrl: 'http://127.0.0.1:9/hook' })
    expect(c.webhookSecret).toBeTruthy()
    const a = await joinWith({ classCode: c.classCode, displayName: 'Ada, "the first"' })
    const rows: unknown[] = []
    const off = t.cohorts.events.on((e) => rows.push(e))
    const check = await t.app.inject({
      method: 'POST',
      url: '/api/labs/hello-kindlab/steps/0/check',
      headers: auth(a.token),
      payload: {},
    })
    expect(check.statusCode).toBe(200)
    off()
    expect(rows.some((e) => (e as { type: string }).type === 'seat')).toBe(true)
    const bookRes = await t.app.inject({
      method: 'GET',
      url: `/api/cohorts/${c.id}/gradebook`,
      headers: auth(instructor),
    })
    expect(bookRes.statusCode, bookRes.body).toBe(200)
    const book = bookRes.json<GradeBookDto>()
    const row = book.rows.find((r) => r.traineeId === a.traineeId)
    expect(row?.checks['hello-file-exists']?.passed).toBe(false)
    expect(row?.checks['hello-file-exists']?.failures).toBe(1)
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/cohorts/${c.id}/gradebook.csv`,
      headers: auth(instructor),
    })
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toContain('"Ada, ""the first"""')
    expect(csv.body.split('\r\n')[0]).toContain('hello-file-exists_failures')
    const stats = t.cohorts.webhooks.stats(c.id)
    expect((stats?.pending ?? 0) + (stats?.delivered ?? 0) + (stats?.failed ?? 0)).toBeGreaterThanOrEqual(2)
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/cohorts/${c.id}/trainees/${a.traineeId}/reset`,
      headers: auth(instructor),
      payload: {},
    })
    expect(reset.statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: auth(a.token) })).statusCode).toBe(401)
    const down = await t.app.inject({ method: 'DELETE', url: `/api/cohorts/${c.id}`, headers: auth(instructor) })
    expect(down.json()).toEqual({ leftovers: [] })
    const late = await t.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: c.classCode, displayName: 'Late' },
    })
    expect(late.statusCode).toBe(403)
  })
})
