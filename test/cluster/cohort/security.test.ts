// Trainee separation end to end against the real control plane: A's token opens only A's
// terminal, cannot get B's watch token, progress or the grade book, and A's ServiceAccount gets 403
// in B's namespace; the instructor's watch is read-only whatever the page asks, and watch tokens
// do not open ordinary terminals; A's Check reads only A's namespace and the platform objects the
// lab needs, so B's broken VirtualService is never A's finding. (Terminals here are local shells:
// kwok pods cannot exec; the pod backend's framing is tested in server/cohorts/pod-terminal.test.ts.
// The analyze check uses no Envoy or traffic, so its gateway service is a stub that must not be called.)
import { CoreV1Api, CustomObjectsApi, type ApiException } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createClusterResourceSource } from '../../../server/adapters/live/cluster-resource-source.ts'
import type { LiveCluster } from '../../../server/checks/live-services.ts'
import type { GradingServices } from '../../../server/checks/types.ts'
import { prepareCheck } from '../../../server/checks/check-params.ts'
import { checkKinds } from '../../../server/checks/registry.ts'
import { runChecks } from '../../../server/checks/run-checks.ts'
import { servicesForSession } from '../../../server/cohorts/session-services.ts'
import { createSessionsRepo } from '../../../server/store/sessions-repo.ts'
import WebSocket from 'ws'
import { buildCohortTestApp, type CohortTestApp } from '../../../server/cohorts/test-app.test-helper.ts'
import type { CohortDetailDto, JoinResultDto } from '../../../server/protocol/cohort-dto.ts'
import { decodeServerFrame, encodeClientFrame, encodeInputFrames } from '../../../server/protocol/terminal-frames.ts'
import { kubeConfig } from '../cluster-client.ts'
import { backend, ensureClassNamespaces, serviceAccountConfig } from './helpers.ts'

const auth = (token: string) => ({ authorization: `Bearer ${token}` })

interface Term {
  text: () => string
  ready: Promise<{ readOnly: boolean }>
  closed: Promise<number>
  type(line: string): void
  close(): void
}

