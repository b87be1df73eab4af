// Explanations for the mistakes learners make, one case per cause: each asserts the hop that
// stopped the request, the resource and field to change, and the key words of the sentence.
import { describe, expect, test } from 'vitest'
import type { ExplanationItem, SimRequest } from '../simulate/request.ts'
import { gateway, simulateOne } from '../simulate/simulate.test-helper.ts'

const ingressService = `apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: default}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
`
const shopGw = gateway(
  'app-gateway',
  'default',
  'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["shop.example.com"]',
)
const vs = (name: string, body: string, ns = 'default') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
${body}
---
`
const toFrontend = '  http:\n  - route: [{destination: {host: frontend, port: {number: 80}}}]'

interface ExplainCase {
  name: string
  config: string
  request: SimRequest
  reason: string | undefined
  hop: ExplanationItem['hop']
  resource?: string
  path?: string
  says: RegExp
}

const req = (host: string, path = '/', port = 8080): SimRequest => ({ port, host, path })

const cases: ExplainCase[] = [
  {
    name: 'no Gateway for the port',
    config: ingressService,
    request: req('shop.example.com'),
    reason: 'no_listener',
    hop: 'listener',
    says: /No Gateway exists/,
  },
  {
    name: 'Gateway selector does not match the ingress pod',
    config:
      ingressService +
      shopGw.replace('istio: ingressgateway', 'istio: ingress') +
      vs('shop', `  hosts: [shop.example.com]\n  gateways: [app-gateway]\n${toFrontend}`),
    request: req('shop.example.com'),
    reason: 'no_listener',
    hop: 'listener',
    resource: 'Gateway default/app-gateway',
    path: 'spec.selector',
    says: /selects \{istio: ingress\}.*labelled \{istio: ingressgateway, app: istio-ingressgateway\}/,
  },
  {
    name: 'request sent to the Service port instead of the translated port',
    config: ingressService + shopGw,
    request: req('shop.example.com', '/', 80),
    reason: 'no_listener',
    hop: 'listener',
    resource: 'Gateway default/app-gateway',
    says: /Envoy listens on 8080 \(Service istio-system\/istio-ingressgateway maps port 80 to targetPort 8080\)/,
  },
  {
    name: 'VirtualService without gateways (mesh only)',
    config: ingressService + shopGw + vs('shop', `  hosts: [shop.example.com]\n${toFrontend}`),
    request: req('shop.example.com'),
    reason: 'no_route',
    hop: 'virtual_host',
    resource: 'VirtualService default/shop',
    path: 'spec.gateways',
    says: /has no gateways field, so it applies only to sidecars/,
  },
  {
    name: 'gateway reference with the wrong namespace',
    config:
      ingressService +
      gateway(
        'app-gateway',
        'istio-system',
        'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["shop.example.com"]',
      ) +
      vs('shop', `  hosts: [shop.example.com]\n  gateways: [app-gateway]\n${toFrontend}`),
    request: req('shop.example.com'),
    reason: 'no_route',
    hop: 'virtual_host',
    resource: 'VirtualService default/shop',
    path: 'spec.gateways[0]',
    says: /resolves to default\/app-gateway; no such Gateway exists/,
  },
  {
    name: 'gateway reference with the wrong name',
    config:
      ingressService + shopGw + vs('shop', `  hosts: [shop.example.com]\n  gateways: [shop-gateway]\n${toFrontend}`),
    request: req('shop.example.com'),
    reason: 'no_route',
    hop: 'virtual_host',
    path: 'spec.gateways[0]',
    says: /"shop-gateway".*no such Gateway exists/,
  },
  {
    name: 'exportTo hides the VirtualService from the gateway',
    config:
      ingressService +
      shopGw +
      vs('shop', `  hosts: [shop.example.com]\n  gateways: [app-gateway]\n  exportTo: ["."]\n${toFrontend}`),
    request: req('shop.example.com'),
    reason: 'no_route',
    hop: 'virtual_host',
    path: 'spec.exportTo',
    says: /invisible to the gateway in namespace istio-system/,
  },
  {
    name: 'host not served by the Gateway',
    config:
      ingressService +
      shopGw +
      vs('hipster', `  hosts: [hipster.example.com]\n  gateways: [app-gateway]\n${toFrontend}`),
    request: req('hipster.example.com'),
    reason: 'no_route',
    hop: 'virtual_host',
    resource: 'Gateway default/app-gateway',
    path: 'spec.servers[0].hosts',
    says: /serves only shop\.example\.com, so VirtualService default\/hipster \(host hipster\.example\.com\) was not attached/,
  },
  {
    name: 'namespace-scoped server host',
    config:
      ingressService +
      gateway(
        'app-gateway',
        'istio-system',
        'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["shop/shop.example.com"]',
      ) +
      vs('shop', `  hosts: [shop.example.com]\n  gateways: [istio-system/app-gateway]\n${toFrontend}`),
    request: req('shop.example.com'),
    reason: 'no_route',
    hop: 'virtual_host',
    resource: 'Gateway istio-system/app-gateway',
    says: /admits only VirtualServices in namespace shop; VirtualService default\/shop is in default/,
  },
  {
    name: 'match does not cover the path',
    config:
      ingressService +
      shopGw +
      vs(
        'shop',
        '  hosts: [shop.example.com]\n  gateways: [app-gateway]\n  http:\n  - match: [{uri: {prefix: /kiali}}]\n    route: [{destination: {host: frontend}}]',
      ),
    request: req('shop.example.com', '/'),
    reason: 'no_route',
    hop: 'route',
    resource: 'VirtualService default/shop',
    path: 'spec.http[0].match[0]',
    says: /requires prefix \/kiali/,
  },
  {
    name: 'catch-all truncation hid a later rule',
    config:
      ingressService +
      shopGw +
      vs(
        'shop',
        '  hosts: [shop.example.com]\n  gateways: [app-gateway]\n  http:\n  - match: [{uri: {prefix: /}}]\n    route: [{destination: {host: frontend}}]\n  - match: [{uri: {prefix: /api}}]\n    route: [{destination: {host: api}}]',
      ),
    request: req('shop.example.com', '/api/products'),
    reason: undefined,
    hop: 'route',
    path: 'spec.http[1]',
    says: /would match this request but was not translated: never translated: default\/shop spec\.http\[0\]\.match\[0\] already matches every request/,
  },
  {
    name: 'destination Service missing (503)',
    config:
      ingressService +
      shopGw +
      vs(
        'shop',
        '  hosts: [shop.example.com]\n  gateways: [app-gateway]\n  http:\n  - route: [{destination: {host: frontend-svc, port: {number: 80}}}]',
      ),
    request: req('shop.example.com'),
    reason: 'cluster_not_found',
    hop: 'cluster',
    resource: 'VirtualService default/shop',
    path: 'spec.http[0].route[0].destination.host',
    says: /no Service or ServiceEntry is named frontend-svc\.default\.svc\.cluster\.local/,
  },
  {
    name: 'destination port not on the Service (503)',
    config:
      ingressService +
      shopGw +
      vs(
        'shop',
        '  hosts: [shop.example.com]\n  gateways: [app-gateway]\n  http:\n  - route: [{destination: {host: frontend, port: {number: 8080}}}]',
      ),
    request: req('shop.example.com'),
    reason: 'cluster_not_found',
    hop: 'cluster',
    path: 'spec.http[0].route[0].destination.port.number',
    says: /Service default\/frontend has port 80, not 8080/,
  },
  {
    name: 'Service in another namespace than the short name implies (503)',
    config:
      ingressService +
      shopGw +
      vs(
        'shop',
        `  hosts: [shop.example.com]\n  gateways: [default/app-gateway]\n  http:\n  - route: [{destination: {host: frontend, port: {number: 80}}}]`,
        'web',
      ),
    request: req('shop.example.com'),
    reason: 'cluster_not_found',
    hop: 'cluster',
    says: /frontend\.web\.svc\.cluster\.local/,
  },
  {
    name: 'subset without a DestinationRule (503)',
    config:
      ingressService +
      shopGw +
      vs(
        'shop',
        '  hosts: [shop.example.com]\n  gateways: [app-gateway]\n  http:\n  - route: [{destination: {host: frontend, subset: v2}}]',
      ),
    request: req('shop.example.com'),
    reason: 'cluster_not_found',
    hop: 'cluster',
    path: 'spec.http[0].route[0].destination.subset',
    says: /no DestinationRule defines subset v2/,
  },
  {
    name: 'https required (301)',
    config:
      ingressService +
      shopGw.replace('hosts: ["shop.example.com"]', 'hosts: ["shop.example.com"]\n    tls: {httpsRedirect: true}') +
      vs('shop', `  hosts: [shop.example.com]\n  gateways: [app-gateway]\n${toFrontend}`),
    request: req('shop.example.com', '/cart'),
    reason: 'tls_redirect',
    hop: 'virtual_host',
    resource: 'Gateway default/app-gateway',
    path: 'spec.servers[0].tls.httpsRedirect',
    says: /sets tls\.httpsRedirect: true.*301 to https:\/\/shop\.example\.com\/cart/,
  },
  {
    name: 'TLS SNI with no filter chain',
    config:
      ingressService +
      gateway(
        'app-gateway',
        'default',
        'port: {number: 443, name: https, protocol: HTTPS}\nhosts: ["shop.example.com"]\ntls: {mode: SIMPLE, credentialName: shop-cert}',
      ),
    request: { port: 8443, host: 'www.example.com', tls: true },
    reason: 'no_filter_chain',
    hop: 'filter_chain',
    says: /only accepts TLS connections for shop\.example\.com; the TLS request's SNI "www\.example\.com" matches none/,
  },
  {
    name: 'rejected Gateway (IST0106)',
    config:
      ingressService +
      gateway('app.gateway', 'default', 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["shop.example.com"]'),
    request: req('shop.example.com'),
    reason: 'no_listener',
    hop: 'listener',
    resource: 'Gateway default/app.gateway',
    says: /fails istiod validation/,
  },
  {
    name: 'TCP server without a tcp route',
    config: ingressService + gateway('db', 'default', 'port: {number: 3306, name: mysql, protocol: TCP}\nhosts: ["*"]'),
    request: { port: 3306, protocol: 'tcp' },
    reason: 'no_listener',
    hop: 'listener',
    resource: 'Gateway default/db',
    says: /has no matching tcp rule/,
  },
  {
    name: 'no VirtualService for a host the Gateway serves',
    config: ingressService + shopGw,
    request: req('shop.example.com'),
    reason: 'no_route',
    hop: 'route',
    says: /no virtual hosts because no VirtualService is attached/,
  },
]

describe('explanations', () => {
  test.each(cases)('$name', (c) => {
    const r = simulateOne(c.config, c.request)
    expect(r.reason).toBe(c.reason)
    const items = r.explanationItems.filter(
      (i) => i.hop === c.hop && c.says.test(i.message + (i.hint ? ` ${i.hint}` : '')),
    )
    expect(items, JSON.stringify(r.explanationItems, null, 1)).not.toHaveLength(0)
    const it = items[0]!
    if (c.resource !== undefined) {
      expect(it.resource).toBe(c.resource)
    }
    if (c.path !== undefined) {
      expect(it.path).toBe(c.path)
    }
    expect(r.explanation).toHaveLength(r.explanationItems.length)
  })
  test('the example from the brief, word for word where it matters', () => {
    const shop = vs('shop', `  hosts: [shop.example.com]\n  gateways: [app-gateway]\n${toFrontend}`)
    const r = simulateOne(
      ingressService +
        shopGw +
        shop +
        vs('hipster', `  hosts: [hipster.example.com]\n  gateways: [app-gateway]\n${toFrontend}`),
      req('hipster.example.com'),
    )
    expect(r.explanation[0]).toBe(
      'No virtual host for hipster.example.com on http.8080: it serves only shop.example.com.',
    )
    expect(r.explanation[1]).toBe(
      "Gateway default/app-gateway serves only shop.example.com, so VirtualService default/hipster (host hipster.example.com) was not attached. Add hipster.example.com to the Gateway's hosts or change the VirtualService host.",
    )
  })
  test('a successful request names the hops and the rule', () => {
    const r = simulateOne(
      ingressService + shopGw + vs('shop', `  hosts: [shop.example.com]\n  gateways: [app-gateway]\n${toFrontend}`),
      req('shop.example.com'),
    )
    expect(r.status).toBe(200)
    expect(r.explanation).toEqual([
      '0.0.0.0_8080 → http.8080 → virtual host shop.example.com:80 → route 1 from VirtualService default/shop spec.http[0], which forwards to outbound|80||frontend.default.svc.cluster.local.',
    ])
  })
})

describe('a class-sized config', () => {
  test('the Service-port mistake is one sentence for all Gateways, naming a few and counting the rest', () => {
    const gateways = Array.from({ length: 5 }, (_, i) =>
      gateway(
        `web-${i}`,
        `trainee-${i}`,
        `port: {number: 80, name: http, protocol: HTTP}\nhosts: ["app.trainee-${i}.example.com"]`,
      ),
    ).join('')
    const result = simulateOne(ingressService + gateways, req('app.trainee-1.example.com', '/', 80))
    expect(result.reason).toBe('no_listener')
    const about = result.explanation.filter((e) => e.includes('Service port'))
    expect(about).toHaveLength(1)
    expect(about[0]).toMatch(
      /^5 Gateways \(trainee-0\/web-0, trainee-1\/web-1 and trainee-2\/web-2, …\) serve Gateway port 80, but Envoy listens on 8080/,
    )
  })
})
