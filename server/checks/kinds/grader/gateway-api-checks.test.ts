// The request kinds on a Kubernetes Gateway's own proxy (`gateway: ns/name`) and the `status`
// kind, graded offline from YAML files as a learner writes them: the prediction comes from
// istiod's Gateway API conversion, a failure names the field to fix and its cause.
import { describe, expect, it } from 'vitest'
import { createTextResourceSource } from '../../grader-input-files.ts'
import { checkKinds } from '../../registry.ts'
import type { CheckContext, CheckOutcome } from '../../types.ts'
import { paramsFor, prepareParams } from '../../check-params.ts'
import type { CheckKind } from '../../types.ts'

/** The schema errors of a check's parameters, as the lab loader finds them (app-wide dialect). */
function validateParams(kind: CheckKind, params: Record<string, unknown>): unknown[] {
  const prepared = prepareParams(kind, { id: 'c', kind: kind.kind, ...params })
  return prepared.ok ? [] : [...prepared.errors]
}

const shop = `apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: shop}
spec:
  selector: {app: frontend}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-cart, namespace: shop}
spec:
  selector: {app: redis-cart}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 8080}]
`

const gateway = (listeners: string, name = 'web', ns = 'shop'): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}}
spec:
  gatewayClassName: istio
  listeners:
${listeners}
`

const http = `  - name: http
    port: 80
    protocol: HTTP
    hostname: shop.example.com
`

const route = (spec: string, name = 'shop', ns = 'shop'): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}
`

const shopRoute = route(`  parentRefs: [{name: web}]
  hostnames: [shop.example.com]
  rules:
  - backendRefs: [{name: frontend, port: 80}]`)

async function check(kind: string, params: Record<string, unknown>, ...files: string[]): Promise<CheckOutcome> {
  const k = checkKinds.get(kind)
  if (k === undefined) {
    throw new Error(`no kind ${kind}`)
  }
  const problems = validateParams(k, params)
  expect(problems).toEqual([])
  const ctx: CheckContext = {
    labId: 'lab',
    stepIndex: 0,
    workspaceDir: '/nonexistent',
    vars: { LEARNER_NAMESPACE: 'shop' },
    runCommand: () => Promise.reject(new Error('not used')),
    readWorkspaceFile: () => Promise.resolve(undefined),
    services: {
      resources: createTextResourceSource(files.map((text, i) => ({ file: `f${i}.yaml`, text }))),
    },
  }
  return k.run(paramsFor(k, params), ctx)
}

/** A check against the shop's Services and its Gateway shop/web with the http listener (files f0, f1), plus `files` (f2, ...). */
const onWeb = (kind: string, params: Record<string, unknown>, ...files: string[]): Promise<CheckOutcome> =>
  check(kind, params, shop, gateway(http), ...files)

const viaWeb = { host: 'shop.example.com', path: '/', gateway: 'shop/web', expect: { service: 'frontend', port: 80 } }

