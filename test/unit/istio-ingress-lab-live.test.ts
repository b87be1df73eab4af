// The grader kinds with a live cluster: an in-memory LiveCluster serves a real-shaped ingress
// gateway config_dump (test/fixtures/envoy/gateway-boutique) and scripted probes, so the Envoy
// and traffic layers run, Envoy wins over the prediction, and disagreements land in `detail`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createTextResourceSource } from '../../server/checks/grader-input-files.ts'
import { httpCheck } from '../../server/checks/kinds/grader/http.ts'
import { resourceCheck } from '../../server/checks/kinds/grader/resource.ts'
import { routeCheck } from '../../server/checks/kinds/grader/route.ts'
import { tcpCheck } from '../../server/checks/kinds/grader/tcp.ts'
import { paramsFor, prepareCheck } from '../../server/checks/check-params.ts'
import { checkKinds } from '../../server/checks/registry.ts'
import { runChecks } from '../../server/checks/run-checks.ts'
import { resolveCheck } from '../../server/labs/variables.ts'
import { weightsCheck } from '../../server/checks/kinds/grader/weights.ts'
import type { HttpProbeRequest, HttpProbeResult, LiveCluster } from '../../server/checks/live-services.ts'
import type { CheckContext, CheckKind } from '../../server/checks/types.ts'
import { packageRoot } from '../../server/paths.ts'

const dump: unknown = JSON.parse(
  readFileSync(join(packageRoot(), 'test/fixtures/envoy/gateway-boutique.configdump.json'), 'utf8'),
)

// What the cluster API would list: the gateway Service and pod, the shop's Services and the
// learner's Gateway, VirtualService and DestinationRule matching the dump's shop.example.com.
const clusterObjects = `
apiVersion: v1
kind: Service
metadata: { name: istio-ingressgateway, namespace: istio-system }
spec:
  selector: { istio: ingressgateway, app: istio-ingressgateway }
  ports: [{ name: http2, port: 80, targetPort: 8080 }, { name: https, port: 443, targetPort: 8443 }, { name: tcp, port: 31400, targetPort: 31400 }]
---
apiVersion: v1
kind: Pod
metadata: { name: istio-ingressgateway-1, namespace: istio-system, labels: { istio: ingressgateway, app: istio-ingressgateway } }
spec: { containers: [{ name: istio-proxy }] }
---
apiVersion: v1
kind: Service
metadata: { name: frontend, namespace: default }
spec: { selector: { app: frontend }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: redis-cart, namespace: default }
spec: { selector: { app: redis-cart }, ports: [{ name: tcp-redis, port: 6379 }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: boutique-gateway, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers:
    - { port: { number: 80, name: http, protocol: HTTP }, hosts: [shop.example.com, www.shop.example.com] }
    - { port: { number: 31400, name: tcp, protocol: TCP }, hosts: ["*"] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: frontend, namespace: default }
spec: { host: frontend, subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: frontend, namespace: default }
spec:
  hosts: [shop.example.com, www.shop.example.com]
  gateways: [boutique-gateway]
  http:
    - match: [{ uri: { prefix: /cart } }]
      route:
        - { destination: { host: frontend, subset: v1, port: { number: 80 } }, weight: 90 }
        - { destination: { host: frontend, subset: v2, port: { number: 80 } }, weight: 10 }
    - route: [{ destination: { host: frontend, port: { number: 80 } } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: redis, namespace: default }
spec:
  hosts: ["*"]
  gateways: [boutique-gateway]
  tcp: [{ route: [{ destination: { host: redis-cart, port: { number: 6379 } } }] }]
`

const shopPage = '<html><head><title>Online Boutique</title></head></html>'

