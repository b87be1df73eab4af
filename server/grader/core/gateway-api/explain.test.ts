// Explanations and "field to fix" for requests to a Kubernetes Gateway's proxy: the common reasons
// a Gateway API route does not serve a request, each pointing at the field and line to change.
import { describe, expect, test } from 'vitest'
import { parseResources } from '../model/index.ts'
import type { ExplanationItem, SimRequest } from '../simulate/request.ts'
import { convertGatewayApi } from './convert.ts'
import { k8sGateway, route, service } from './gateway-api.test-helper.ts'
import { parseGatewayApi } from './model.ts'
import { plainNames } from './explain.ts'
import { simulateGatewayProxies } from './proxies.ts'
import { statusFindings } from './status-findings.ts'

/** Simulates one request on Gateway `infra/shared`; the items that name a resource. */
function explain(yaml: string, request: SimRequest): { status: unknown; items: ExplanationItem[] } {
  const classic = parseResources(yaml, { file: 'in.yaml' })
  const gatewayApi = parseGatewayApi(yaml, { file: 'in.yaml' })
  const conversion = convertGatewayApi(gatewayApi, classic)
  const findings = statusFindings(conversion, gatewayApi, classic)
  const proxies = simulateGatewayProxies({
    conversion,
    classic,
    gatewayApi,
    findings,
    requests: new Map([['infra/shared', [request]]]),
  })
  const result = proxies.find((p) => p.info.key === 'infra/shared')!.requests[0]!.result
  return { status: result.status, items: result.explanationItems.filter((i) => i.resource !== undefined) }
}

const shared = k8sGateway(
  'shared',
  'infra',
  `- name: http
  port: 80
  protocol: HTTP
  hostname: "*.example.com"
  allowedRoutes: {namespaces: {from: Same}}`,
)
const web = (spec: string, ns = 'infra'): string => route('web', ns, spec)
const req: SimRequest = { port: 80, host: 'shop.example.com', path: '/' }

/** `resource path@line cause`, the parts a learner acts on. */
const brief = (i: ExplanationItem): string => `${i.resource} ${i.path}@${i.line} ${i.cause ?? '-'}`

describe('why a request to a Kubernetes Gateway gets 404 (spec rules 16-18)', () => {
  test.each<[string, string, string, RegExp]>([
    [
      'a sectionName that names no listener',
      shared +
        service('web', 'infra', 80) +
        web('parentRefs: [{name: shared, sectionName: htpp}]\nrules: [{backendRefs: [{name: web, port: 80}]}]'),
      'HTTPRoute infra/web spec.parentRefs[0].sectionName@24 -',
      /sectionName "htpp" not found.*"http"/,
    ],
    [
      'a route hostname outside the listener hostname',
      shared +
        service('web', 'infra', 80) +
        web(
          'parentRefs: [{name: shared}]\nhostnames: [shop.example.org]\nrules: [{backendRefs: [{name: web, port: 80}]}]',
        ),
      'Gateway infra/shared spec.listeners[0].hostname@10 host-mismatch',
      /No listener of Gateway infra\/shared on port 80 accepts host shop\.example\.org/,
    ],
    [
      'a route in a namespace allowedRoutes refuses',
      shared +
        service('web', 'shop', 80) +
        web('parentRefs: [{name: shared, namespace: infra}]\nrules: [{backendRefs: [{name: web, port: 80}]}]', 'shop'),
      'HTTPRoute shop/web spec.parentRefs[0]@24 -',
      /namespace "shop" is not allowed by the parent.*allowedRoutes/,
    ],
    [
      'a parentRef to a Gateway that does not exist',
      shared +
        service('web', 'infra', 80) +
        web('parentRefs: [{name: shard}]\nrules: [{backendRefs: [{name: web, port: 80}]}]'),
      'HTTPRoute infra/web spec.parentRefs[0].name@24 gateway-not-found',
      /names Gateway infra\/shard.*Istio does not handle/,
    ],
  ])('%s', (_name, yaml, where, text) => {
    const host = /example\.org/.test(yaml) ? 'shop.example.org' : 'shop.example.com'
    const { status, items } = explain(yaml, { ...req, host })
    expect(status).toBe(404)
    expect(items.map(brief)).toEqual([where])
    expect(items.map((i) => `${i.message} ${i.hint ?? ''}`).join(' ')).toMatch(text)
    expect(items[0]?.file).toBe('in.yaml')
  })
})

