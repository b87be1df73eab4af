// What the Kubernetes Gateway's proxy does with requests (spec rules 19-37): hostname
// intersection, matches and Gateway API precedence, filters, weighted and missing backends,
// TCPRoute and TLSRoute; the Envoy route config it receives; and the HTTPRoute rule each request
// matched. Simulated with the classic translator over istiod's internal objects.
import { describe, expect, test } from 'vitest'
import type { SimRequest } from '../simulate/request.ts'
import { k8sGateway, route, run, service } from './gateway-api.test-helper.ts'

const gw = k8sGateway('gw', 'shop', '- {name: http, port: 80, protocol: HTTP}')
const svcs = service('a', 'shop', 80) + service('b', 'shop', 80) + service('c', 'shop', 80)

function outcome(yaml: string, req: Omit<SimRequest, 'port'> & { port?: number }): string {
  const r = run(yaml, [{ port: 80, host: 'shop.example.com', ...req }])
  const res = r.requests[0]!.result
  const origin = r.origins[0]
  const where = origin === undefined ? '' : ` ${origin.route.name} ${origin.path}`
  return `${res.status}${res.cluster === undefined ? '' : ` ${res.cluster.split('|')[3]?.split('.')[0]}`}${where}`
}

describe('matches (spec rule 23)', () => {
  const yaml =
    gw +
    svcs +
    route(
      'r',
      'shop',
      `parentRefs: [{name: gw}]
hostnames: [shop.example.com]
rules:
- matches: [{path: {type: PathPrefix, value: /docs/}}]
  backendRefs: [{name: a, port: 80}]
- matches: [{path: {type: Exact, value: /exact}}, {path: {type: PathPrefix, value: /q}, queryParams: [{name: v, value: "2"}]}]
  backendRefs: [{name: b, port: 80}]
- matches: [{path: {type: PathPrefix, value: /m}, method: POST, headers: [{name: x-env, type: RegularExpression, value: "pr.*"}]}]
  backendRefs: [{name: c, port: 80}]`,
    )
  test.each([
    ['/docs', '200 a r spec.rules[0].matches[0]'],
    ['/docs/intro', '200 a r spec.rules[0].matches[0]'],
    ['/docsx', '404'],
    ['/exact', '200 b r spec.rules[1].matches[0]'],
    ['/exact/', '404'],
    ['/q?v=2', '200 b r spec.rules[1].matches[1]'],
    ['/q?v=3', '404'],
  ])('%s → %s', (path, want) => {
    expect(outcome(yaml, { path })).toBe(want)
  })
  test('method and a regex header', () => {
    expect(outcome(yaml, { path: '/m', method: 'POST', headers: { 'x-env': 'prod' } })).toBe(
      '200 c r spec.rules[2].matches[0]',
    )
    expect(outcome(yaml, { path: '/m', method: 'GET', headers: { 'x-env': 'prod' } })).toBe('404')
    expect(outcome(yaml, { path: '/m', method: 'POST', headers: { 'x-env': 'dev' } })).toBe('404')
  })
  test('a prefix is ranked by its length without the trailing slash: /ghost before /docs/ (seen in istiod 1.31)', () => {
    const r = run(
      gw +
        svcs +
        route(
          'r',
          'shop',
          'parentRefs: [{name: gw}]\nrules:\n- matches: [{path: {type: PathPrefix, value: /docs/}}]\n  backendRefs: [{name: a, port: 80}]\n- matches: [{path: {type: PathPrefix, value: /ghost}}]\n  backendRefs: [{name: b, port: 80}]',
        ),
    )
    expect(r.routeConfigs['http.80']!.virtual_hosts[0]!.routes.map((x) => x.match.path_separated_prefix)).toEqual([
      '/ghost',
      '/docs',
    ])
  })
  test('PathPrefix becomes path_separated_prefix without the trailing slash; `/` stays a prefix', () => {
    const r = run(
      yaml +
        route(
          'root',
          'shop',
          'parentRefs: [{name: gw}]\nhostnames: [shop.example.com]\nrules: [{backendRefs: [{name: a, port: 80}]}]',
        ),
    )
    const routes = r.routeConfigs['http.80']!.virtual_hosts[0]!.routes
    expect(routes.map((x) => x.match.path_separated_prefix ?? x.match.prefix ?? x.match.path)).toEqual([
      '/exact',
      '/docs',
      '/m',
      '/q',
      '/',
    ])
    expect(routes[0]?.route?.['cluster_not_found_response_code']).toBe('INTERNAL_SERVER_ERROR')
  })
})

