// Cluster-mode cohorts through the API (fastify inject): with kind and Docker a kind cluster per
// trainee is built by the executors (recording kind and istioctl adapters: they need Docker), the
// step a build is on shows in the cohort and the grade book, a failure names its step and hint,
// a trainee's session names their own cluster, and teardown deletes the clusters. Without kind or
// Docker the seats stay 'planned' and the cohort says why.
import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import type { CohortDetailDto, GradeBookDto, JoinResultDto } from '../protocol/cohort-dto.ts'
import { createSessionsRepo } from '../store/sessions-repo.ts'
import { recordingKindEnvironments } from './cluster/recording-adapters.test-helper.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from './environments.ts'
import { createModeBackends } from './mode-router.ts'
import type { CohortPlanView } from './plan-view.ts'
import { buildCohortTestApp, type CohortTestApp } from './test-app.test-helper.ts'

const auth = (token: string) => ({ authorization: `Bearer ${token}` })
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    await c()
  }
})

async function app(cluster: () => Promise<EnvironmentBackend>): Promise<{ t: CohortTestApp; instructor: string }> {
  const backend = createModeBackends({ namespace: createPlannedOnlyBackend(), cluster })
  const t = await buildCohortTestApp({ backend })
  cleanups.push(() => t.close())
  return { t, instructor: await t.instructor() }
}

