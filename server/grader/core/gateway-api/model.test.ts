// Reading Gateway API v1.6.0 objects: the CRD defaults the API server applies, file/line
// provenance through the kubectl-faithful YAML reader, and the admission rules (spec rule 40)
// that make the API server refuse an object.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parseResources } from '../model/index.ts'
import { gatewayApiFromObjects, mergeGatewayApiModels, parseGatewayApi } from './model.ts'

const shop = readFileSync('test/fixtures/grader/gateway-api/shop.yaml', 'utf8')

function gw(listeners: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\nspec:\n  gatewayClassName: istio\n  listeners:\n${listeners}`
}

function route(spec: string, kind = 'HTTPRoute', version = 'v1'): string {
  return `apiVersion: gateway.networking.k8s.io/${version}\nkind: ${kind}\nmetadata: {name: r, namespace: shop}\nspec:\n${spec}`
}

describe('parseGatewayApi', () => {
  test('reads the shop fixture with defaults, file, document and line', () => {
    const m = parseGatewayApi(shop, { file: 'shop.yaml' })
    expect(m.findings).toEqual([])
    const g = m.gateways[0]!
    expect(g.source).toEqual({ file: 'shop.yaml', document: 0, line: 2 })
    expect(g.spec.listeners.map((l) => [l.name, l.port, l.protocol, l.hostname, l.allowedRoutes.from])).toEqual([
      ['http', 80, 'HTTP', '*.example.com', 'Selector'],
      ['https', 443, 'HTTPS', 'shop.example.com', 'All'],
    ])
    // tls.mode and the certificateRef's kind are CRD defaults.
    expect(g.spec.listeners[1]?.tls).toEqual({
      mode: 'Terminate',
      certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }],
    })
    expect(g.fieldLines?.['spec.listeners[1]']).toBe(20)
    const r = m.httpRoutes[0]!
    expect(r.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'infra', sectionName: 'http' },
    ])
    expect(r.spec.rules[0]?.backendRefs.map((b) => [b.kind, b.name, b.port, b.weight])).toEqual([
      ['Service', 'api', 8080, 90],
      ['Service', 'api-v2', 8080, 10],
    ])
    expect(r.spec.rules[0]?.matches[0]?.headers).toEqual([{ type: 'Exact', name: 'x-canary', value: 'yes' }])
    // A rule without matches gets the CRD default: PathPrefix /; weight defaults to 1.
    expect(r.spec.rules[1]?.matches).toEqual([
      { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] },
    ])
    expect(r.spec.rules[1]?.backendRefs[0]?.weight).toBe(1)
    expect(r.fieldLines?.['spec.rules[1]']).toBe(55)
    expect(r.fieldLines?.['spec.rules[0].backendRefs[1]']).toBe(52)
    expect(m.referenceGrants[0]?.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }],
      to: [{ group: '', kind: 'Service' }],
    })
    expect(m.namespaces.map((n) => [n.metadata.name, n.metadata.labels])).toEqual([
      ['shop', { 'shared-gateway': 'true' }],
    ])
  })

  test('the classic model lists the same Gateway API objects as ignored, so nothing is read twice', () => {
    const classic = parseResources(shop)
    expect(classic.gateways).toEqual([])
    expect(classic.ignored.map((i) => i.kind)).toEqual(['Gateway', 'HTTPRoute', 'ReferenceGrant', 'Namespace'])
  })

  test('an HTTPRoute without rules, and a match with only a header, get PathPrefix / (CRD defaults)', () => {
    const m = parseGatewayApi(
      route('  parentRefs: [{name: gw}]\n---\n') +
        route(
          '  parentRefs: [{name: gw}]\n  rules:\n  - matches: [{headers: [{name: a, value: b}]}]\n    backendRefs: [{name: s, port: 80}]\n',
        ),
    )
    expect(m.httpRoutes[0]?.spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }],
        filters: [],
        backendRefs: [],
      },
    ])
    expect(m.httpRoutes[1]?.spec.rules[0]?.matches[0]?.path).toEqual({ type: 'PathPrefix', value: '/' })
  })

  test('filters: header modifiers, redirect (302 by default), rewrite and mirror', () => {
    const m = parseGatewayApi(
      route(`  parentRefs: [{name: gw}]
  rules:
  - filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: X-A, value: "1"}], add: [{name: x-b, value: "2"}], remove: [x-c]}
    - type: RequestMirror
      requestMirror: {backendRef: {name: shadow, port: 80}, fraction: {numerator: 1, denominator: 4}}
    - type: URLRewrite
      urlRewrite: {hostname: internal, path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}
    backendRefs: [{name: s, port: 80}]
  - filters:
    - type: RequestRedirect
      requestRedirect: {scheme: https}
