// A Kubernetes Gateway's own proxy through the live services (issue 15): found through its
// Service's selector (newest Ready pod), its Envoy's /config_dump and HTTP, HTTPS and TCP probes
// through client-node's real PortForward on kind, the pod IP with `--envoy-admin pod:PORT` and
// beside a given ingress pod IP, the proxy's own Service on an existing cluster. The cluster is a
// loopback endpoint answering the API reads and speaking the kubelet's port-forward protocol
// (loopback-kube.test-helper.ts); the lookup against a real kube-apiserver is
// test/cluster/gateway-proxy.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execaSync } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayProxyRef, LiveCluster } from '../../checks/live-services.ts'
import { createLiveServices, type GatewayRef, type ProbeRoute } from './live-services.ts'
import type { EnvoyAdminAccess } from './live-cluster.ts'
import { closeServer, listen, startLoopbackKube, type LoopbackKube } from './loopback-kube.test-helper.ts'

const ingress: GatewayRef = {
  namespace: 'istio-system',
  service: 'istio-ingressgateway',
  selector: { istio: 'ingressgateway' },
  adminPort: 15000,
}
const web: GatewayProxyRef = { gateway: 'default/web', service: { namespace: 'default', name: 'web-istio' } }
const kindRoute: ProbeRoute = { type: 'host-ports', ports: { 80: 1, 443: 2 } }
const viaKind = 'kind maps host ports for the istio-ingressgateway only'

const dir = mkdtempSync(join(tmpdir(), 'kindlab-gateway-proxy-'))
let kube: LoopbackKube
let kubeconfig = ''
const ports = { admin: 0, http: 0, https: 0, redis: 0 }
const servers: Array<Parameters<typeof closeServer>[0]> = []
let sniSeen: string | undefined

const pod = (name: string, created: string, ready: boolean, ip: string, labels: Record<string, string>) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'default', creationTimestamp: created, labels },
  spec: { containers: [{ name: 'istio-proxy', image: 'proxy' }] },
  status: {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  },
})

const answer = (req: IncomingMessage, res: ServerResponse) =>
  res
    .writeHead(200, { 'x-envoy-upstream-service-time': '1' })
    .end(`host=${req.headers.host ?? ''} path=${req.url ?? ''}`)

beforeAll(async () => {
  makeCertificate()
  const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
  const admin = createHttpServer((req, res) =>
    req.url === '/config_dump'
      ? res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ proxy: 'default/web' }))
      : res.writeHead(404).end(),
  )
  const https = createHttpsServer(
    { ...tls, SNICallback: (name, cb) => ((sniSeen = name), cb(null, null as never)) },
    answer,
  )
  const redis = createTcpServer((s) =>
    s.on('data', (d) => s.write(d.toString().startsWith('PING') ? '+PONG\r\n' : '-ERR\r\n')),
  )
  const http = createHttpServer(answer)
  servers.push(admin, https, redis, http)
  ports.admin = await listen(admin)
  ports.http = await listen(http)
  ports.https = await listen(https)
  ports.redis = await listen(redis)
  kube = await startLoopbackKube()
  kubeconfig = kube.kubeconfigFile(dir)
  const labels = { 'gateway.networking.k8s.io/gateway-name': 'web' }
  kube.objects.set('/api/v1/namespaces/default/services/web-istio', {
    kind: 'Service',
    metadata: { name: 'web-istio', namespace: 'default' },
    spec: {
      selector: labels,
      ports: [
        { name: 'status-port', port: 15021, targetPort: 15021 },
        { name: 'http', port: 8080, targetPort: ports.http },
        { name: 'https', port: 8443, targetPort: ports.https },
        { name: 'redis', port: 6379, targetPort: ports.redis },
      ],
    },
  })
  const newest = pod('web-istio-new', '2026-12-07T10:00:00Z', true, '127.0.0.1', labels)
  kube.objects.set('/api/v1/namespaces/default/pods', {
    kind: 'PodList',
    items: [
      pod('web-istio-old', '2026-12-07T09:00:00Z', true, '127.0.0.3', labels),
      newest,
      pod('web-istio-starting', '2026-12-07T11:00:00Z', false, '127.0.0.4', labels),
    ],
  })
  kube.objects.set('/api/v1/namespaces/default/pods/web-istio-new', newest)
  kube.objects.set('/api/v1/namespaces/istio-system/pods', {
    kind: 'PodList',
    items: [{ ...pod('istio-ingressgateway-0', '2026-12-07T08:00:00Z', true, '127.0.0.1', ingress.selector) }],
  })
  kube.upstreams.set(15000, ports.admin)
  for (const p of [ports.http, ports.https, ports.redis]) {
    kube.upstreams.set(p, p)
  }
}, 30_000)