function connect(base: string, path: string, hello: { token: string; readOnly?: boolean }): Term {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${path}`)
  ws.binaryType = 'nodebuffer'
  let out = ''
  let onReady: (r: { readOnly: boolean }) => void = () => {}
  const ready = new Promise<{ readOnly: boolean }>((resolve) => (onReady = resolve))
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  ws.on('open', () => ws.send(encodeClientFrame({ type: 'hello', ...hello })))
  ws.on('message', (data: Buffer) => {
    const d = decodeServerFrame(new Uint8Array(data))
    if (d.ok && d.frame.type === 'ready') {
      onReady({ readOnly: d.frame.readOnly })
    } else if (d.ok && d.frame.type === 'output') {
      out += Buffer.from(d.frame.data).toString()
    }
  })
  return {
    text: () => out,
    ready,
    closed,
    type: (line) => encodeInputFrames(`${line}\r`).forEach((f) => ws.send(f)),
    close: () => ws.close(),
  }
}

async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
  }
  expect(ok()).toBe(true)
}

describe('trainee separation', () => {
  const kc = kubeConfig()
  const { envs } = backend(kc)
  let t: CohortTestApp
  let base: string
  let instructor: string
  let cohort: CohortDetailDto
  let a: JoinResultDto
  let b: JoinResultDto
  const name = `sec-${Date.now().toString(36).slice(-4)}`

  beforeAll(async () => {
    await ensureClassNamespaces(kc)
    t = await buildCohortTestApp({ backend: envs })
    base = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '')
    instructor = await t.instructor()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/cohorts',
      headers: auth(instructor),
      payload: { name, labId: 'hello-kindlab', trainees: 2, reserve: 2 },
    })
    cohort = res.json()
    await t.cohorts.pool.idle(cohort.id)
    const join = async (displayName: string) =>
      (
        await t.app.inject({ method: 'POST', url: '/api/join', payload: { classCode: cohort.classCode, displayName } })
      ).json<JoinResultDto>()
    a = await join('A')
    b = await join('B')
  })
  afterAll(async () => {
    await envs.teardown({ name, domain: '' })
    await t?.close()
  })

  it("A's token opens A's own terminal, never B's", async () => {
    const term = connect(base, '/ws/terminal', { token: a.token })
    await term.ready
    term.type('echo "I am $TRAINEE_ID"')
    await until(() => term.text().includes('I am trainee01'))
    term.close()
    // B's session id, or A's join token, are not session tokens.
    expect(await connect(base, '/ws/terminal', { token: b.sessionId }).closed).toBe(4401)
  })

  it("A cannot get a watch token for B, B's progress, or the grade book", async () => {
    for (const [method, url] of [
      ['POST', `/api/cohorts/${cohort.id}/trainees/${b.traineeId}/watch`],
      ['GET', `/api/cohorts/${cohort.id}/gradebook`],
      ['GET', `/api/cohorts/${cohort.id}/gradebook.csv`],
      ['DELETE', `/api/cohorts/${cohort.id}`],
      ['POST', `/api/cohorts/${cohort.id}/trainees/${b.traineeId}/reset`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: auth(a.token),
        ...(method === 'POST' ? { payload: {} } : {}),
      })
      expect(res.statusCode, `${method} ${url}`).toBe(403)
    }
    await t.app.inject({
      method: 'POST',
      url: '/api/labs/hello-kindlab/steps/0/check',
      headers: auth(b.token),
      payload: {},
    })
    const mine = await t.app.inject({ method: 'GET', url: '/api/labs/hello-kindlab/progress', headers: auth(a.token) })
    expect(mine.json<{ lastResults: object }>().lastResults).toEqual({})
  })

  it("A's Check reads only A's namespace and the platform's objects: B's broken VirtualService is never A's finding", async () => {
    const nsA = `kl-${name}-${a.traineeId}`
    const nsB = `kl-${name}-${b.traineeId}`
    const custom = kc.makeApiClient(CustomObjectsApi)
    // A and B each bind a VirtualService (inside their own domain, so admission lets it in) to a
    // Gateway that does not exist: A's Check must find A's mistake, never B's.
    for (const [ns, vsName, domain] of [
      [nsA, 'broken-a', a.domain],
      [nsB, 'broken-b', b.domain],
    ] as const) {
      await custom.createNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: ns,
        plural: 'virtualservices',
        body: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: vsName },
          spec: {
            hosts: [`hipster.${domain}`],
            gateways: ['no-such-gateway'],
            http: [{ route: [{ destination: { host: 'frontend' } }] }],
          },
        },
      })
    }
    const stub: LiveCluster = {
      describe: () => 'not used by the analyze check',
      configDump: () => Promise.reject(new Error('not used')),
      httpProbe: () => Promise.reject(new Error('not used')),
      tcpProbe: () => Promise.reject(new Error('not used')),
      waitForEnvoy: () => Promise.reject(new Error('not used')),
    }
    const base = {
      resources: createClusterResourceSource({ kube: { kubeconfigPath: inject('kubeconfig') } }),
      cluster: stub,
    }
    const sessionOf = (id: string) => {
      const found = createSessionsRepo(t.db).findById(id)
      if (!found) {
        throw new Error(`no session ${id}`)
      }
      return found
    }
    const sessionA = sessionOf(a.sessionId)
    const options = { dataDir: t.dataDir, blueprint: () => Promise.reject(new Error('not needed')) }
    const analyze = async (services: GradingServices, vars: Record<string, string>) => {
      const [result] = await runChecks(checkKinds, {
        checks: [prepareCheck(checkKinds, { id: 'no-errors', kind: 'analyze' })],
        context: {
          labId: 'hello-kindlab',
          stepIndex: 0,
          workspaceDir: sessionA.workspaceDir,
          vars,
          runCommand: () => Promise.reject(new Error('not used')),
          readWorkspaceFile: () => Promise.resolve(undefined),
          services,
        },
        failuresBefore: () => 0,
      })
      return result
    }
    const scoped = servicesForSession(sessionA, base, options)
    const snapshot = await scoped.resources.list()
    // A Namespace object counts as the namespace it is (only A's own is in the view).
    const namespaces = new Set(
      snapshot.objects.map((o) => {
        const { kind, metadata } = o as { kind: string; metadata: { namespace?: string; name: string } }
        return kind === 'Namespace' ? metadata.name : (metadata.namespace ?? '')
      }),
    )
    expect(namespaces.has(nsA)).toBe(true)
    expect(namespaces.has(nsB)).toBe(false)
    expect([...namespaces].every((n) => [nsA, 'istio-system', 'hipster'].includes(n))).toBe(true)
    expect(snapshot.ownNamespaces).toEqual([nsA])
    const mine = await analyze(scoped, sessionA.vars)
    expect(mine?.status, mine?.message).toBe('failed')
    expect(JSON.stringify(mine)).toContain('broken-a')
    expect(JSON.stringify(mine)).not.toContain('broken-b')
    expect(JSON.stringify(mine)).not.toContain(nsB)
    // The same cluster unscoped (a solo learner's view) does show B's mistake.
    const everyone = await analyze(base, { LEARNER_NAMESPACE: 'default' })
    expect(everyone?.passed).toBe(false)
    expect(JSON.stringify(everyone)).toContain('broken-b')
  })

  it("A's ServiceAccount is refused in B's namespace", async () => {
    const asA = (await serviceAccountConfig(kc, `kl-${name}-${a.traineeId}`, 'trainee')).makeApiClient(CoreV1Api)
    await expect(asA.listNamespacedPod({ namespace: `kl-${name}-${a.traineeId}` })).resolves.toBeTruthy()
    const refused = await asA.listNamespacedPod({ namespace: `kl-${name}-${b.traineeId}` }).catch((e: unknown) => e)
    expect((refused as ApiException<string>).code).toBe(403)
  })

  it('the instructor watches B read-only; watch tokens do not open ordinary terminals', async () => {
    const bTerm = connect(base, '/ws/terminal', { token: b.token })
    await bTerm.ready
    const watch = (
      await t.app.inject({
        method: 'POST',
        url: `/api/cohorts/${cohort.id}/trainees/${b.traineeId}/watch`,
        headers: auth(instructor),
        payload: {},
      })
    ).json<{ token: string }>()
    expect(await connect(base, '/ws/terminal', { token: watch.token }).closed).toBe(4401)
    const watcher = connect(base, '/ws/watch', { token: watch.token, readOnly: false })
    expect((await watcher.ready).readOnly).toBe(true)
    watcher.type('echo injected-by-watcher')
    bTerm.type('echo from-b-$((20+1))')
    await until(() => watcher.text().includes('from-b-21'))
    expect(bTerm.text()).not.toContain('injected-by-watcher')
    expect(await connect(base, '/ws/watch', { token: a.token }).closed).toBe(4401)
    watcher.close()
    bTerm.close()
  })
})