`),
    )
    expect(m.findings).toEqual([])
    const [a, b] = m.httpRoutes[0]!.spec.rules
    expect(a?.filters.map((f) => f.type)).toEqual(['RequestHeaderModifier', 'RequestMirror', 'URLRewrite'])
    expect(a?.filters[0]?.requestHeaderModifier).toEqual({
      set: [{ name: 'X-A', value: '1' }],
      add: [{ name: 'x-b', value: '2' }],
      remove: ['x-c'],
    })
    expect(a?.filters[1]?.requestMirror).toEqual({
      backendRef: { group: '', kind: 'Service', name: 'shadow', port: 80 },
      fraction: { numerator: 1, denominator: 4 },
    })
    expect(a?.filters[2]?.urlRewrite).toEqual({
      hostname: 'internal',
      path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' },
    })
    expect(b?.filters[0]?.requestRedirect).toEqual({ scheme: 'https', statusCode: 302 })
  })

  test('GRPCRoute, TCPRoute and TLSRoute (v1) are read', () => {
    const m = parseGatewayApi(
      [
        route(
          '  parentRefs: [{name: gw}]\n  rules:\n  - matches: [{method: {service: shop.Cart, method: Add}}]\n    backendRefs: [{name: cart, port: 9000}]\n',
          'GRPCRoute',
        ),
        route(
          '  parentRefs: [{name: gw, sectionName: redis}]\n  rules:\n  - backendRefs: [{name: redis, port: 6379}]\n',
          'TCPRoute',
        ),
        route(
          '  parentRefs: [{name: gw}]\n  hostnames: [db.example.com]\n  rules:\n  - backendRefs: [{name: db, port: 5432}]\n',
          'TLSRoute',
        ),
      ].join('---\n'),
    )
    expect(m.findings).toEqual([])
    expect(m.grpcRoutes[0]?.spec.rules[0]?.matches[0]?.method).toEqual({
      type: 'Exact',
      service: 'shop.Cart',
      method: 'Add',
    })
    expect(m.tcpRoutes[0]?.spec.parentRefs[0]?.sectionName).toBe('redis')
    expect(m.tlsRoutes[0]?.spec.hostnames).toEqual(['db.example.com'])
  })

  test('a version the v1.6.0 standard CRDs do not serve is refused (IST0106 on apiVersion); v1beta1 where served is read', () => {
    const tcp = '  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: redis, port: 6379}]\n'
    const tls =
      '  parentRefs: [{name: gw}]\n  hostnames: [db.example.com]\n  rules:\n  - backendRefs: [{name: db, port: 5432}]\n'
    const m = parseGatewayApi(
      [
        route(tcp, 'TCPRoute', 'v1alpha2'),
        route(tls, 'TLSRoute', 'v1alpha3'),
        route('  parentRefs: [{name: gw}]\n', 'GRPCRoute', 'v1beta1'),
        route('  parentRefs: [{name: gw}]\n', 'HTTPRoute', 'v1beta1'),
      ].join('---\n'),
      { file: 'r.yaml' },
    )
    expect(m.tcpRoutes).toEqual([])
    expect(m.tlsRoutes).toEqual([])
    expect(m.grpcRoutes).toEqual([])
    expect(m.httpRoutes).toHaveLength(1)
    expect(m.rejected.map((r) => `${r.kind} ${r.apiVersion}`)).toEqual([
      'TCPRoute gateway.networking.k8s.io/v1alpha2',
      'TLSRoute gateway.networking.k8s.io/v1alpha3',
      'GRPCRoute gateway.networking.k8s.io/v1beta1',
    ])
    expect(m.findings.map((f) => [f.code, f.resource.kind, f.path, f.source?.line])).toEqual([
      ['IST0106', 'TCPRoute', 'apiVersion', 1],
      ['IST0106', 'TLSRoute', 'apiVersion', 9],
      ['IST0106', 'GRPCRoute', 'apiVersion', 18],
    ])
    expect(m.findings[0]?.message).toBe(
      'Schema validation error: apiVersion: the Gateway API v1.6.0 CRDs serve TCPRoute as gateway.networking.k8s.io/v1, not gateway.networking.k8s.io/v1alpha2 (kubectl apply answers "no matches for kind TCPRoute").',
    )
  })

  test('Secrets are read for their type and keys only', () => {
    const m = parseGatewayApi(
      'apiVersion: v1\nkind: Secret\nmetadata: {name: c, namespace: infra}\ntype: kubernetes.io/tls\ndata: {tls.crt: QQ==, tls.key: QQ==}\n',
    )
    expect(m.secrets[0]?.spec).toEqual({ type: 'kubernetes.io/tls', keys: ['tls.crt', 'tls.key'] })
    expect(JSON.stringify(m.secrets[0])).not.toContain('QQ==')
  })

  test('fromObjects expands Lists; merge concatenates', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'GatewayClass',
          metadata: { name: 'istio' },
          spec: { controllerName: 'istio.io/gateway-controller' },
        },
      ],
    }
    const a = gatewayApiFromObjects([list])
    const b = parseGatewayApi(shop)
    const m = mergeGatewayApiModels([a, b])
    expect(m.gatewayClasses.map((c) => c.spec.controllerName)).toEqual(['istio.io/gateway-controller'])
    expect(m.gateways).toHaveLength(1)
  })
})

describe('what the API server refuses (spec rule 40)', () => {
  const cases: Array<[string, string, string]> = [
    [
      'RequestRedirect with backendRefs',
      route(
        '  parentRefs: [{name: gw}]\n  rules:\n  - filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]\n    backendRefs: [{name: s, port: 80}]\n',
      ),
      'spec.rules[0].filters',
    ],
    [
      'ReplacePrefixMatch on an Exact match',
      route(
        '  parentRefs: [{name: gw}]\n  rules:\n  - matches: [{path: {type: Exact, value: /a}}]\n    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n    backendRefs: [{name: s, port: 80}]\n',
      ),
      'spec.rules[0].filters',
    ],
    [
      'an upper-case hostname',
      route('  parentRefs: [{name: gw}]\n  hostnames: [Shop.example.com]\n'),
      'spec.hostnames[0]',
    ],
    [
      'a Service backendRef without port',
      route('  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: s}]\n'),
      'spec.rules[0].backendRefs[0].port',
    ],
    [
      'duplicate port+protocol+hostname listeners',
      gw('  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 80, protocol: HTTP}\n'),
      'spec.listeners[1]',
    ],
    [
      'tls on an HTTP listener',
      gw('  - {name: a, port: 80, protocol: HTTP, tls: {mode: Terminate}}\n'),
      'spec.listeners[0].tls',
    ],
    [
      'a hostname on a TCP listener',
      gw('  - {name: a, port: 9, protocol: TCP, hostname: a.example.com}\n'),
      'spec.listeners[0].hostname',
    ],
    [
      'a TLSRoute without hostnames',
      route('  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: s, port: 1}]\n', 'TLSRoute'),
      'spec.hostnames',
    ],
    [
      'a TCPRoute with two rules',
      route(
        '  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: s, port: 1}]\n  - backendRefs: [{name: t, port: 1}]\n',
        'TCPRoute',
      ),
      'spec.rules',
    ],
  ]
  test.each(cases)('%s is IST0106 and the object is set apart', (_name, yaml, path) => {
    const m = parseGatewayApi(yaml, { file: 'x.yaml' })
    expect(m.findings.map((f) => [f.code, f.path])).toContainEqual(['IST0106', path])
    expect(m.rejected).toHaveLength(1)
    expect(m.gateways.length + m.httpRoutes.length + m.tcpRoutes.length + m.tlsRoutes.length).toBe(0)
  })

  test('the finding points at the line of the refused field', () => {
    const m = parseGatewayApi(route('  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs:\n    - name: s\n'), {
      file: 'x.yaml',
    })
    expect(m.findings[0]?.source).toEqual({ file: 'x.yaml', document: 0, line: 8 })
  })

  test('shape errors are findings, never exceptions', () => {
    const m = parseGatewayApi(gw('  - {name: a, port: eighty, protocol: HTTP}\n'))
    expect(m.findings[0]?.path).toBe('spec.listeners[0].port')
    expect(m.rejected).toHaveLength(1)
  })
})