afterAll(async () => {
  await kube.close()
  await Promise.all(servers.map(closeServer))
  rmSync(dir, { recursive: true, force: true })
})

/** A self-signed certificate for shop.example.com, made with the system's openssl. */
function makeCertificate(): void {
  execaSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=shop.example.com',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ])
}

const live = (probe: ProbeRoute = kindRoute, envoyAdmin?: EnvoyAdminAccess): LiveCluster =>
  createLiveServices({
    kube: { kubeconfigPath: kubeconfig },
    gateway: ingress,
    probe,
    ...(envoyAdmin ? { envoyAdmin } : {}),
  }).cluster

const proxyOf = (cluster: LiveCluster, ref = web): LiveCluster => {
  const proxy = cluster.proxy?.(ref)
  if (proxy === undefined) {
    throw new Error('the live cluster has no proxy()')
  }
  return proxy
}

describe("a Kubernetes Gateway's proxy on kind (everything through port-forwards to its newest Ready pod)", () => {
  it('reads its Envoy /config_dump through a port-forward to the pod admin port 15000', async () => {
    const cluster = live()
    const proxy = proxyOf(cluster)
    expect(proxyOf(cluster)).toBe(proxy) // one object per Gateway: checks share its dump
    expect(await proxy.configDump()).toEqual({ proxy: 'default/web' })
    expect(kube.upgrades.at(-1)).toBe('/api/v1/namespaces/default/pods/web-istio-new/portforward?ports=15000')
    expect(proxy.describe()).toContain("Gateway default/web's proxy")
  })

  it('sends HTTP with its Host header to the pod port behind the listener port, and says it went through a port-forward', async () => {
    const result = await proxyOf(live()).httpProbe({ port: 8080, host: 'shop.example.com', path: '/cart' })
    expect(result).toMatchObject({ status: 200, body: 'host=shop.example.com path=/cart' })
    expect(result.via).toBe(`a port-forward to default/web-istio-new port ${ports.http} (${viaKind})`)
  })

  it("a class's many probes share one lookup of the proxy's Service and pod", async () => {
    const proxy = proxyOf(live())
    const reads = () => kube.reads.filter((u) => u.startsWith('/api/v1/namespaces/default/')).length
    const before = reads()
    const results = await Promise.all(
      Array.from({ length: 10 }, () => proxy.httpProbe({ port: 8080, host: 'shop.example.com', path: '/' })),
    )
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200))
    expect(reads() - before).toBe(2) // the Service, then its pods: once
  })

  it('keeps the SNI of an HTTPS probe through the port-forward', async () => {
    sniSeen = undefined
    const result = await proxyOf(live()).httpProbe({ port: 8443, host: 'shop.example.com', path: '/', https: true })
    expect(result.status).toBe(200)
    expect(sniSeen).toBe('shop.example.com')
  })

  it('exchanges TCP through the port-forward, and a port its Service lacks fails with that reason', async () => {
    const proxy = proxyOf(live())
    const pong = await proxy.tcpProbe({ port: 6379, send: 'PING\r\n', timeoutMs: 3000 })
    expect(pong).toMatchObject({ connected: true, received: '+PONG\r\n' })
    expect(pong.via).toBe(`a port-forward to default/web-istio-new port ${ports.redis} (${viaKind})`)
    const none = await proxy.httpProbe({ port: 9999, host: 'shop.example.com', path: '/' })
    expect(none.status).toBeUndefined()
    expect(none.error).toBe('port 9999 is not a TCP port of Service default/web-istio, so no traffic reaches it')
  })

  it('an unmanaged Gateway on the istio-ingressgateway Service is the ingress gateway itself', () => {
    const cluster = live()
    const unmanaged = {
      gateway: 'istio-system/edge',
      service: { namespace: 'istio-system', name: 'istio-ingressgateway' },
    }
    expect(proxyOf(cluster, unmanaged)).toBe(cluster)
  })

  it('says which Gateway has no Service or no Ready pod, with the kubectl line to look', async () => {
    const missing = proxyOf(live(), { gateway: 'default/gone', service: { namespace: 'default', name: 'gone-istio' } })
    await expect(missing.configDump()).rejects.toMatchObject({
      code: 'LAB_ERR_ENVOY_UNREACHABLE',
      message: expect.stringContaining("Gateway default/gone's proxy has no Service default/gone-istio") as unknown,
      hint: expect.stringContaining('gateway.networking.k8s.io/gateway-name=gone') as unknown,
    })
    const probe = await missing.httpProbe({ port: 8080, host: 'shop.example.com', path: '/' })
    expect(probe.error).toContain('has no Service default/gone-istio')
  })
})

