// Lifecycle against the real control plane: the reaper deletes cluster objects of this
// installation's cohorts that no longer exist (orphans, e.g. left by a crashed server), leaves
// active cohorts and other installations' cohorts alone, and ends idle trainee sessions (their
// link brings them back with their progress).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../../../server/cohorts/test-app.test-helper.ts'
import type { HandoutDto, JoinResultDto } from '../../../server/protocol/cohort-dto.ts'
import { kubeConfig } from '../cluster-client.ts'
import { backend, cohortName, ensureClassNamespaces, untilGone } from './helpers.ts'

describe('reaper', () => {
  const kc = kubeConfig()
  const { envs } = backend(kc, 'owner-a')
  const other = backend(kc, 'owner-b').envs
  const ghost = cohortName('ghost')
  const foreign = cohortName('foreign')
  let t: CohortTestApp
  const live = `live-${Date.now().toString(36).slice(-4)}`

  beforeAll(async () => {
    await ensureClassNamespaces(kc)
    t = await buildCohortTestApp({ backend: envs })
  })
  afterAll(async () => {
    await envs.teardown(ghost)
    await other.teardown(foreign)
    await envs.teardown({ name: live, domain: '' })
    await t?.close()
  })

  it("deletes this installation's orphaned cohort objects, keeps the active cohort and other installations' cohorts", async () => {
    await envs.prepareShared(ghost)
    await envs.provision(ghost, 'trainee01')
    await other.prepareShared(foreign)
    await other.provision(foreign, 'trainee01')
    const active = await t.cohorts.service.create({ name: live, labId: 'hello-kindlab', trainees: 1, reserve: 1 })
    await t.cohorts.pool.idle(active.id)
    expect(await envs.cohortsInCluster()).toEqual(expect.arrayContaining([ghost.name, live]))
    expect(await envs.cohortsInCluster()).not.toContain(foreign.name)
    const reaped = await t.cohorts.reap()
    expect(reaped.orphans).toContain(ghost.name)
    expect(reaped.orphans).not.toContain(live)
    expect(reaped.orphans).not.toContain(foreign.name)
    await untilGone(envs, ghost)
    expect((await envs.leftovers({ name: live, domain: '' })).length).toBeGreaterThan(0)
    expect((await other.leftovers(foreign)).length).toBeGreaterThan(0)
  })

  it('ends idle trainee sessions; the personal link brings the trainee back to the same session', async () => {
    const c = t.cohorts.service.find(live)
    const handout: HandoutDto = t.cohorts.service.handout(c.id, 'http://127.0.0.1')
    const token = handout.entries[0]?.joinUrl.split('#t=')[1] ?? ''
    const joined: JoinResultDto = await t.cohorts.service.join({ joinToken: token })
    t.db.prepare('UPDATE sessions SET last_seen_at = 0 WHERE id = ?').run(joined.sessionId)
    const reaped = await t.cohorts.reap()
    expect(reaped.sessions).toBe(1)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/session', headers: { authorization: `Bearer ${joined.token}` } }))
        .statusCode,
    ).toBe(401)
    const back = await t.cohorts.service.join({ joinToken: token })
    expect(back.sessionId).toBe(joined.sessionId)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/session', headers: { authorization: `Bearer ${back.token}` } }))
        .statusCode,
    ).toBe(200)
  })
})