describe('route on a Kubernetes Gateway (gateway: ns/name)', () => {
  it('passes when the HTTPRoute attaches and sends the host to the Service', async () => {
    const r = await onWeb('route', viaWeb, shopRoute)
    expect(r.passed).toBe(true)
    expect(r.message).toContain('via Gateway shop/web')
    // Offline, the live layers say they need the cluster.
    expect(r.layers.map((l) => [l.layer, l.passed])).toEqual([
      ['config', true],
      ['envoy', undefined],
      ['traffic', undefined],
    ])
  })

  it('without `gateway` the same files route nothing on the classic ingress gateway', async () => {
    const { gateway: _g, ...classic } = viaWeb
    const r = await onWeb('route', classic, shopRoute)
    expect(r.passed).toBe(false)
  })

  it('a Gateway that does not exist: object-missing', async () => {
    const r = await onWeb('route', { ...viaWeb, gateway: 'shop/nope' }, shopRoute)
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('object-missing')
    expect(r.message).toContain('no Kubernetes Gateway shop/nope')
  })

  it('a route hostname outside the listener: host-mismatch, pointing at spec.hostnames', async () => {
    const r = await onWeb('route', viaWeb, shopRoute.replace('[shop.example.com]', '[shop.example.org]'))
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('host-mismatch')
    expect(r.hint).toMatch(/HTTPRoute shop\/shop spec\.hostnames \(f2\.yaml:\d+\)/)
  })

  it('a route from another namespace the listener does not allow: not-allowed-by-listener', async () => {
    const r = await check(
      'route',
      { ...viaWeb, gateway: 'infra/web' },
      shop,
      gateway(http, 'web', 'infra'),
      shopRoute.replace('{name: web}', '{name: web, namespace: infra}'),
    )
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('not-allowed-by-listener')
    expect(r.hint).toContain('spec.parentRefs[0]')
    expect(r.hint).toContain('allowedRoutes')
  })

  it('a wrong sectionName: parent-not-found naming the listeners', async () => {
    const r = await onWeb('route', viaWeb, shopRoute.replace('{name: web}', '{name: web, sectionName: https}'))
    expect(r.cause).toBe('parent-not-found')
    expect(r.hint).toContain('spec.parentRefs[0].sectionName')
    expect(r.hint).toContain('"http"')
  })

  it('a backend in another namespace without a ReferenceGrant: ref-not-permitted; with one it passes', async () => {
    const cross = route(
      `  parentRefs: [{name: web, namespace: shop}]
  hostnames: [shop.example.com]
  rules:
  - backendRefs: [{name: frontend, namespace: shop, port: 80}]`,
      'shop',
      'infra',
    )
    const all = gateway(http.replace('    hostname', '    allowedRoutes: {namespaces: {from: All}}\n    hostname'))
    const r = await check('route', viaWeb, shop, all, cross)
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('ref-not-permitted')
    expect(r.hint).toContain('ReferenceGrant')
    const grant = `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: from-infra, namespace: shop}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
  to: [{group: '', kind: Service}]
`
    expect((await check('route', viaWeb, shop, all, cross, grant)).passed).toBe(true)
  })

  it("names the learner's HTTPRoute rule, never istiod's generated VirtualService", async () => {
    const r = await onWeb('route', viaWeb, shopRoute.replace('port: 80', 'port: 8080'))
    expect(r.passed).toBe(false)
    expect(r.hint).toMatch(/^HTTPRoute shop\/shop spec\.rules\[0\](\.matches\[0\])? \(f2\.yaml:\d+\) uses port 8080/)
    expect(r.hint).not.toContain('istio-autogenerated')
  })

  it('a parentRef to a Gateway in the wrong namespace: parent-not-found naming it', async () => {
    const r = await onWeb(
      'route',
      viaWeb,
      shopRoute.replace('parentRefs: [{name: web}]', 'parentRefs: [{name: web, namespace: istio-system}]'),
    )
    expect(r.cause).toBe('parent-not-found')
    expect(r.hint).toContain('names the Gateway istio-system/web, not shop/web')
  })

  it('a redirect with another status code than expected: wrong-destination', async () => {
    const redirect = route(`  parentRefs: [{name: web}]
  hostnames: [shop.example.com]
  rules:
  - matches: [{path: {type: Exact, value: /old}}]
    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /new}}}]`)
    const params = { host: 'shop.example.com', path: '/old', gateway: 'shop/web', expect: { status: 301 } }
    const r = await onWeb('route', params, redirect)
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('wrong-destination')
    expect(r.hint).toContain('where the step expects 301')
    const with301 = redirect.replace('replaceFullPath: /new}', 'replaceFullPath: /new}, statusCode: 301')
    expect((await onWeb('route', params, with301)).passed).toBe(true)
  })

  it('a port that is no listener port stops at the Gateway Service', async () => {
    const r = await onWeb('route', { ...viaWeb, port: 8080 }, shopRoute)
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('port-not-on-service')
    expect(r.message).toContain('The Service of Gateway shop/web has no port 8080')
  })
})

describe('weights and tcp on a Kubernetes Gateway', () => {
  it('grades a weighted split of backendRefs', async () => {
    const canary = `---
apiVersion: v1
kind: Service
metadata: {name: frontend-v2, namespace: shop}
spec:
  selector: {app: frontend-v2}
  ports: [{port: 80, targetPort: 8080}]
`
    const split = route(`  parentRefs: [{name: web}]
  hostnames: [shop.example.com]
  rules:
  - backendRefs:
    - {name: frontend, port: 80, weight: 90}
    - {name: frontend-v2, port: 80, weight: 10}`)
    const params = {
      host: 'shop.example.com',
      gateway: 'shop/web',
      backends: [
        { service: 'frontend', port: 80, weight: 90 },
        { service: 'frontend-v2', port: 80, weight: 10 },
      ],
    }
    expect((await check('weights', params, shop, canary, gateway(http), split)).passed).toBe(true)
    const swapped = split.replace('weight: 90', 'weight: 5')
    expect((await check('weights', params, shop, canary, gateway(http), swapped)).passed).toBe(false)
  })

  it('grades a TCPRoute on a TCP listener', async () => {
    const tcp = `  - name: redis
    port: 6379
    protocol: TCP
`
    const tcpRoute = `---
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: redis, namespace: shop}
spec:
  parentRefs: [{name: web, sectionName: redis}]
  rules:
  - backendRefs: [{name: redis-cart, port: 6379}]
`
    const params = { port: 6379, gateway: 'shop/web', expect: { service: 'redis-cart', port: 6379 } }
    const r = await check('tcp', params, shop, gateway(tcp), tcpRoute)
    expect(r.passed).toBe(true)
    expect(r.message).toContain('via Gateway shop/web')
    const wrong = await check(
      'tcp',
      params,
      shop,
      gateway(tcp),
      tcpRoute.replace('sectionName: redis', 'sectionName: db'),
    )
    expect(wrong.passed).toBe(false)
    expect(wrong.cause).toBe('parent-not-found')
  })
})

