// The warm pool against the real control plane: reserved environments are built ahead, a join
// hands one out without building anything (timed and printed), a restart loses nothing (SQLite),
// reset rebuilds one trainee, and teardown leaves nothing in the cluster.
import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../../../server/cohorts/test-app.test-helper.ts'
import type { CohortDetailDto, HandoutDto, JoinResultDto } from '../../../server/protocol/cohort-dto.ts'
import { eventually, kubeConfig } from '../cluster-client.ts'
import { backend, ensureClassNamespaces, untilGone } from './helpers.ts'

const auth = (token: string) => ({ authorization: `Bearer ${token}` })

describe('warm pool and lifecycle', () => {
  const kc = kubeConfig()
  const { envs } = backend(kc)
  let t: CohortTestApp
  let instructor: string
  let cohort: CohortDetailDto
  const name = `warm-${Date.now().toString(36).slice(-4)}`

  beforeAll(async () => {
    await ensureClassNamespaces(kc)
    t = await buildCohortTestApp({ backend: envs })
    instructor = await t.instructor()
  })
  afterAll(async () => {
    await envs.teardown({ name, domain: '' })
    await t?.close()
  })

  it('builds the reserve ahead of time', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/cohorts',
      headers: auth(instructor),
      payload: { name, labId: 'hello-kindlab', trainees: 4, reserve: 2, domain: 'warm.example' },
    })
    expect(res.statusCode, res.body).toBe(201)
    cohort = res.json()
    expect(cohort.offline).toBe(false)
    const started = Date.now()
    await t.cohorts.pool.idle(cohort.id)
    const seats = t.cohorts.repo.seats(cohort.id)
    expect(seats.filter((s) => s.envState === 'ready').map((s) => s.traineeId)).toEqual(['trainee01', 'trainee02'])
    process.stdout.write(`[cohort] 2 reserved environments built in ${Date.now() - started} ms\n`)
    const pod = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedPod({ name: 'workspace', namespace: `kl-${name}-trainee01` })
    expect(pod.spec?.serviceAccountName).toBe('trainee')
  })

  it('hands a reserved environment to a joining trainee without building one, in under 3 s', async () => {
    const code = cohort.classCode ?? ''
    const builds = t.cohorts.pool.builds
    const started = performance.now()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: code, displayName: 'Ada' },
    })
    const ms = performance.now() - started
    expect(res.statusCode, res.body).toBe(201)
    const joined = res.json<JoinResultDto>()
    process.stdout.write(`[cohort] warm-pool join took ${ms.toFixed(0)} ms (server-side ${joined.provisionedMs} ms)\n`)
    expect(joined.fromWarmPool).toBe(true)
    expect(joined.traineeId).toBe('trainee01')
    expect(t.cohorts.pool.buildsOf(cohort.id, 'trainee01')).toBe(1)
    expect(t.cohorts.pool.builds).toBe(builds) // the top-up build starts after the answer
    expect(ms).toBeLessThan(3000)
    await t.cohorts.pool.idle(cohort.id)
    // The pool refills to two unclaimed ready environments.
    expect(t.cohorts.repo.seats(cohort.id).filter((s) => s.envState === 'ready')).toHaveLength(2)
  })

  it('survives a restart: seats, sessions and the grade book come back from SQLite', async () => {
    const before = t.cohorts.repo.seats(cohort.id)
    const trainee = before.find((s) => s.sessionId)
    const dataDir = t.dataDir
    await t.cohorts.stop()
    await t.app.close()
    t.db.close()
    t = await buildCohortTestApp({ backend: envs, dataDir })
    instructor = await t.instructor()
    expect(t.cohorts.repo.seats(cohort.id)).toEqual(before)
    const handout = (
      await t.app.inject({ method: 'GET', url: `/api/cohorts/${cohort.id}/handout`, headers: auth(instructor) })
    ).json<HandoutDto>()
    const link = handout.entries.find((e) => e.traineeId === trainee?.traineeId)?.joinUrl ?? ''
    const rejoin = (
      await t.app.inject({ method: 'POST', url: '/api/join', payload: { joinToken: link.split('#t=')[1] } })
    ).json<JoinResultDto>()
    expect(rejoin.sessionId).toBe(trainee?.sessionId)
  })

  it('resets one trainee (new namespace, old link revoked) and tears everything down', async () => {
    const ns = `kl-${name}-trainee01`
    const core = kc.makeApiClient(CoreV1Api)
    const uid = (await core.readNamespace({ name: ns })).metadata?.uid
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/cohorts/${cohort.id}/trainees/trainee01/reset`,
      headers: auth(instructor),
      payload: {},
    })
    expect(res.statusCode, res.body).toBe(200)
    await eventually(
      'the old namespace to go',
      async () => {
        const now = await core.readNamespace({ name: ns }).catch(() => undefined)
        return now?.metadata?.uid !== uid ? true : undefined
      },
      { timeoutMs: 90_000 },
    )
    const down = await t.app.inject({ method: 'DELETE', url: `/api/cohorts/${cohort.id}`, headers: auth(instructor) })
    expect(down.statusCode, down.body).toBe(200)
    await untilGone(envs, { name, domain: '' })
    expect(await envs.leftovers({ name, domain: '' })).toEqual([])
  })
})