async function create(t: CohortTestApp, instructor: string, body: Record<string, unknown>): Promise<CohortDetailDto> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/cohorts',
    headers: auth(instructor),
    payload: { labId: 'istio-ingress', trainees: 2, reserve: 2, mode: 'cluster', ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

const detail = async (t: CohortTestApp, instructor: string, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/cohorts/${id}`, headers: auth(instructor) })).json<CohortDetailDto>()

describe('cluster-mode cohorts', () => {
  it('without kind or Docker: planned only, with the reason, and no seat is ever "ready"', async () => {
    const reason = 'Cluster mode gives every trainee a kind cluster, but on this machine kind is not installed.'
    let probes = 0
    const { t, instructor } = await app(() => {
      probes++
      return Promise.resolve(createPlannedOnlyBackend({ reason }))
    })
    const c = await create(t, instructor, { name: 'nokind' })
    await t.cohorts.pool.idle(c.id)
    const d = await detail(t, instructor, c.id)
    expect(d).toMatchObject({ offline: true, plannedReason: reason, ready: 0 })
    expect(d.trainees.map((x) => x.envState)).toEqual(['planned', 'planned'])
    const joined = (
      await t.app.inject({ method: 'POST', url: '/api/join', payload: { classCode: c.classCode, displayName: 'Ana' } })
    ).json<JoinResultDto>()
    expect((await detail(t, instructor, c.id)).trainees[0]?.envState).toBe('planned')
    const session = createSessionsRepo(t.db).findById(joined.sessionId)
    expect(session?.vars).toMatchObject({ TRAINEE_CLUSTER: 'kl-nokind-trainee01', LEARNER_NAMESPACE: 'hipster' })
    const plan = (
      await t.app.inject({ method: 'GET', url: `/api/cohorts/${c.id}/plan`, headers: auth(instructor) })
    ).json<CohortPlanView>()
    expect(plan).toMatchObject({ live: false, plannedReason: reason, plan: { mode: 'cluster' } })
    if (plan.plan.mode !== 'cluster') {
      throw new Error('expected the cluster plan')
    }
    expect(plan.plan.clusters.map((x) => [x.clusterName, x.hostPorts[0]?.hostPort])).toEqual([
      ['kl-nokind-trainee01', 10_090],
      ['kl-nokind-trainee02', 10_100],
    ])
    const text = plan.plan.clusters[0]?.text.join('\n') ?? ''
    expect(text).toContain('kind create cluster --name kl-nokind-trainee01')
    expect(text).toContain('Start the trainee workspace pod')
    expect(text).not.toContain('Serve the labs')
    expect(probes).toBe(1)
  })

  it('with kind and Docker: builds a cluster per trainee, shows the step it is on, and tears them down', async () => {
    let release: () => void = () => {}
    const hold = new Promise<void>((resolve) => (release = resolve))
    const kind = recordingKindEnvironments({ hold })
    cleanups.push(() => rmSync(kind.dataDir, { recursive: true, force: true }))
    const { t, instructor } = await app(() => Promise.resolve(kind.envs))
    const c = await create(t, instructor, { name: 'small' })
    expect(c.offline).toBe(false)
    // Held at the final wait: both seats are being built, on step 6 of 6.
    await expect
      .poll(async () => (await detail(t, instructor, c.id)).trainees.map((x) => x.envProgress?.step))
      .toEqual(['ready', 'ready'])
    const building = await detail(t, instructor, c.id)
    expect(building.trainees[0]).toMatchObject({
      envState: 'provisioning',
      envProgress: { index: 5, total: 6, state: 'running' },
      cluster: { name: 'kl-small-trainee01', context: 'kind-kl-small-trainee01' },
      namespace: 'kindlab-workspace',
    })
    expect(building.trainees[0]?.envProgress?.detail).toContain('waiting for deployment')
    const book = (
      await t.app.inject({ method: 'GET', url: `/api/cohorts/${c.id}/gradebook`, headers: auth(instructor) })
    ).json<GradeBookDto>()
    expect(book.rows[1]?.envProgress?.title).toMatch(/^Wait until \d+ deployments are ready$/)
    // A trainee joining now gets in at once; their cluster is still being built.
    const join = await t.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: c.classCode, displayName: 'Early' },
    })
    expect(join.statusCode, join.body).toBe(201)
    expect(join.json<JoinResultDto>()).toMatchObject({ traineeId: 'trainee01', fromWarmPool: false })
    expect((await detail(t, instructor, c.id)).trainees[0]?.envState).toBe('provisioning')
    release()
    await t.cohorts.pool.idle(c.id)
    const ready = await detail(t, instructor, c.id)
    expect(ready.trainees.map((x) => [x.envState, x.envProgress])).toEqual([
      ['claimed', undefined],
      ['ready', undefined],
    ])
    expect(kind.calls.kind.filter((x) => x[0] === 'create').map((x) => x[1])).toEqual([
      'kl-small-trainee01',
      'kl-small-trainee02',
    ])
    const res = await t.app.inject({ method: 'DELETE', url: `/api/cohorts/${c.id}`, headers: auth(instructor) })
    expect(res.json()).toEqual({ leftovers: [] })
    expect(
      kind.calls.kind
        .filter((x) => x[0] === 'delete')
        .map((x) => x[1])
        .sort(),
    ).toEqual(['kl-small-trainee01', 'kl-small-trainee02'])
    expect([...kind.clusters]).toEqual([])
  })

  it('waits for every reserved seat, also those queued behind the two parallel builds', async () => {
    const kind = recordingKindEnvironments()
    cleanups.push(() => rmSync(kind.dataDir, { recursive: true, force: true }))
    const { t, instructor } = await app(() => Promise.resolve(kind.envs))
    const c = await create(t, instructor, { name: 'three', trainees: 3, reserve: 3 })
    await t.cohorts.pool.idle(c.id)
    expect((await detail(t, instructor, c.id)).trainees.map((x) => x.envState)).toEqual(['ready', 'ready', 'ready'])
    expect(kind.calls.kind.filter((x) => x[0] === 'create')).toHaveLength(3)
  })

  it('a failed build names the step and the hint in the seat', async () => {
    const kind = recordingKindEnvironments({
      istioFails: new AppError('LAB_ERR_ISTIOCTL_FAILED', {
        message: 'istioctl failed while installing Istio: timed out waiting for istiod',
        hint: 'Give Docker more memory, then reset the trainee.',
      }),
    })
    cleanups.push(() => rmSync(kind.dataDir, { recursive: true, force: true }))
    const { t, instructor } = await app(() => Promise.resolve(kind.envs))
    const c = await create(t, instructor, { name: 'broken', trainees: 1, reserve: 1 })
    await t.cohorts.pool.idle(c.id)
    const seat = (await detail(t, instructor, c.id)).trainees[0]
    expect(seat?.envState).toBe('failed')
    expect(seat?.envError).toMatch(
      /^Step 2\/6 "Install Istio 1\.31\.1 \(demo profile, ingress on node ports\)" failed: istioctl failed while installing Istio: timed out waiting for istiod Hint: Give Docker more memory, then reset the trainee\.$/,
    )
  })
})