function fakeCluster(probe: (req: HttpProbeRequest, n: number) => HttpProbeResult): LiveCluster & { waits: number } {
  let n = 0
  const cluster = {
    waits: 0,
    describe: () => 'fake cluster',
    configDump: () => Promise.resolve(dump),
    httpProbe: (req: HttpProbeRequest) => Promise.resolve(probe(req, n++)),
    tcpProbe: () => Promise.resolve({ connected: true, received: '+PONG\r\n' }),
    waitForEnvoy: (ready: (d: unknown) => boolean) => {
      cluster.waits++
      return Promise.resolve({ dump, ready: ready(dump) })
    },
  }
  return cluster
}

const upstream = (body: string): HttpProbeResult => ({
  status: 200,
  headers: { 'x-envoy-upstream-service-time': '3', server: 'istio-envoy' },
  body,
})

function context(cluster: LiveCluster, objects = clusterObjects): CheckContext {
  return {
    labId: 'live-test',
    stepIndex: 0,
    workspaceDir: '.',
    vars: {},
    runCommand: () => Promise.resolve({ exitCode: 0, output: '', timedOut: false }),
    readWorkspaceFile: () => Promise.resolve(undefined),
    services: {
      resources: createTextResourceSource([{ file: 'cluster', text: objects }], 'the fake cluster'),
      cluster,
    },
  }
}

async function run<P>(kind: CheckKind<P>, params: Record<string, unknown>, cluster: LiveCluster) {
  return kind.run(paramsFor(kind, params), context(cluster))
}

const layers = (o: { layers: Array<{ layer: string; passed: boolean | undefined }> }) =>
  Object.fromEntries(o.layers.map((l) => [l.layer, l.passed]))

