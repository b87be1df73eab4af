// The composition root, end to end: createServices builds every service in dependency order and
// buildApp serves them, as `kindlab serve` does. The instructor watches a trainee's shell through
// the same terminal manager the trainee's shell runs in (no late binding), a live server without
// a usable class cluster still serves and says once why cohorts only plan, and closing the app
// closes the shells and the database.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { TestClient } from '../terminal/ws-test-client.test-helper.ts'
import { buildTestApp, type TestApp } from './test-app.test-helper.ts'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function adminSignIn(app: TestApp, token: string): Promise<string> {
  const res = await app.app.inject({ method: 'POST', url: '/api/instructor/session', payload: { adminToken: token } })
  expect(res.statusCode).toBe(201)
  return res.json<{ token: string }>().token
}

describe('createServices + buildApp', () => {
  it("lets the instructor watch a trainee's shell read-only, through the one terminal manager", async () => {
    let adminToken = ''
    t = await buildTestApp({ print: (line) => (adminToken = /: (\S+)$/.exec(line)?.[1] ?? adminToken) })
    const base = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws')
    const { cohorts } = t.services.cohorts
    const cohort = await cohorts.service.create({ name: 'watched', labId: 'hello-kindlab', trainees: 1, reserve: 0 })
    const trainee = await cohorts.service.join({ classCode: cohort.classCode ?? '', displayName: 'A' })

    const shell = await TestClient.open(`${base}/ws/terminal`, { token: trainee.token })
    await vi.waitFor(() => expect(shell.frame('ready') ?? shell.frame('error')).toBeDefined(), { timeout: 5000 })
    expect(shell.frame('error')).toBeUndefined()
    expect(t.services.terminal.manager.sessionIds()).toEqual([trainee.sessionId])

    const instructor = await adminSignIn(t, adminToken)
    const issued = await t.app.inject({
      method: 'POST',
      url: `/api/cohorts/${cohort.id}/trainees/${trainee.traineeId}/watch`,
      headers: { authorization: `Bearer ${instructor}` },
      payload: {},
    })
    expect(issued.statusCode).toBe(200)
    const watcher = await TestClient.open(`${base}/ws/watch`, { token: issued.json<{ token: string }>().token })
    await vi.waitFor(() => expect(watcher.frame('ready') ?? watcher.frame('error')).toBeDefined(), { timeout: 5000 })
    expect(watcher.frame('ready')).toMatchObject({ readOnly: true, reattached: true })

    shell.type('echo "from-trainee-$((6*7))"\r')
    await vi.waitFor(() => expect(watcher.output).toContain('from-trainee-42'), { timeout: 10_000 })
    watcher.type('echo injected-by-watcher\r')
    shell.type('echo "done-$((2+3))"\r')
    await vi.waitFor(() => expect(shell.output).toContain('done-5'), { timeout: 10_000 })
    expect(shell.output).not.toContain('injected-by-watcher')
    shell.close()
    watcher.close()
  })

  it('serves live without a usable class cluster: cohorts only plan, and say why once', async () => {
    const printed: string[] = []
    t = await buildTestApp({
      config: { offline: false, kubeContext: 'kind-class' },
      clusterEnv: { KUBECONFIG: '/nonexistent/kindlab-test-kubeconfig' },
      print: (line) => printed.push(line),
    })
    const status = await t.app.inject({ method: 'GET', url: '/api/status' })
    expect(status.json()).toMatchObject({ version: 'test', mode: 'live', cluster: { context: 'kind-class' } })
    const why = printed.filter((line) => line.startsWith('cohorts: no usable kubeconfig'))
    expect(why).toHaveLength(1)
    expect(why[0]).toContain('/nonexistent/kindlab-test-kubeconfig')
    const { backend } = t.services.cohorts.cohorts
    expect(backend.live).toBe(false)
    expect(backend.plannedReason).toMatch(/^No class cluster is usable: /)
    expect(t.services.classCluster.target).toEqual({
      kubeconfigPath: '/nonexistent/kindlab-test-kubeconfig',
      context: 'kind-class',
    })
  })

  it('closes every shell and the database when the app closes', async () => {
    t = await buildTestApp()
    const base = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws')
    const created = await t.app.inject({ method: 'POST', url: '/api/sessions', payload: {} })
    const shell = await TestClient.open(`${base}/ws/terminal`, { token: created.json<{ token: string }>().token })
    await vi.waitFor(() => expect(shell.frame('ready')).toBeDefined(), { timeout: 5000 })
    const { services } = t
    await t.app.close()
    expect((await shell.whenClosed()).code).toBeGreaterThanOrEqual(1000)
    expect(services.terminal.manager.sessionIds()).toEqual([])
    expect(services.db.open).toBe(false)
  })
})