describe('status', () => {
  it("a route's Accepted on its parent, True and False with the field to fix", async () => {
    const params = { object: { kind: 'HTTPRoute', name: 'shop' }, condition: 'Accepted', parent: 'shop/web' }
    const ok = await onWeb('status', params, shopRoute)
    expect(ok.passed).toBe(true)
    expect(ok.message).toBe('HTTPRoute shop/shop on Gateway shop/web: Accepted is True (Accepted).')
    const bad = await onWeb('status', params, shopRoute.replace('shop.example.com]', 'x.example.org]'))
    expect(bad.passed).toBe(false)
    expect(bad.cause).toBe('host-mismatch')
    expect(bad.message).toContain('Accepted is False (NoMatchingListenerHostname)')
    expect(bad.hint).toContain('spec.hostnames')
  })

  it('a sectionName typo: the finding and its hint as sentences, the layer says the status is predicted', async () => {
    const params = { object: { kind: 'HTTPRoute', name: 'shop' }, condition: 'Accepted' }
    const r = await onWeb('status', params, shopRoute.replace('{name: web}', '{name: web, sectionName: htpp}'))
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('parent-not-found')
    expect(r.hint).toMatch(
      /^HTTPRoute shop\/shop spec\.parentRefs\[0\]\.sectionName \(f2\.yaml:\d+\): Accepted is False \(NoMatchingParent\): sectionName "htpp" not found\. sectionName names a listener of Gateway shop\/web: "http"\.$/,
    )
    expect(r.layers).toEqual([
      {
        layer: 'config',
        passed: false,
        message:
          'HTTPRoute shop/shop on Gateway shop/web: Accepted is False (NoMatchingParent): sectionName "htpp" not found (predicted from your resources)',
      },
    ])
  })

  it('ResolvedRefs of a route with a missing backend: destination-not-found', async () => {
    const params = { object: { kind: 'HTTPRoute', name: 'shop' }, condition: 'ResolvedRefs' }
    const r = await onWeb('status', params, shopRoute.replace('name: frontend,', 'name: frontend-x,'))
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('destination-not-found')
    expect(r.hint).toContain('spec.rules[0].backendRefs[0].name')
  })

  it("a listener's ResolvedRefs with a missing certificate Secret: tls-credential", async () => {
    const https = `  - name: https
    port: 443
    protocol: HTTPS
    hostname: shop.example.com
    tls:
      certificateRefs: [{name: shop-cert}]
`
    const params = { object: { kind: 'Gateway', name: 'web' }, listener: 'https', condition: 'ResolvedRefs' }
    // Without any Secret in the files it may have been made with kubectl: not verifiable offline.
    expect((await check('status', params, shop, gateway(https))).status).toBe('unverified')
    const tlsSecret = (name: string): string => `---
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: shop}
type: kubernetes.io/tls
data: {tls.crt: Y2VydA==, tls.key: a2V5}
`
    const r = await check('status', params, shop, gateway(https), tlsSecret('other-cert'))
    expect(r.passed).toBe(false)
    expect(r.cause).toBe('tls-credential')
    expect(r.hint).toContain('spec.listeners[0].tls.certificateRefs')
    expect((await check('status', params, shop, gateway(https), tlsSecret('shop-cert'))).passed).toBe(true)
  })

  it("a Gateway's Programmed, and a route whose parent does not exist", async () => {
    const programmed = await onWeb('status', { object: { kind: 'Gateway', name: 'web' }, condition: 'Programmed' })
    expect(programmed.passed).toBe(true)
    const orphan = await check(
      'status',
      { object: { kind: 'HTTPRoute', name: 'shop' }, condition: 'Accepted' },
      shop,
      shopRoute,
    )
    expect(orphan.passed).toBe(false)
    expect(orphan.cause).toBe('parent-not-found')
    const missing = await check('status', { object: { kind: 'Gateway', name: 'web' }, condition: 'Accepted' }, shop)
    expect(missing.cause).toBe('object-missing')
  })

  it('refuses a parent that is not ns/name', () => {
    const k = checkKinds.get('status')!
    expect(
      validateParams(k, { object: { kind: 'HTTPRoute', name: 'a' }, condition: 'Accepted', parent: 'web' }),
    ).not.toEqual([])
  })
})