describe('precedence across rules and routes (spec rules 20, 24, 25)', () => {
  const rule = (path: string, type: string, backend: string): string =>
    `- matches: [{path: {type: ${type}, value: "${path}"}}]\n  backendRefs: [{name: ${backend}, port: 80}]`
  test('Exact beats a longer prefix; a longer prefix beats a shorter one, whatever the order written', () => {
    const yaml =
      gw +
      svcs +
      route(
        'r',
        'shop',
        `parentRefs: [{name: gw}]\nrules:\n${rule('/', 'PathPrefix', 'a')}\n${rule('/api', 'PathPrefix', 'b')}\n${rule('/api/v1', 'Exact', 'c')}`,
      )
    expect(outcome(yaml, { path: '/api/v1' })).toBe('200 c r spec.rules[2].matches[0]')
    expect(outcome(yaml, { path: '/api/v2' })).toBe('200 b r spec.rules[1].matches[0]')
    expect(outcome(yaml, { path: '/other' })).toBe('200 a r spec.rules[0].matches[0]')
  })

  test('a regex rule is lost when a `/` rule exists for the same hostname (the catch-all ends the list)', () => {
    const yaml =
      gw +
      svcs +
      route(
        'r',
        'shop',
        `parentRefs: [{name: gw}]\nrules:\n${rule('/img/.*', 'RegularExpression', 'b')}\n${rule('/', 'PathPrefix', 'a')}`,
      )
    expect(outcome(yaml, { path: '/img/x.png' })).toBe('200 a r spec.rules[1].matches[0]')
    const r = run(yaml)
    expect(r.routeConfigs['http.80']!.virtual_hosts[0]!.routes).toHaveLength(1)
  })

  test('more headers win over fewer on the same path; a method wins over none', () => {
    const yaml =
      gw +
      svcs +
      route(
        'r',
        'shop',
        `parentRefs: [{name: gw}]
rules:
- matches: [{path: {type: PathPrefix, value: /p}}]
  backendRefs: [{name: a, port: 80}]
- matches: [{path: {type: PathPrefix, value: /p}, headers: [{name: x, value: "1"}]}]
  backendRefs: [{name: b, port: 80}]
- matches: [{path: {type: PathPrefix, value: /p}, method: GET}]
  backendRefs: [{name: c, port: 80}]`,
      )
    expect(outcome(yaml, { path: '/p', headers: { x: '1' } })).toBe('200 c r spec.rules[2].matches[0]')
    expect(outcome(yaml, { path: '/p', method: 'PUT', headers: { x: '1' } })).toBe('200 b r spec.rules[1].matches[0]')
    expect(outcome(yaml, { path: '/p', method: 'PUT' })).toBe('200 a r spec.rules[0].matches[0]')
  })

  test('equal matches in two routes: the older route wins; equal times: namespace, then name', () => {
    const shared = k8sGateway(
      'gw',
      'shop',
      '- {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}',
    )
    const r = (name: string, ns: string, backend: string, ts: string): string =>
      route(
        name,
        ns,
        `parentRefs: [{name: gw, namespace: shop}]\nrules:\n${rule('/x', 'PathPrefix', backend)}`,
        'HTTPRoute',
        `, creationTimestamp: "${ts}"`,
      )
    const base = shared + service('a', 'shop', 80) + service('b', 'alpha', 80) + service('c', 'zeta', 80)
    const older = base + r('zz', 'zeta', 'c', '2026-01-01T00:00:00Z') + r('aa', 'alpha', 'b', '2026-02-01T00:00:00Z')
    expect(outcome(older, { path: '/x' })).toBe('200 c zz spec.rules[0].matches[0]')
    const tie = base + r('aa', 'zeta', 'c', '2026-01-01T00:00:00Z') + r('zz', 'alpha', 'b', '2026-01-01T00:00:00Z')
    expect(outcome(tie, { path: '/x' })).toBe('200 b zz spec.rules[0].matches[0]')
    // The merged VirtualService lives in the namespace of the first route in that order.
    expect(run(tie).conversion.virtualServices[0]?.vs.metadata.namespace).toBe('alpha')
  })
})

