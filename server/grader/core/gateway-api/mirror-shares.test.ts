// The two gaps the core had against istiod 1.31: RequestMirror filters become Envoy
// request_mirror_policies (conversion.go createMirrorFilter, route.go TranslateRequestMirrorPolicy),
// and a missing backend in a weighted split fails only its share (conversion.go
// buildHTTPDestination keeps the invalid backend; Envoy picks a cluster per request).
import { describe, expect, test } from 'vitest'
import { analyzeConfig, parseResources } from '../index.ts'
import { brief, k8sGateway, route, run, service } from './gateway-api.test-helper.ts'

const gw = k8sGateway('gw', 'shop', '- {name: http, port: 80, protocol: HTTP}')
const svcs = service('a', 'shop', 80) + service('b', 'shop', 80)
const rule = (body: string): string => gw + svcs + route('r', 'shop', `parentRefs: [{name: gw}]\nrules:\n${body}`)
/** The classic API's equivalent: an Istio Gateway for every host on port 80 and a VirtualService with these `http` rules. */
const virtualService = (http: string, services: string): string => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: shop}
spec:
  hosts: ["*"]
  gateways: [gw]
  http:
  ${http}
---
${services}`
const routeAction = (yaml: string): Record<string, unknown> =>
  run(yaml).routeConfigs['http.80']!.virtual_hosts[0]!.routes[0]!['route'] as Record<string, unknown>

describe('a weighted split with a missing backend (spec rule 34)', () => {
  const yaml = rule('- backendRefs: [{name: a, port: 80, weight: 80}, {name: ghost, port: 80, weight: 20}]')
  test('only the missing share answers 500; the request is still forwarded', () => {
    const r = run(yaml, [{ port: 80, host: 'shop.example.com', path: '/' }]).requests[0]!.result
    expect(r.status).toBe(200)
    expect(r.reason).toBeUndefined()
    expect(r.weightedClusters).toEqual([
      { name: 'outbound|80||a.shop.svc.cluster.local', weight: 80 },
      { name: 'outbound|80||ghost.shop.svc.cluster.local', weight: 20, status: 500 },
    ])
    expect(r.explanation.join(' ')).toContain('Envoy answers 500 for that share (20% of requests')
  })
  test('every backend missing: 500 with cluster_not_found, as before', () => {
    const r = run(rule('- backendRefs: [{name: x, port: 80, weight: 1}, {name: y, port: 80, weight: 1}]'), [
      { port: 80, host: 'shop.example.com' },
    ]).requests[0]!.result
    expect([r.status, r.reason]).toEqual([500, 'cluster_not_found'])
  })
  test('a refused cross-namespace backend in a split fails its share too (UnknownService)', () => {
    const r = run(
      rule('- backendRefs: [{name: a, port: 80, weight: 3}, {name: pay, namespace: payments, port: 80, weight: 1}]') +
        service('pay', 'payments', 80),
      [{ port: 80, host: 'shop.example.com' }],
    ).requests[0]!.result
    expect(r.status).toBe(200)
    expect(r.weightedClusters?.[1]).toEqual({ name: 'UnknownService', weight: 1, status: 500 })
  })
  test('a VirtualService split fails its missing share with 503', () => {
    const classic = virtualService(
      '- route: [{destination: {host: a}, weight: 90}, {destination: {host: ghost}, weight: 10}]',
      service('a', 'shop', 80),
    )
    const r = analyzeConfig({
      model: parseResources(classic),
      requests: [{ port: 80, host: 'x' }],
    }).requests[0]!.result
    expect(r.status).toBe(200)
    expect(r.weightedClusters?.map((c) => c.status)).toEqual([undefined, 503])
    const item = r.explanationItems.find((i) => i.hop === 'cluster')
    expect(item?.path).toBe('spec.http[0].route[1].destination.host')
  })
  test('a TCPRoute split with a missing backend resets only that share', () => {
    const yaml =
      k8sGateway('gw', 'shop', '- {name: redis, port: 6379, protocol: TCP}') +
      service('redis', 'shop', 6379) +
      route(
        't',
        'shop',
        'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: redis, port: 6379, weight: 1}, {name: gone, port: 6379, weight: 1}]}]',
        'TCPRoute',
      )
    const r = run(yaml, [{ port: 6379, protocol: 'tcp' }]).requests[0]!.result
    expect(r.status).toBe(200)
    expect(r.weightedClusters?.map((c) => c.status)).toEqual([undefined, 'connection_reset'])
  })
})

describe('RequestMirror (spec rule 31)', () => {
  const mirror = (extra: string): string =>
    rule(`- filters:
  - type: RequestMirror
    requestMirror: {backendRef: {name: b, port: 80}${extra}}
  backendRefs: [{name: a, port: 80}]`)
  const policy = (numerator: number, denominator?: 'MILLION') => ({
    cluster: 'outbound|80||b.shop.svc.cluster.local',
    runtime_fraction: { default_value: denominator === undefined ? { numerator } : { numerator, denominator } },
    trace_sampled: false,
    disable_shadow_host_suffix_append: true,
  })
  test.each<[string, string, unknown[]]>([
    ['no percent: every request (100 of a hundred)', '', [policy(100)]],
    ['percent 50: 50% of a million', ', percent: 50', [policy(500000, 'MILLION')]],
    ['fraction 1/3: 100·1/3 %, truncated', ', fraction: {numerator: 1, denominator: 3}', [policy(333333, 'MILLION')]],
    ['fraction without a denominator: out of 100', ', fraction: {numerator: 5}', [policy(50000, 'MILLION')]],
  ])('%s', (_name, extra, want) => {
    const action = routeAction(mirror(extra))
    expect(action['request_mirror_policies']).toEqual(want)
    expect(action['cluster']).toBe('outbound|80||a.shop.svc.cluster.local')
  })
  test('percent 0 mirrors nothing', () => {
    expect(routeAction(mirror(', percent: 0'))['request_mirror_policies']).toBeUndefined()
  })
  test('a mirror to a missing Service is dropped; the route stays and reports ResolvedRefs=False', () => {
    const yaml = rule(`- filters:
  - {type: RequestMirror, requestMirror: {backendRef: {name: ghost, port: 80}}}
  backendRefs: [{name: a, port: 80}]`)
    const r = run(yaml, [{ port: 80, host: 'x' }])
    expect(routeAction(yaml)['request_mirror_policies']).toBeUndefined()
    expect(r.requests[0]?.result.status).toBe(200)
    expect(brief(r.conversion.status.routes[0]!.parents[0]!.conditions)).toEqual([
      'Accepted=True/Accepted',
      'ResolvedRefs=False/BackendNotFound',
    ])
  })
  test('a GRPCRoute whose mirror does not resolve is dropped whole (createMirrorFilter error)', () => {
    const grpc = (backend: string): string =>
      gw +
      svcs +
      route(
        'g',
        'shop',
        `parentRefs: [{name: gw}]\nrules:\n- filters: [{type: RequestMirror, requestMirror: {backendRef: {name: ${backend}, port: 80}}}]\n  backendRefs: [{name: a, port: 80}]`,
        'GRPCRoute',
      )
    expect(run(grpc('b'), [{ port: 80, host: 'x', path: '/svc/M' }]).requests[0]?.result.status).toBe(200)
    expect(run(grpc('ghost'), [{ port: 80, host: 'x', path: '/svc/M' }]).requests[0]?.result.status).toBe(404)
  })
  test('a VirtualService mirror with mirrorPercentage, its short host resolved in its namespace', () => {
    const classic = virtualService(
      '- route: [{destination: {host: a}}]\n    mirror: {host: b}\n    mirrorPercentage: {value: 12.5}',
      svcs,
    )
    const out = analyzeConfig({ model: parseResources(classic) })
    expect(out.routeConfigs['http.80']!.virtual_hosts[0]!.routes[0]!.route?.['request_mirror_policies']).toEqual([
      policy(125000, 'MILLION'),
    ])
  })
})

describe('ResolvedRefs with several bad references, as istiod picks them (route-refs.ts)', () => {
  const refs = (body: string): string[] => brief(run(rule(body)).conversion.status.routes[0]!.parents[0]!.conditions)
  const message = (body: string): string | undefined =>
    run(rule(body)).conversion.status.routes[0]!.parents[0]!.conditions[1]?.message
  test('a failing mirror in one rule, a missing backend in a later one: the later rule wins (seen in istiod 1.31)', () => {
    const body = `- filters: [{type: RequestMirror, requestMirror: {backendRef: {name: ghost, port: 80}}}]
  backendRefs: [{name: a, port: 80}]
- backendRefs: [{name: gone, port: 80}]`
    expect(message(body)).toBe('backend(gone.shop.svc.cluster.local) not found')
    // The IST0171 finding points at the backendRef istiod reported, not at the mirror.
    const finding = run(rule(body)).diagnostics.find((d) => d.code === 'IST0171')
    expect(finding?.path).toBe('spec.rules[1].backendRefs[0].name')
  })
  test('both in one rule: the backend reason, both messages joined', () => {
    const body = `- filters: [{type: RequestMirror, requestMirror: {backendRef: {name: ghost, port: 80}}}]
  backendRefs: [{name: gone, port: 80}]`
    expect(message(body)).toBe(
      'backend(gone.shop.svc.cluster.local) not found; backend(ghost.shop.svc.cluster.local) not found',
    )
  })
  test('a missing backend with weight 0 is never looked up', () => {
    expect(refs('- backendRefs: [{name: a, port: 80}, {name: ghost, port: 80, weight: 0}]')).toEqual([
      'Accepted=True/Accepted',
      'ResolvedRefs=True/ResolvedRefs',
    ])
  })
})
