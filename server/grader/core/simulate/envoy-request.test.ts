// How Envoy treats a request once the config is built (spec rule 37): vhost selection, paths,
// headers, query parameters, require_tls, redirects, direct responses, rewrites, 503 for a
// missing cluster, SNI filter chains, and the route provenance in the result.
import { describe, expect, test } from 'vitest'
import { gateway, simulateOne } from './simulate.test-helper.ts'

const services = `apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: shop}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: shop}
spec:
  host: api
  subsets: [{name: v1, labels: {version: v1}}]
---
`
// The catch-all VirtualServices are bound to a second Gateway: bound to the first, their hosts
// (*.example.com, *) would also intersect shop.example.com and add catch-alls to its vhost.
const gw =
  gateway('gw', 'shop', 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["shop.example.com"]') +
  gateway('gw2', 'shop', 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["*"]')
const vs = (name: string, hosts: string, http: string, gateways = '[gw]') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: shop}
spec:
  hosts: ${hosts}
  gateways: ${gateways}
  http:
${http}
---
`
const shop =
  gw +
  services +
  vs(
    'shop',
    '[shop.example.com]',
    `  - match: [{uri: {exact: /login}}]
    directResponse: {status: 403, body: {string: "closed"}}
  - match: [{uri: {prefix: /api}, headers: {x-version: {exact: v1}}}]
    route: [{destination: {host: api, subset: v1}}]
  - match: [{uri: {prefix: /api}, queryParams: {debug: {exact: "1"}}}]
    route: [{destination: {host: api, subset: v2}}]
  - match: [{uri: {prefix: /api}}]
    rewrite: {uri: /v1}
    route: [{destination: {host: api}}]
  - match: [{uri: {regex: "/img/[a-z]+\\\\.png"}}]
    route: [{destination: {host: frontend}}]
  - match: [{uri: {prefix: /Old}, ignoreUriCase: true}]
    redirect: {uri: /new, authority: www.example.com, redirectCode: 302}
  - match: [{uri: {prefix: /ghost}}]
    route: [{destination: {host: ghost}}]
  - match: [{withoutHeaders: {x-beta: {exact: "1"}}, uri: {prefix: /home}}]
    route: [{destination: {host: frontend}}]
  - match: [{method: {exact: POST}, uri: {prefix: /cart}}]
    route: [{destination: {host: frontend}}]`,
  ) +
  vs('wild', '["*.example.com"]', '  - route: [{destination: {host: frontend}}]', '[gw2]') +
  vs('any', '["*"]', '  - route: [{destination: {host: api}}]', '[gw2]')

const frontend = 'outbound|80||frontend.shop.svc.cluster.local'
const api = 'outbound|8080||api.shop.svc.cluster.local'

describe('virtual host selection', () => {
  test.each<[string, string]>([
    ['shop.example.com', 'shop.example.com:80'],
    ['SHOP.Example.com', 'shop.example.com:80'],
    ['shop.example.com:8080', 'shop.example.com:80'],
    ['blog.example.com', '*.example.com:80'],
    ['a.b.example.com', '*.example.com:80'],
    ['example.com', '*:80'],
    ['other.org', '*:80'],
  ])('Host %s → %s', (host, vhost) => {
    expect(simulateOne(shop, { port: 80, host, path: '/missing' }).virtualHost).toBe(vhost)
  })
  test('no fallback from a specific vhost to *', () => {
    expect(simulateOne(shop, { port: 80, host: 'shop.example.com', path: '/nothing' })).toMatchObject({
      status: 404,
      reason: 'no_route',
      virtualHost: 'shop.example.com:80',
    })
  })
})

describe('route matching and actions', () => {
  test.each<[string, Parameters<typeof simulateOne>[1], Record<string, unknown>]>([
    [
      'exact path → direct response',
      { port: 80, host: 'shop.example.com', path: '/login' },
      { status: 403, body: 'closed' },
    ],
    [
      'exact path does not match a longer path',
      { port: 80, host: 'shop.example.com', path: '/login/x' },
      { status: 404 },
    ],
    [
      'header match picks the subset (no DestinationRule → 503)',
      { port: 80, host: 'shop.example.com', path: '/api/x', headers: { 'X-Version': 'v1' } },
      { cluster: 'outbound|8080|v1|api.shop.svc.cluster.local', status: 200 },
    ],
    [
      'query parameter match',
      { port: 80, host: 'shop.example.com', path: '/api/x?debug=1' },
      { cluster: 'outbound|8080|v2|api.shop.svc.cluster.local', status: 503, reason: 'cluster_not_found' },
    ],
    [
      'prefix is a plain string prefix (/api matches /apiary) and rewrites',
      { port: 80, host: 'shop.example.com', path: '/apiary?q=1' },
      { cluster: api, status: 200, upstreamPath: '/v1ary?q=1' },
    ],
    [
      'regex must match the whole path',
      { port: 80, host: 'shop.example.com', path: '/img/logo.png' },
      { cluster: frontend },
    ],
    [
      'regex does not match a partial path',
      { port: 80, host: 'shop.example.com', path: '/img/logo.png.bak' },
      { status: 404 },
    ],
    ['prefix is case-sensitive by default', { port: 80, host: 'shop.example.com', path: '/API' }, { status: 404 }],
    [
      'ignoreUriCase redirect with code and Location',
      { port: 80, host: 'shop.example.com', path: '/old/page?x=1' },
      { status: 302, location: 'http://www.example.com/new?x=1' },
    ],
    [
      'a missing Service answers 503',
      { port: 80, host: 'shop.example.com', path: '/ghost' },
      { status: 503, reason: 'cluster_not_found', cluster: 'outbound|80||ghost.shop.svc.cluster.local' },
    ],
    [
      'withoutHeaders matches when the header is absent',
      { port: 80, host: 'shop.example.com', path: '/home' },
      { status: 200, cluster: frontend },
    ],
    [
      'withoutHeaders does not match when the header has the value',
      { port: 80, host: 'shop.example.com', path: '/home', headers: { 'x-beta': '1' } },
      { status: 404 },
    ],
    ['method match', { port: 80, host: 'shop.example.com', path: '/cart', method: 'post' }, { status: 200 }],
    ['method mismatch', { port: 80, host: 'shop.example.com', path: '/cart' }, { status: 404 }],
    [
      'catch-all rule of a wildcard VirtualService',
      { port: 80, host: 'x.example.com', path: '/anything' },
      { status: 200, cluster: frontend, upstreamHost: 'x.example.com' },
    ],
  ])('%s', (_name, request, want) => {
    expect(simulateOne(shop, request)).toMatchObject(want)
  })
  test('the result names the VirtualService rule that matched, with file and line', () => {
    const r = simulateOne(shop, { port: 80, host: 'shop.example.com', path: '/home' })
    const line = shop.split('\n').findIndex((l) => l.includes('withoutHeaders: {x-beta')) + 1
    expect(r.route).toEqual({
      virtualService: 'shop/shop',
      file: 'test.yaml',
      document: 5,
      line,
      path: 'spec.http[7].match[0]',
      gateway: 'shop/gw',
    })
  })
  test('weighted destinations list every cluster', () => {
    const cfg =
      gw +
      services +
      vs(
        'split',
        '[shop.example.com]',
        '  - route: [{destination: {host: frontend}, weight: 75}, {destination: {host: api}, weight: 25}]',
      )
    expect(simulateOne(cfg, { port: 80, host: 'shop.example.com' })).toMatchObject({
      status: 200,
      weightedClusters: [
        { name: frontend, weight: 75 },
        { name: api, weight: 25 },
      ],
    })
  })
})

describe('TLS and listeners', () => {
  const tls =
    gateway(
      'gw',
      'shop',
      'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["shop.example.com"]\ntls: {httpsRedirect: true}',
      'port: {number: 443, name: https, protocol: HTTPS}\nhosts: ["shop.example.com"]\ntls: {mode: SIMPLE, credentialName: shop-cert}',
    ) +
    services +
    vs('shop', '[shop.example.com]', '  - route: [{destination: {host: frontend}}]')
  test('plaintext to an httpsRedirect host → 301 to https', () => {
    expect(simulateOne(tls, { port: 80, host: 'shop.example.com', path: '/cart?id=2' })).toMatchObject({
      status: 301,
      reason: 'tls_redirect',
      location: 'https://shop.example.com/cart?id=2',
    })
  })
  test('HTTPS with the right SNI reaches the backend', () => {
    expect(simulateOne(tls, { port: 443, host: 'shop.example.com', tls: true })).toMatchObject({
      status: 200,
      routeConfig: 'https.443.https.gw.shop',
      virtualHost: 'shop.example.com:443',
      cluster: frontend,
      filterChain: 0,
    })
  })
  test('HTTPS with an unknown SNI has no filter chain', () => {
    expect(
      simulateOne(tls, { port: 443, host: 'shop.example.com', tls: true, sni: 'other.example.com' }),
    ).toMatchObject({ status: 'connection_reset', reason: 'no_filter_chain' })
  })
  test('plaintext to the HTTPS port has no filter chain (no SNI)', () => {
    expect(simulateOne(tls, { port: 443, host: 'shop.example.com' })).toMatchObject({
      status: 'connection_reset',
      reason: 'no_filter_chain',
    })
  })
  test('a * HTTPS server accepts any SNI but not plaintext', () => {
    const star = gateway(
      'gw',
      'shop',
      'port: {number: 443, name: https, protocol: HTTPS}\nhosts: ["*"]\ntls: {mode: SIMPLE, credentialName: c}',
    )
    expect(simulateOne(star, { port: 443, host: 'x.org' })).toMatchObject({
      reason: 'tls_error',
      status: 'connection_reset',
    })
    expect(simulateOne(star, { port: 443, host: 'x.org', tls: true })).toMatchObject({
      reason: 'no_route',
      status: 404,
      virtualHost: 'blackhole:443',
    })
  })
  test('TLS to a plaintext HTTP port is a protocol error', () => {
    expect(simulateOne(tls, { port: 80, host: 'shop.example.com', tls: true })).toMatchObject({
      reason: 'protocol_error',
    })
  })
  test('bind address: the listener of that address, else 0.0.0.0', () => {
    const bound = gateway(
      'gw',
      'shop',
      'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["a.example.com"]\nbind: 10.0.0.5',
      'port: {number: 80, name: http2, protocol: HTTP}\nhosts: ["b.example.com"]',
    )
    expect(simulateOne(bound, { port: 80, host: 'a.example.com', address: '10.0.0.5' })).toMatchObject({
      listener: '10.0.0.5_80',
      routeConfig: 'http.80.10.0.0.5',
    })
    expect(simulateOne(bound, { port: 80, host: 'a.example.com' })).toMatchObject({
      listener: '0.0.0.0_80',
      routeConfig: 'http.80',
    })
  })
})
