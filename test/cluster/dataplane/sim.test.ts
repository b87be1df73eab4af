// The shared data plane itself (dataplane/global-setup.ts): its network namespaces, Envoy before
// any Gateway, and the 503 of a routed Service without endpoints, read back from the access log.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { accessLogFor, eventuallyGet, get } from './probes.ts'
import { apply, liveLab, parseObjects, resetLab, type LiveLab } from './live-lab.ts'
import { settledDiff } from './live-grading.ts'

const execFileAsync = promisify(execFile)
let live: LiveLab

beforeAll(async () => {
  live = await liveLab()
  await resetLab()
})

afterAll(async () => {
  await resetLab()
})

describe('the shared data plane (pilot-agent + upstream Envoy, istiod, real API server)', () => {
  it('removed the namespace a killed harness left behind, and runs in two namespaces of its own', async () => {
    const names = (await execFileAsync('ip', ['netns', 'list'])).stdout
    expect(names).not.toContain(inject('dataplaneLeftover'))
    const own = `kl-${inject('dataplane').pid.toString(36)}-[0-9a-f]{2}`
    expect(names).toMatch(new RegExp(`^${own}-gw\\b`, 'm'))
    expect(names).toMatch(new RegExp(`^${own}-pods\\b`, 'm'))
  })

  it('before any Gateway, Envoy holds what the grader predicts and nothing listens on 8080', async () => {
    expect(await settledDiff()).toEqual([])
    await expect(get(`hipster.${live.domain}`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('503 (no healthy upstream) for a routed Service without endpoints', async () => {
    const ns = live.vars['LEARNER_NAMESPACE'] ?? 'default'
    const host = `empty.${live.domain}`
    await apply(
      parseObjects(`
apiVersion: v1
kind: Service
metadata: { name: no-pods, namespace: ${ns} }
spec: { selector: { app: no-pods }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: empty-gateway, namespace: ${ns} }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [${host}] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: empty, namespace: ${ns} }
spec:
  hosts: [${host}]
  gateways: [empty-gateway]
  http: [{ route: [{ destination: { host: no-pods, port: { number: 80 } } }] }]
`),
    )
    await eventuallyGet(host, 503)
    expect(await settledDiff()).toEqual([])
    const [entry] = await accessLogFor(host, 503)
    expect(entry).toMatchObject({
      response_flags: 'UH',
      upstream_cluster: `outbound|80||no-pods.${ns}.svc.cluster.local`,
    })
  })
})