describe('grader kinds on a live cluster', () => {
  it('route: prediction, Envoy and traffic agree', async () => {
    const out = await run(
      routeCheck,
      { host: 'shop.example.com', path: '/product/X', expect: { service: 'frontend', port: 80 } },
      fakeCluster(() => upstream(shopPage)),
    )
    expect(out.passed).toBe(true)
    expect(layers(out)).toEqual({ config: true, envoy: true, traffic: true })
  })

  it('route: Envoy wins when it disagrees with the prediction, after waiting for the push', async () => {
    const cluster = fakeCluster(() => ({
      status: 301,
      headers: { location: 'https://www.shop.example.com/' },
      body: '',
    }))
    const out = await run(
      routeCheck,
      { host: 'www.shop.example.com', expect: { service: 'frontend', port: 80 } },
      cluster,
    )
    expect(layers(out)).toMatchObject({ config: true, envoy: false })
    expect(out.passed).toBe(false)
    expect(cluster.waits).toBe(1)
    expect((out.detail as { disagreement?: string }).disagreement).toMatch(/predict .* Envoy does 301/)
    expect(out.hint).toMatch(/proxy-status/)
  })

  it('route: a route Envoy has but the resources do not predict still passes (Envoy wins)', async () => {
    const out = await run(
      routeCheck,
      { host: 'ads.example.com', expect: { service: 'adservice', port: 9555 } },
      fakeCluster(() => upstream('ad')),
    )
    expect(layers(out)).toMatchObject({ config: false, envoy: true, traffic: true })
    expect(out.passed).toBe(true)
  })

  it('route: Envoy serving HTTPS does not overrule a TLS Secret that is not there (a certificate Envoy kept)', async () => {
    // The Gateway terminates HTTPS with credentialName boutique-credential; istio-system holds
    // another Secret only. Envoy still answers (it keeps a certificate it loaded before the Secret
    // was deleted or moved), which the check must not count as the learner's success.
    const objects = clusterObjects.replace(
      '    - { port: { number: 31400, name: tcp, protocol: TCP }, hosts: ["*"] }',
      `    - { port: { number: 443, name: https, protocol: HTTPS }, hosts: [shop.example.com], tls: { mode: SIMPLE, credentialName: boutique-credential } }
    - { port: { number: 31400, name: tcp, protocol: TCP }, hosts: ["*"] }
---
apiVersion: v1
kind: Secret
metadata: { name: other-credential, namespace: istio-system }
type: kubernetes.io/tls`,
    )
    const out = await routeCheck.run(
      paramsFor(routeCheck, { host: 'shop.example.com', https: true, expect: { service: 'frontend', port: 80 } }),
      context(
        fakeCluster(() => upstream(shopPage)),
        objects,
      ),
    )
    expect(layers(out)).toMatchObject({ config: false, envoy: true, traffic: true })
    expect(out.layers.find((l) => l.layer === 'config')?.definite).toBe(true)
    expect(out.passed).toBe(false)
    expect(out.cause).toBe('tls-credential')
    expect(out.hint).toMatch(/^Set spec\.servers\[1\]\.tls\.credentialName of Gateway default\/boutique-gateway/)
    expect(out.hint).toMatch(/certificate it loaded earlier/)
    expect((out.detail as { disagreement?: string }).disagreement).toMatch(
      /no Secret istio-system\/boutique-credential/,
    )
  })

  it('http: the traffic layer judges the body', async () => {
    const out = await run(
      httpCheck,
      { host: 'shop.example.com', expect: { status: 200, bodyContains: 'Online Boutique' } },
      fakeCluster(() => upstream('<title>Error</title>')),
    )
    expect(layers(out)).toEqual({ config: true, envoy: true, traffic: false })
    expect(out.message).toMatch(/does not contain "Online Boutique"/)
    expect(out.hint).toMatch(/configuration is right/)
  })

  it('tcp: Envoy proxies the port and the exchange answers', async () => {
    const out = await run(
      tcpCheck,
      { port: 31400, expect: { service: 'redis-cart', port: 6379 }, send: 'PING\r\n', receive: '^\\+PONG' },
      fakeCluster(() => upstream('')),
    )
    expect(layers(out)).toEqual({ config: true, envoy: true, traffic: true })
  })

  it('tcp: the traffic layer says when the probe went through a port-forward (kind maps no host port for a trainee port)', async () => {
    const via =
      'a port-forward to istio-system/istio-ingressgateway-abc port 31400 (kind maps no host port for gateway port 31400)'
    const cluster = fakeCluster(() => upstream(''))
    cluster.tcpProbe = () => Promise.resolve({ connected: true, received: '+PONG\r\n', via })
    const out = await run(
      tcpCheck,
      { port: 31400, expect: { service: 'redis-cart', port: 6379 }, send: 'PING\r\n', receive: '^\\+PONG' },
      cluster,
    )
    expect(out.layers.find((l) => l.layer === 'traffic')).toMatchObject({
      passed: true,
      message: `answered "+PONG\\r\\n", through ${via}`,
    })
    cluster.tcpProbe = () =>
      Promise.resolve({ connected: false, received: '', error: 'the API server did not open the port-forward', via })
    const failed = await run(tcpCheck, { port: 31400, expect: { service: 'redis-cart', port: 6379 } }, cluster)
    expect(failed.layers.find((l) => l.layer === 'traffic')?.message).toBe(
      `could not connect (the API server did not open the port-forward), through ${via}`,
    )
  })

  it('tcp: the port may be a lab variable (each trainee of a class has their own); it is checked once substituted', async () => {
    const check = prepareCheck(checkKinds, {
      id: 'redis',
      kind: 'tcp',
      port: '$' + '{TRAINEE_TCP_PORT}',
      expect: { service: 'redis-cart', port: 6379 },
      send: 'PING\r\n',
      receive: '^\\+PONG',
    })
    const grade = async (vars: Record<string, string>) =>
      (
        await runChecks(checkKinds, {
          checks: [resolveCheck(check, vars)],
          context: context(fakeCluster(() => upstream(''))),
          failuresBefore: () => 0,
        })
      )[0]
    const ok = await grade({ TRAINEE_TCP_PORT: '31400' })
    expect(ok?.passed, ok?.message).toBe(true)
    expect(ok?.message).toMatch(/TCP to gateway port 31400/)
    const bad = await grade({ TRAINEE_TCP_PORT: '70000' })
    expect(bad?.passed).toBe(false)
    expect(bad?.message).toMatch(/port "70000" is not a port number/)
  })

  it('weights: real traffic follows a 90/10 split', async () => {
    const backends = [
      { service: 'frontend', subset: 'v1', port: 80, weight: 90 },
      { service: 'frontend', subset: 'v2', port: 80, weight: 10, bodyMatches: 'canary' },
    ]
    const good = await run(
      weightsCheck,
      { host: 'shop.example.com', path: '/cart', backends, samples: 200 },
      fakeCluster((_r, n) => upstream(n % 10 === 0 ? 'canary v2' : shopPage)),
    )
    expect(layers(good)).toEqual({ config: true, envoy: true, traffic: true })
    const skewed = await run(
      weightsCheck,
      { host: 'shop.example.com', path: '/cart', backends, samples: 200 },
      fakeCluster((_r, n) => upstream(n % 2 === 0 ? 'canary v2' : shopPage)),
    )
    expect(layers(skewed)).toEqual({ config: true, envoy: true, traffic: false })
    expect(skewed.message).toMatch(/frontend \(v2\) 50%/)
  })

  it('a trainee-scoped cluster source: the environment fills istio-system, never the listed namespace', async () => {
    const trainee = clusterObjects
      .split('---')
      .filter((doc) => !doc.includes('istio-system'))
      .join('---')
    const environment = `${clusterObjects
      .split('---')
      .filter((doc) => doc.includes('istio-system'))
      .join('---')}---
apiVersion: v1
kind: Service
metadata: { name: frontend-external, namespace: default }
spec: { type: LoadBalancer, selector: { app: frontend }, ports: [{ port: 80, targetPort: 8080 }] }
`
    const cluster = fakeCluster(() => upstream(shopPage))
    const ctx: CheckContext = {
      ...context(cluster),
      services: {
        resources: createTextResourceSource([{ file: 'cluster', text: trainee }], 'the trainee namespace'),
        labEnvironment: { manifests: () => Promise.resolve([{ file: 'env.yaml', text: environment }]) },
        cluster,
      },
    }
    const routed = await routeCheck.run(
      paramsFor(routeCheck, { host: 'shop.example.com', expect: { service: 'frontend', port: 80 } }),
      ctx,
    )
    expect(layers(routed)).toEqual({ config: true, envoy: true, traffic: true })
    const gone = await resourceCheck.run(
      paramsFor(resourceCheck, { object: { kind: 'Service', name: 'frontend-external' }, exists: false }),
      ctx,
    )
    expect(layers(gone)).toEqual({ config: true })
  })

  it('live, a kind the resource source does not list is unverified, never a pass', async () => {
    const ctx = context(fakeCluster(() => upstream('')))
    const secret = await resourceCheck.run(
      paramsFor(resourceCheck, {
        object: { apiVersion: 'v1', kind: 'Secret', name: 'hipster-credential', namespace: 'istio-system' },
      }),
      ctx,
    )
    expect(secret).toMatchObject({ passed: false, status: 'unverified' })
    expect(secret.message).toMatch(/^cannot see Secrets here: .*Secret istio-system\/hipster-credential is not checked/)
  })

  it('offline, the Envoy and traffic layers say they need the live cluster', async () => {
    const ctx = context(fakeCluster(() => upstream('')))
    const offline = { ...ctx, services: { resources: ctx.services.resources } }
    const out = await routeCheck.run(
      paramsFor(routeCheck, { host: 'shop.example.com', expect: { service: 'frontend', port: 80 } }),
      offline,
    )
    expect(out.layers.filter((l) => l.passed === undefined).map((l) => [l.layer, l.message])).toEqual([
      ['envoy', 'needs the live cluster'],
      ['traffic', 'needs the live cluster'],
    ])
  })

  it('lets a probe error reach the runner (adapters throw AppErrors, which the runner reports)', async () => {
    const cluster = fakeCluster(() => upstream(''))
    cluster.httpProbe = vi.fn(() => Promise.reject(new Error('boom')))
    await expect(run(httpCheck, { host: 'shop.example.com' }, cluster)).rejects.toThrow('boom')
  })
})