describe('hostnames (spec rules 19, 21, 22)', () => {
  test('route `*` on listener *.example.com serves *.example.com; an explicit host has no fallback to it', () => {
    const yaml =
      k8sGateway('gw', 'shop', '- {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}') +
      svcs +
      route('any', 'shop', 'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: a, port: 80}]}]') +
      route(
        'one',
        'shop',
        'parentRefs: [{name: gw}]\nhostnames: [shop.example.com]\nrules:\n- matches: [{path: {type: PathPrefix, value: /only}}]\n  backendRefs: [{name: b, port: 80}]',
      )
    const r = run(yaml)
    expect(r.routeConfigs['http.80']!.virtual_hosts.map((v) => v.domains)).toEqual([
      ['*.example.com'],
      ['shop.example.com'],
    ])
    expect(outcome(yaml, { host: 'cart.example.com', path: '/' })).toBe('200 a any spec.rules[0].matches[0]')
    expect(outcome(yaml, { host: 'shop.example.com', path: '/' })).toBe('404')
  })

  test('the VirtualService is named by the hostname the route writes (`*`), its host is the intersection (seen in istiod 1.31)', () => {
    const yaml =
      k8sGateway('gw', 'shop', '- {name: web, port: 80, protocol: HTTP, hostname: shop.example.com}') +
      svcs +
      route('r', 'shop', 'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: a, port: 80}]}]')
    const vs = run(yaml).conversion.virtualServices[0]?.vs
    expect([vs?.metadata.name, vs?.spec.hosts]).toEqual([
      'shop~gw~istio-autogenerated-k8s-gateway~web~*',
      ['shop.example.com'],
    ])
  })

  test('listener isolation: a wildcard listener drops hosts that a more specific listener on the port owns', () => {
    const yaml =
      k8sGateway(
        'gw',
        'shop',
        '- {name: wild, port: 80, protocol: HTTP, hostname: "*.example.com"}\n- {name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}',
      ) +
      svcs +
      route(
        'r',
        'shop',
        'parentRefs: [{name: gw, sectionName: wild}]\nhostnames: [shop.example.com, cart.example.com]\nrules: [{backendRefs: [{name: a, port: 80}]}]',
      )
    expect(run(yaml).conversion.virtualServices.map((v) => v.vs.spec.hosts)).toEqual([['cart.example.com']])
  })
})

