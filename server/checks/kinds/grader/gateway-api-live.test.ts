// The request kinds on a Kubernetes Gateway's own proxy (`gateway: ns/name`) with a live cluster
// (issue 15): the Envoy layer reads that proxy's /config_dump and the traffic layer probes its
// ports, through the real live services on kind (port-forwards to the proxy's newest Ready pod).
// The cluster is a loopback endpoint answering the API reads and speaking the kubelet's
// port-forward protocol, relaying the admin port to a server answering a gateway config_dump
// (test/fixtures/envoy/gateway-boutique.configdump.json: shop.example.com on Envoy port 8080) and
// the listener ports to loopback servers. Before issue 15 both layers said "not run".
import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLiveServices } from '../../../adapters/live/live-services.ts'
import type { EnvoyAdminAccess } from '../../../adapters/live/live-cluster.ts'
import {
  closeServer,
  listen,
  startLoopbackKube,
  type LoopbackKube,
} from '../../../adapters/live/loopback-kube.test-helper.ts'
import { packageRoot } from '../../../paths.ts'
import { paramsFor } from '../../check-params.ts'
import { createTextResourceSource } from '../../grader-input-files.ts'
import { checkKinds } from '../../registry.ts'
import type { CheckContext, CheckOutcome } from '../../types.ts'

const files = `apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: default}
spec:
  selector: {app: frontend}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: frontend-v2, namespace: default}
spec:
  selector: {app: frontend, version: v2}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-cart, namespace: default}
spec:
  selector: {app: redis-cart}
  ports: [{name: redis, port: 6379}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web, namespace: default}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, port: 8080, protocol: HTTP, hostname: shop.example.com}
  - {name: canary, port: 8080, protocol: HTTP, hostname: canary.example.com}
  - {name: redis, port: 6379, protocol: TCP}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: default}
spec:
  parentRefs: [{name: web, sectionName: http}]
  hostnames: [shop.example.com]
  rules:
  - backendRefs: [{name: frontend, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: canary, namespace: default}
spec:
  parentRefs: [{name: web, sectionName: canary}]
  hostnames: [canary.example.com]
  rules:
  - backendRefs: [{name: frontend, port: 80, weight: 90}, {name: frontend-v2, port: 80, weight: 10}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: redis, namespace: default}
spec:
  parentRefs: [{name: web, sectionName: redis}]
  rules:
  - backendRefs: [{name: redis-cart, port: 6379}]
`

const dir = mkdtempSync(join(tmpdir(), 'kindlab-kgw-live-'))
const dump = readFileSync(join(packageRoot(), 'test/fixtures/envoy/gateway-boutique.configdump.json'))
let kube: LoopbackKube
let kubeconfig = ''
const servers: Array<Parameters<typeof closeServer>[0]> = []
const ports = { admin: 0, http: 0, redis: 0 }
const hosts: string[] = []