describe('why a matched Gateway API rule answers 500 (spec rules 32-34)', () => {
  test('a backend Service that does not exist: its name, with the rule that matched', () => {
    const { status, items } = explain(
      shared + web('parentRefs: [{name: shared}]\nrules:\n- backendRefs: [{name: ghost, port: 80}]'),
      req,
    )
    expect(status).toBe(500)
    expect(items.map(brief)).toEqual([
      'HTTPRoute infra/web spec.rules[0].matches[0]@19 -',
      'HTTPRoute infra/web spec.rules[0].backendRefs[0].name@19 destination-not-found',
    ])
    expect(items[1]?.message).toMatch(/Service ghost in namespace infra, which does not exist, so Envoy answers 500/)
  })
  test('a cross-namespace backend without a ReferenceGrant: the namespace field and the grant to create', () => {
    const { status, items } = explain(
      shared +
        service('pay', 'payments', 80) +
        web('parentRefs: [{name: shared}]\nrules:\n- backendRefs: [{name: pay, namespace: payments, port: 80}]'),
      req,
    )
    expect(status).toBe(500)
    expect(brief(items[1]!)).toBe('HTTPRoute infra/web spec.rules[0].backendRefs[0].namespace@26 -')
    expect(items[1]?.hint).toMatch(/ReferenceGrant in namespace payments .*kind: HTTPRoute, namespace: infra/)
  })
  test('in a split, only the missing share is explained, with its share of requests', () => {
    const { status, items } = explain(
      shared +
        service('web', 'infra', 80) +
        web(
          'parentRefs: [{name: shared}]\nrules:\n- backendRefs: [{name: web, port: 80, weight: 75}, {name: zero, port: 80, weight: 0}, {name: ghost, port: 80, weight: 25}]',
        ),
      req,
    )
    expect(status).toBe(200)
    expect(items.slice(1).map(brief)).toEqual([
      'HTTPRoute infra/web spec.rules[0].backendRefs[2].name@26 destination-not-found',
    ])
    expect(items[1]?.message).toContain('Envoy answers 500 for that share (25% of requests')
  })
  test('a backend port the Service does not have', () => {
    const { items } = explain(
      shared +
        service('web', 'infra', 80) +
        web('parentRefs: [{name: shared}]\nrules:\n- backendRefs: [{name: web, port: 8080}]'),
      req,
    )
    expect(brief(items[1]!)).toBe('HTTPRoute infra/web spec.rules[0].backendRefs[0].port@26 port-not-on-service')
  })
  test('a TCPRoute backend that does not exist: the connection is reset, the backendRef named', () => {
    const yaml =
      k8sGateway('shared', 'infra', '- {name: redis, port: 6379, protocol: TCP}') +
      route(
        'cache',
        'infra',
        'parentRefs: [{name: shared}]\nrules: [{backendRefs: [{name: redis, port: 6379}]}]',
        'TCPRoute',
      )
    const { status, items } = explain(yaml, { port: 6379, protocol: 'tcp' })
    expect(status).toBe('connection_reset')
    expect(items.map(brief)).toEqual([
      'TCPRoute infra/cache spec.rules[0]@14 -',
      'TCPRoute infra/cache spec.rules[0].backendRefs[0].name@14 destination-not-found',
    ])
    expect(items[0]?.message).toContain(
      'tcp_proxy to outbound|6379||redis.infra.svc.cluster.local, from TCPRoute infra/cache spec.rules[0].',
    )
    const item = items[1]
    expect(item?.message).toMatch(
      /Service redis in namespace infra, which does not exist, so Envoy resets the connection/,
    )
  })
  test('a rule without backends answers 500 by itself', () => {
    const { status, items } = explain(
      shared + web('parentRefs: [{name: shared}]\nrules:\n- matches: [{path: {type: PathPrefix, value: /}}]'),
      req,
    )
    expect(status).toBe(500)
    expect(items.map(brief)).toContain('HTTPRoute infra/web spec.rules[0].backendRefs@19 -')
  })
})

test('internal object names read as the Gateway, listener and host the learner wrote', () => {
  expect(
    plainNames(
      'VirtualService shop/infra~shared~istio-autogenerated-k8s-gateway~http~*.example.com binds to infra/shared~istio-autogenerated-k8s-gateway~http.',
    ),
  ).toBe(
    'the routes for *.example.com on Gateway infra/shared listener "http" binds to Gateway infra/shared listener "http".',
  )
})