describe('filters (spec rules 28-30)', () => {
  const withFilters = (filters: string, backends = 'backendRefs: [{name: a, port: 80}]'): string =>
    gw +
    svcs +
    route(
      'r',
      'shop',
      `parentRefs: [{name: gw}]\nhostnames: [shop.example.com]\nrules:\n- matches: [{path: {type: PathPrefix, value: /api}}]\n  filters:\n${filters}\n  ${backends}`,
    )
  const routeOf = (yaml: string): Record<string, unknown> =>
    run(yaml).routeConfigs['http.80']!.virtual_hosts[0]!.routes[0]!

  test('header modifiers: names lower-cased, set overwrites, add appends, the first repeated name wins', () => {
    const yaml = withFilters(
      '  - type: RequestHeaderModifier\n    requestHeaderModifier: {set: [{name: X-Env, value: prod}, {name: x-env, value: dev}], add: [{name: X-Add, value: "1"}], remove: [x-drop]}',
    )
    const r = routeOf(yaml)
    expect(r['request_headers_to_add']).toEqual([
      { header: { key: 'x-env', value: 'prod' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-add', value: '1' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
    ])
    expect(r['request_headers_to_remove']).toEqual(['x-drop'])
  })

  test('RequestRedirect: 302 by default; no scheme and no port keeps the listener port (omitted for 80/http)', () => {
    const yaml = withFilters('  - type: RequestRedirect\n    requestRedirect: {hostname: www.example.com}', '')
    expect(routeOf(yaml)['redirect']).toEqual({ host_redirect: 'www.example.com', response_code: 'FOUND' })
    const r = run(yaml, [{ port: 80, host: 'shop.example.com', path: '/api/x' }]).requests[0]!.result
    expect([r.status, r.location]).toEqual([302, 'http://www.example.com/api/x'])
  })

  test('RequestRedirect to https with 301 and ReplacePrefixMatch', () => {
    const yaml = withFilters(
      '  - type: RequestRedirect\n    requestRedirect: {scheme: https, statusCode: 301, path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}',
      '',
    )
    const r = run(yaml, [{ port: 80, host: 'shop.example.com', path: '/api/x' }]).requests[0]!.result
    expect([r.status, r.location]).toEqual([301, 'https://shop.example.com/v2/x'])
  })

  test('URLRewrite ReplacePrefixMatch `/` strips the prefix with a regex; hostname rewrites the authority', () => {
    const yaml = withFilters(
      '  - type: URLRewrite\n    urlRewrite: {hostname: internal.local, path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}',
    )
    expect(routeOf(yaml)['route']).toMatchObject({
      regex_rewrite: { pattern: { regex: '^/api(/?)(.*)' }, substitution: '/\\2' },
      host_rewrite_literal: 'internal.local',
    })
    const r = run(yaml, [{ port: 80, host: 'shop.example.com', path: '/api/orders' }]).requests[0]!.result
    expect([r.upstreamPath, r.upstreamHost]).toEqual(['/orders', 'internal.local'])
  })

  test('URLRewrite ReplacePrefixMatch /v2/ → prefix_rewrite /v2; ReplaceFullPath → regex /.*', () => {
    expect(
      routeOf(
        withFilters(
          '  - type: URLRewrite\n    urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2/}}',
        ),
      )['route'],
    ).toMatchObject({
      prefix_rewrite: '/v2',
    })
    expect(
      routeOf(
        withFilters('  - type: URLRewrite\n    urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /health}}'),
      )['route'],
    ).toMatchObject({
      regex_rewrite: { pattern: { regex: '/.*' }, substitution: '/health' },
    })
  })
})

describe('backends (spec rules 32-34)', () => {
  const rules = (backends: string): string =>
    gw + svcs + route('r', 'shop', `parentRefs: [{name: gw}]\nrules:\n- backendRefs: ${backends}`)
  const action = (yaml: string): Record<string, unknown> =>
    run(yaml).routeConfigs['http.80']!.virtual_hosts[0]!.routes[0]!['route'] as Record<string, unknown>

  test('weights keep their raw values; weight 0 is dropped; one remaining backend is a plain cluster', () => {
    expect(
      action(rules('[{name: a, port: 80, weight: 3}, {name: b, port: 80, weight: 1}]'))['weighted_clusters'],
    ).toEqual({
      clusters: [
        { name: 'outbound|80||a.shop.svc.cluster.local', weight: 3 },
        { name: 'outbound|80||b.shop.svc.cluster.local', weight: 1 },
      ],
    })
    expect(action(rules('[{name: a, port: 80, weight: 3}, {name: b, port: 80, weight: 0}]'))['cluster']).toBe(
      'outbound|80||a.shop.svc.cluster.local',
    )
  })

  test('no backendRefs, or every weight 0: a direct 500, not a status error', () => {
    for (const yaml of [rules('[]'), rules('[{name: a, port: 80, weight: 0}]')]) {
      const r = run(yaml, [{ port: 80, host: 'x', path: '/' }])
      expect(r.requests[0]?.result.status).toBe(500)
      expect(r.conversion.status.routes[0]?.parents[0]?.conditions[1]?.reason).toBe('ResolvedRefs')
    }
  })

  test('a missing Service answers 500 (a classic VirtualService answers 503)', () => {
    expect(outcome(rules('[{name: ghost, port: 80}]'), { path: '/' })).toBe('500 ghost r spec.rules[0].matches[0]')
  })

  test('a cross-namespace backend without a ReferenceGrant has no destination host: 500', () => {
    const yaml = rules('[{name: pay, namespace: payments, port: 80}]') + service('pay', 'payments', 80)
    expect(action(yaml)['cluster']).toBe('UnknownService')
    expect(run(yaml, [{ port: 80, host: 'x', path: '/' }]).requests[0]?.result.status).toBe(500)
  })
})

describe('TCPRoute and TLSRoute (spec rules 33, 36, 37)', () => {
  test('a TCP listener takes only the first TCPRoute', () => {
    const yaml =
      k8sGateway('gw', 'shop', '- {name: redis, port: 6379, protocol: TCP}') +
      service('redis', 'shop', 6379) +
      service('other', 'shop', 6379) +
      route(
        'first',
        'shop',
        'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: redis, port: 6379}]}]',
        'TCPRoute',
        ', creationTimestamp: "2026-01-01T00:00:00Z"',
      ) +
      route(
        'second',
        'shop',
        'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: other, port: 6379}]}]',
        'TCPRoute',
        ', creationTimestamp: "2026-02-01T00:00:00Z"',
      )
    const r = run(yaml, [{ port: 6379, protocol: 'tcp' }])
    expect(r.listeners[0]?.filter_chains[0]?.tcp_proxy).toEqual({
      cluster: 'outbound|6379||redis.shop.svc.cluster.local',
    })
    expect(r.requests[0]?.result.status).toBe(200)
    expect(r.conversion.status.gateways[0]?.listeners[0]?.attachedRoutes).toBe(2)
  })

  test('TLS passthrough: one SNI chain per TLSRoute hostname, intersected with the listener hostname', () => {
    const yaml =
      k8sGateway(
        'gw',
        'shop',
        '- {name: tls, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}',
      ) +
      service('db', 'shop', 5432) +
      route(
        'r',
        'shop',
        'parentRefs: [{name: gw}]\nhostnames: ["db.example.com"]\nrules: [{backendRefs: [{name: db, port: 5432}]}]',
        'TLSRoute',
      )
    const r = run(yaml, [{ port: 443, protocol: 'tcp', tls: true, sni: 'db.example.com' }])
    expect(r.listeners[0]?.filter_chains).toEqual([
      {
        server_names: ['db.example.com'],
        tls: 'passthrough',
        tcp_proxy: { cluster: 'outbound|5432||db.shop.svc.cluster.local' },
      },
    ])
    expect(r.requests[0]?.result.status).toBe(200)
  })

  test('a TCPRoute whose backends all weigh 0 goes to the zero-weight cluster', () => {
    const yaml =
      k8sGateway('gw', 'shop', '- {name: redis, port: 6379, protocol: TCP}') +
      route(
        'r',
        'shop',
        'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: redis, port: 6379, weight: 0}]}]',
        'TCPRoute',
      )
    expect(run(yaml).listeners[0]?.filter_chains[0]?.tcp_proxy).toEqual({
      cluster: 'outbound|65535|zero-weight|internal.cluster.local',
    })
  })
})

describe('the proxy and its listeners (spec rules 4-8)', () => {
  test('a managed Gateway listens on the listener ports; HTTPS gets its own RDS per listener', () => {
    const yaml = k8sGateway(
      'gw',
      'shop',
      '- {name: http, port: 80, protocol: HTTP}\n- {name: https, port: 443, protocol: HTTPS, hostname: shop.example.com, tls: {certificateRefs: [{name: cert}]}}',
    )
    const r = run(yaml)
    expect(r.listeners.map((l) => [l.name, l.filter_chains.map((c) => c.route_config_name)])).toEqual([
      ['0.0.0.0_80', ['http.80']],
      ['0.0.0.0_443', ['https.443.default.gw~istio-autogenerated-k8s-gateway~https.shop']],
    ])
  })

  test('requests go to the named Gateway; another Gateway’s routes are not on its proxy', () => {
    const yaml =
      gw +
      k8sGateway('other', 'shop', '- {name: http, port: 80, protocol: HTTP}') +
      svcs +
      route('r', 'shop', 'parentRefs: [{name: other}]\nrules: [{backendRefs: [{name: a, port: 80}]}]')
    expect(run(yaml, [{ port: 80, host: 'x', path: '/' }], 'shop/gw').requests[0]?.result.status).toBe(404)
    expect(run(yaml, [{ port: 80, host: 'x', path: '/' }], 'shop/other').requests[0]?.result.status).toBe(200)
  })

  test('an unmanaged Gateway on istio-ingressgateway: listener port 80 becomes Envoy port 8080 (spec rule 4)', () => {
    const yaml =
      `apiVersion: v1\nkind: Service\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports: [{name: http2, port: 80, targetPort: 8080}]\n---\n` +
      k8sGateway(
        'gw',
        'istio-system',
        '- {name: default, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}',
      ).replace(
        'gatewayClassName: istio',
        'gatewayClassName: istio\n  addresses: [{type: Hostname, value: istio-ingressgateway}]',
      ) +
      svcs +
      route(
        'r',
        'shop',
        'parentRefs: [{name: gw, namespace: istio-system}]\nhostnames: [shop.example.com]\nrules: [{backendRefs: [{name: a, port: 80}]}]',
      )
    const r = run(yaml, [{ port: 8080, host: 'shop.example.com', path: '/' }])
    expect(r.conversion.gateways[0]?.managed).toBe(false)
    expect(r.listeners.map((l) => l.name)).toEqual(['0.0.0.0_8080'])
    expect(r.routeConfigs['http.8080']?.virtual_hosts.map((v) => v.name)).toEqual(['shop.example.com:80'])
    expect(r.requests[0]?.result.status).toBe(200)
  })
})