beforeAll(async () => {
  const admin = createHttpServer((req, res) =>
    req.url === '/config_dump'
      ? res.writeHead(200, { 'content-type': 'application/json' }).end(dump)
      : res.writeHead(404).end(),
  )
  let canary = 0
  const http = createHttpServer((req, res) => {
    hosts.push(req.headers.host ?? '')
    // canary.example.com: nine answers of v1, then one of v2 (Envoy's 90/10, made exact).
    const body =
      req.headers.host === 'canary.example.com'
        ? canary++ % 10 === 9
          ? 'version v2'
          : 'version v1'
        : 'Online Boutique'
    res.writeHead(200, { 'x-envoy-upstream-service-time': '2' }).end(`<title>${body}</title>`)
  })
  const redis = createTcpServer((s) =>
    s.on('data', (d) => s.write(d.toString().startsWith('PING') ? '+PONG\r\n' : '-ERR\r\n')),
  )
  servers.push(admin, http, redis)
  ports.admin = await listen(admin)
  ports.http = await listen(http)
  ports.redis = await listen(redis)
  kube = await startLoopbackKube()
  kubeconfig = kube.kubeconfigFile(dir)
  // What istiod deploys for Gateway default/web: Service web-istio, pods labelled with its name.
  const labels = { 'gateway.networking.k8s.io/gateway-name': 'web' }
  const pod = {
    kind: 'Pod',
    metadata: { name: 'web-istio-7d9f', namespace: 'default', labels, creationTimestamp: '2026-12-07T10:00:00Z' },
    spec: { containers: [{ name: 'istio-proxy', image: 'proxy' }] },
    status: { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  }
  kube.objects.set('/api/v1/namespaces/default/services/web-istio', {
    kind: 'Service',
    metadata: { name: 'web-istio', namespace: 'default' },
    spec: {
      selector: labels,
      ports: [
        { name: 'status-port', port: 15021, targetPort: 15021 },
        { name: 'http', port: 8080, targetPort: 8080 },
        { name: 'redis', port: 6379, targetPort: 6379 },
      ],
    },
  })
  kube.objects.set('/api/v1/namespaces/default/pods', { kind: 'PodList', items: [pod] })
  kube.objects.set('/api/v1/namespaces/default/pods/web-istio-7d9f', pod)
  kube.upstreams.set(15000, ports.admin)
  kube.upstreams.set(8080, ports.http)
  kube.upstreams.set(6379, ports.redis)
}, 30_000)

afterAll(async () => {
  await kube.close()
  await Promise.all(servers.map(closeServer))
  rmSync(dir, { recursive: true, force: true })
})

/** Runs a check on the files above, graded live against the loopback cluster as kind is. */
async function check(
  kind: string,
  params: Record<string, unknown>,
  envoyAdmin?: EnvoyAdminAccess,
): Promise<CheckOutcome> {
  const k = checkKinds.get(kind)
  if (k === undefined) {
    throw new Error(`no kind ${kind}`)
  }
  const { cluster } = createLiveServices({
    kube: { kubeconfigPath: kubeconfig },
    gateway: {
      namespace: 'istio-system',
      service: 'istio-ingressgateway',
      selector: { istio: 'ingressgateway' },
      adminPort: 15000,
    },
    probe: { type: 'host-ports', ports: { 80: 1 } },
    ...(envoyAdmin ? { envoyAdmin } : {}),
  })
  const ctx: CheckContext = {
    labId: 'lab',
    stepIndex: 0,
    workspaceDir: '/nonexistent',
    vars: { LEARNER_NAMESPACE: 'default' },
    runCommand: () => Promise.reject(new Error('not used')),
    readWorkspaceFile: () => Promise.resolve(undefined),
    services: { resources: createTextResourceSource([{ file: 'shop.yaml', text: files }]), cluster },
  }
  return k.run(paramsFor(k, params), ctx)
}

const via = (port: number) =>
  `through a port-forward to default/web-istio-7d9f port ${port} (kind maps host ports for the istio-ingressgateway only)`
const route = {
  port: 8080,
  host: 'shop.example.com',
  path: '/',
  gateway: 'default/web',
  expect: { service: 'frontend', port: 80 },
}

describe("a route on a Kubernetes Gateway's proxy, live", () => {
  it("passes on its Envoy's config_dump and on a real request to its listener port", async () => {
    hosts.length = 0
    const r = await check('route', route)
    expect(r.layers.map((l) => [l.layer, l.passed])).toEqual([
      ['config', true],
      ['envoy', true],
      ['traffic', true],
    ])
    expect(r.layers[2]?.message).toBe(`answered 200 from the destination, ${via(8080)}`)
    expect(hosts).toEqual(['shop.example.com'])
    expect(kube.upgrades).toContain('/api/v1/namespaces/default/pods/web-istio-7d9f/portforward?ports=15000')
  })

  it("with --envoy-admin http://… (the ingress gateway's admin) the envoy layer says why it did not run; traffic still runs", async () => {
    const r = await check('route', route, { host: '127.0.0.1', port: ports.admin })
    const envoy = r.layers.find((l) => l.layer === 'envoy')
    expect(envoy?.passed).toBeUndefined()
    expect(envoy?.message).toMatch(
      /^not run: --envoy-admin http:\/\/127\.0\.0\.1:\d+ is the istio-ingressgateway's Envoy admin only/,
    )
    expect(envoy?.message).toContain('--envoy-admin pod:PORT')
    expect(r.layers.find((l) => l.layer === 'traffic')?.passed).toBe(true)
  })

  it('with --envoy-admin pod:PORT the envoy layer reads the proxy pod IP', async () => {
    const before = kube.upgrades.filter((u) => u.endsWith('ports=15000')).length
    const r = await check('route', route, { podPort: ports.admin })
    expect(r.layers.find((l) => l.layer === 'envoy')?.passed).toBe(true)
    expect(kube.upgrades.filter((u) => u.endsWith('ports=15000')).length).toBe(before)
  })
})

describe('a Gateway that does not exist, live', () => {
  it('fails on the config layer; the live layers say there is no proxy to read, not that a cluster is missing', async () => {
    const r = await check('route', { ...route, gateway: 'default/nope' })
    expect(r.passed).toBe(false)
    expect(r.layers).toEqual([
      {
        layer: 'config',
        passed: false,
        message: expect.stringContaining('no Kubernetes Gateway default/nope') as unknown,
      },
      { layer: 'envoy', passed: undefined, message: 'not run: no proxy serves this Gateway' },
      { layer: 'traffic', passed: undefined, message: 'not run: no proxy serves this Gateway' },
    ])
  })
})

describe("a canary split on a Kubernetes Gateway's proxy, live", () => {
  it("measures the shares of real requests to the proxy's listener port", async () => {
    const r = await check(
      'weights',
      {
        port: 8080,
        host: 'canary.example.com',
        path: '/',
        gateway: 'default/web',
        samples: 20,
        tolerance: 5,
        backends: [
          { service: 'frontend', port: 80, weight: 90, bodyMatches: 'v1' },
          { service: 'frontend-v2', port: 80, weight: 10, bodyMatches: 'v2' },
        ],
      },
      // The fixture's Envoy has no canary host: read no dump, so the check does not wait for a push.
      { host: '127.0.0.1', port: ports.admin },
    )
    const traffic = r.layers.find((l) => l.layer === 'traffic')
    expect(traffic?.passed).toBe(true)
    expect(traffic?.message).toContain(via(8080))
  })
})

describe("a TCPRoute on a Kubernetes Gateway's proxy, live", () => {
  it('exchanges PING/+PONG with the listener port through the proxy', async () => {
    // The fixture's Envoy has no listener on 6379: read no dump (http admin) so the check does not wait for a push.
    const r = await check(
      'tcp',
      {
        port: 6379,
        gateway: 'default/web',
        expect: { service: 'redis-cart', port: 6379 },
        send: 'PING\r\n',
        receive: '\\+PONG',
      },
      { host: '127.0.0.1', port: ports.admin },
    )
    const traffic = r.layers.find((l) => l.layer === 'traffic')
    expect(traffic).toEqual({ layer: 'traffic', passed: true, message: `answered "+PONG\\r\\n", ${via(6379)}` })
    expect(r.passed).toBe(true)
  })
})