describe('--envoy-admin with a Kubernetes Gateway', () => {
  it("pod:PORT reads the proxy's Envoy at its own pod IP, without a port-forward", async () => {
    const before = kube.upgrades.length
    const proxy = proxyOf(live(kindRoute, { podPort: ports.admin }))
    expect(await proxy.configDump()).toEqual({ proxy: 'default/web' })
    expect(kube.upgrades.length).toBe(before)
  })

  it("a failed read names the proxy's pod, not the ingress gateway", async () => {
    const proxy = proxyOf(live(kindRoute, { podPort: ports.http })) // not an admin API: answers text
    await expect(proxy.configDump()).rejects.toThrow(
      "The Envoy admin of Gateway default/web's proxy (pod default/web-istio-new) answered /config_dump with something that is not JSON.",
    )
  })

  it("pod:PORT reads the ingress gateway's Envoy at its pod IP too", async () => {
    const before = kube.upgrades.length
    expect(await live(kindRoute, { podPort: ports.admin }).configDump()).toEqual({ proxy: 'default/web' })
    expect(kube.upgrades.length).toBe(before)
  })

  it('http://host:port stays the ingress gateway admin: the proxy says it cannot read its Envoy, naming pod:PORT', async () => {
    const proxy = proxyOf(live(kindRoute, { host: '127.0.0.1', port: ports.admin }))
    await expect(proxy.configDump()).rejects.toMatchObject({
      message: `--envoy-admin http://127.0.0.1:${ports.admin} is the istio-ingressgateway's Envoy admin only, not a Kubernetes Gateway's.`,
      hint: expect.stringContaining('--envoy-admin pod:PORT') as unknown,
    })
  })
})

describe('probes outside kind', () => {
  it('--gateway with an ingress pod IP: the proxy pod IP at the Service targetPort', async () => {
    const proxy = proxyOf(live({ type: 'address', host: '127.0.0.1', gateway: ingress }))
    const result = await proxy.httpProbe({ port: 8080, host: 'shop.example.com', path: '/' })
    expect(result).toMatchObject({ status: 200, body: 'host=shop.example.com path=/' })
    expect(result.via).toBeUndefined()
  })

  it("--gateway with another address (a load balancer): the proxy's own Service, not the ingress gateway's", async () => {
    const proxy = proxyOf(live({ type: 'address', host: '203.0.113.9', gateway: ingress }))
    const result = await proxy.httpProbe({ port: 8080, host: 'shop.example.com', path: '/' })
    expect(result.error).toMatch(/^The gateway Service default\/web-istio has no address kindlab can reach from here/)
  })

  it("an existing cluster: the proxy Service's load balancer", async () => {
    kube.objects.set('/api/v1/namespaces/default/services/lb-istio', {
      kind: 'Service',
      metadata: { name: 'lb-istio', namespace: 'default' },
      spec: { selector: { app: 'lb' }, ports: [{ name: 'http', port: ports.http }] },
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
    })
    const lb = { gateway: 'default/lb', service: { namespace: 'default', name: 'lb-istio' } }
    const proxy = proxyOf(live({ type: 'service', gateway: ingress, inCluster: false }), lb)
    const result = await proxy.httpProbe({ port: ports.http, host: 'shop.example.com', path: '/' })
    expect(result).toMatchObject({ status: 200 })
  })
})
