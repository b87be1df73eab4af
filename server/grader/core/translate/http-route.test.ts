// HTTP route translation, rule by rule (spec rules 21-32): Envoy JSON for matches, destinations,
// weights, rewrites, redirects, direct responses, header operations, truncation, build-time
// filtering and delegation. Written from istio route.go and route_test.go expectations.
import { describe, expect, test } from 'vitest'
import type { Route } from '../envoy/types.ts'
import { gateway, run } from '../simulate/simulate.test-helper.ts'

const gw = gateway('gw', 'default', 'port: {name: http, number: 80, protocol: HTTP}\nhosts: ["*"]')
const services = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  ports: [{name: http, port: 8000, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: multi, namespace: default}
spec:
  ports: [{name: http, port: 80}, {name: grpc, port: 9090}]
---
`
/** Routes of the single vhost built from `http` rules (YAML list items under `http:`). */
function routesOf(http: string, extraVs = ''): Route[] {
  const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
${extraVs}  http:
${http}
---
`
  const out = run(gw + services + vs)
  return out.routeConfigs['http.80']?.virtual_hosts.find((v) => v.name === 'shop.example.com:80')?.routes ?? []
}
const dest = 'route: [{destination: {host: web}}]'

describe('matches (rule 22)', () => {
  test.each<[string, string, Route['match']]>([
    ['no match → prefix / without case_sensitive', `  - ${dest}`, { prefix: '/' }],
    ['uri.prefix', `  - match: [{uri: {prefix: /api}}]\n    ${dest}`, { prefix: '/api', case_sensitive: true }],
    ['uri.exact → path', `  - match: [{uri: {exact: /login}}]\n    ${dest}`, { path: '/login', case_sensitive: true }],
    [
      'uri.regex → safe_regex',
      `  - match: [{uri: {regex: "/v[0-9]+/.*"}}]\n    ${dest}`,
      { safe_regex: { regex: '/v[0-9]+/.*' }, case_sensitive: true },
    ],
    [
      'ignoreUriCase',
      `  - match: [{uri: {prefix: /Api}, ignoreUriCase: true}]\n    ${dest}`,
      { prefix: '/Api', case_sensitive: false },
    ],
    [
      'match without uri → prefix /',
      `  - match: [{headers: {x-a: {exact: "1"}}}]\n    ${dest}`,
      { prefix: '/', case_sensitive: true, headers: [{ name: 'x-a', string_match: { exact: '1' } }] },
    ],
    [
      'headers sorted by name, regex * is present_match',
      `  - match: [{headers: {zeta: {prefix: z}, alpha: {regex: "*"}, mid: {regex: "a.*"}}}]\n    ${dest}`,
      {
        prefix: '/',
        case_sensitive: true,
        headers: [
          { name: 'alpha', present_match: true },
          { name: 'mid', string_match: { safe_regex: { regex: 'a.*' } } },
          { name: 'zeta', string_match: { prefix: 'z' } },
        ],
      },
    ],
    [
      'withoutHeaders are inverted (missing treated as empty unless present-match)',
      `  - match: [{withoutHeaders: {x-canary: {exact: "1"}, x-debug: {}}}]\n    ${dest}`,
      {
        prefix: '/',
        case_sensitive: true,
        headers: [
          { name: 'x-canary', string_match: { exact: '1' }, invert_match: true, treat_missing_header_as_empty: true },
          { name: 'x-debug', present_match: true, invert_match: true },
        ],
      },
    ],
    [
      'method, authority and scheme come after the sorted headers',
      `  - match: [{scheme: {exact: https}, authority: {prefix: shop}, method: {exact: POST}, headers: {b: {exact: "1"}}}]\n    ${dest}`,
      {
        prefix: '/',
        case_sensitive: true,
        headers: [
          { name: 'b', string_match: { exact: '1' } },
          { name: ':method', string_match: { exact: 'POST' } },
          { name: ':authority', string_match: { prefix: 'shop' } },
          { name: ':scheme', string_match: { exact: 'https' } },
        ],
      },
    ],
    [
      'queryParams',
      `  - match: [{queryParams: {v: {exact: "2"}, debug: {regex: "*"}}}]\n    ${dest}`,
      {
        prefix: '/',
        case_sensitive: true,
        query_parameters: [
          { name: 'debug', present_match: true },
          { name: 'v', string_match: { exact: '2' } },
        ],
      },
    ],
  ])('%s', (_name, http, match) => {
    expect(routesOf(http)[0]?.match).toEqual(match)
  })
  test('each match becomes one route, in order', () => {
    const routes = routesOf(`  - match: [{uri: {prefix: /a}}, {uri: {exact: /b}}, {uri: {regex: /c.*}}]\n    ${dest}`)
    expect(routes.map((r) => r.match.prefix ?? r.match.path ?? r.match.safe_regex?.regex)).toEqual(['/a', '/b', '/c.*'])
  })
  test('route names join the rule and match names', () => {
    const routes = routesOf(
      `  - name: checkout\n    match: [{name: v2, uri: {prefix: /v2}}, {uri: {prefix: /v1}}]\n    ${dest}`,
    )
    expect(routes.map((r) => r.name)).toEqual(['checkout.v2', 'checkout'])
  })
})

describe('catch-all truncation and build-time filtering (rules 23-24)', () => {
  test('rules after a prefix / rule are dropped', () => {
    const routes = routesOf(
      `  - match: [{uri: {prefix: /}}]\n    ${dest}\n  - match: [{uri: {prefix: /never}}]\n    ${dest}`,
    )
    expect(routes.map((r) => r.match.prefix)).toEqual(['/'])
  })
  test('matches after a catch-all match in the same rule are dropped', () => {
    const routes = routesOf(`  - match: [{uri: {prefix: /a}}, {uri: {regex: ".*"}}, {uri: {prefix: /b}}]\n    ${dest}`)
    expect(routes.map((r) => r.match.prefix ?? r.match.safe_regex?.regex)).toEqual(['/a', '.*'])
  })
  test('a prefix / with a header condition is not a catch-all', () => {
    const routes = routesOf(
      `  - match: [{uri: {prefix: /}, headers: {x: {exact: "1"}}}]\n    ${dest}\n  - match: [{uri: {prefix: /b}}]\n    ${dest}`,
    )
    expect(routes).toHaveLength(2)
  })
  test('match.port other than the server port is dropped', () => {
    const routes = routesOf(`  - match: [{port: 443, uri: {prefix: /s}}, {port: 80, uri: {prefix: /p}}]\n    ${dest}`)
    expect(routes.map((r) => r.match.prefix)).toEqual(['/p'])
  })
  test('match.gateways must name this gateway (ns/name)', () => {
    const routes = routesOf(
      `  - match: [{gateways: [other], uri: {prefix: /x}}, {gateways: [gw], uri: {prefix: /y}}, {gateways: [default/gw], uri: {prefix: /z}}]\n    ${dest}`,
    )
    expect(routes.map((r) => r.match.prefix)).toEqual(['/y', '/z'])
  })
  test('sourceLabels must select the gateway pod, sourceNamespace must be istio-system', () => {
    const routes = routesOf(
      `  - match: [{sourceLabels: {app: other}, uri: {prefix: /x}}, {sourceLabels: {istio: ingressgateway}, uri: {prefix: /y}}, {sourceNamespace: default, uri: {prefix: /z}}, {sourceNamespace: istio-system, uri: {prefix: /w}}]\n    ${dest}`,
    )
    expect(routes.map((r) => r.match.prefix)).toEqual(['/y', '/w'])
  })
  test('a VirtualService whose matches are all filtered adds no vhost', () => {
    expect(routesOf(`  - match: [{port: 8443}]\n    ${dest}`)).toEqual([])
  })
})

describe('destinations (rules 26-27)', () => {
  test.each<[string, string, string]>([
    [
      'explicit port',
      'route: [{destination: {host: web, port: {number: 9999}}}]',
      'outbound|9999||web.default.svc.cluster.local',
    ],
    ["the Service's only port", 'route: [{destination: {host: web}}]', 'outbound|8000||web.default.svc.cluster.local'],
    [
      'multi-port Service without port → server port',
      'route: [{destination: {host: multi}}]',
      'outbound|80||multi.default.svc.cluster.local',
    ],
    [
      'unknown host → server port',
      'route: [{destination: {host: ghost.example.com}}]',
      'outbound|80||ghost.example.com',
    ],
    ['subset', 'route: [{destination: {host: web, subset: v2}}]', 'outbound|8000|v2|web.default.svc.cluster.local'],
    [
      'short names expand in the VirtualService namespace',
      'route: [{destination: {host: other, port: {number: 80}}}]',
      'outbound|80||other.default.svc.cluster.local',
    ],
  ])('%s', (_n, route, cluster) => {
    expect(routesOf(`  - ${route}`)[0]?.route?.cluster).toBe(cluster)
  })
  test('weights: raw values in order, weight 0 skipped', () => {
    const r = routesOf(
      '  - route: [{destination: {host: web, subset: v1}, weight: 90}, {destination: {host: web, subset: v3}, weight: 0}, {destination: {host: web, subset: v2}, weight: 10}]',
    )[0]
    expect(r?.route?.weighted_clusters).toEqual({
      clusters: [
        { name: 'outbound|8000|v1|web.default.svc.cluster.local', weight: 90 },
        { name: 'outbound|8000|v2|web.default.svc.cluster.local', weight: 10 },
      ],
    })
    expect(r?.decorator?.operation).toBe('vs:80/*')
  })
  test('one destination ignores its weight', () => {
    expect(routesOf('  - route: [{destination: {host: web}, weight: 30}]')[0]?.route?.cluster).toBe(
      'outbound|8000||web.default.svc.cluster.local',
    )
  })
  test('route action defaults: timeout 0s, retries, metadata and decorator', () => {
    const r = routesOf(`  - match: [{uri: {prefix: /get}}]\n    ${dest}`)[0]!
    expect(r.route).toMatchObject({
      timeout: '0s',
      max_grpc_timeout: '0s',
      retry_policy: { num_retries: 2, host_selection_retry_max_attempts: '5' },
    })
    expect(r.metadata).toEqual({
      filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/vs' } },
    })
    expect(r.decorator).toEqual({ operation: 'web.default.svc.cluster.local:8000/get*' })
  })
  test('timeout and retries from the rule', () => {
    const r = routesOf(
      `  - timeout: 1.5s\n    retries: {attempts: 3, retryOn: "5xx,503", perTryTimeout: 500ms}\n    ${dest}`,
    )[0]!
    expect(r.route).toMatchObject({
      timeout: '1.500s',
      max_grpc_timeout: '1.500s',
      retry_policy: {
        num_retries: 3,
        retry_on: '5xx,retriable-status-codes',
        retriable_status_codes: [503],
        per_try_timeout: '0.500s',
      },
    })
  })
  test('retries.attempts 0 disables the retry policy', () => {
    expect(routesOf(`  - retries: {attempts: 0}\n    ${dest}`)[0]?.route?.['retry_policy']).toBeUndefined()
  })
})

describe('rewrite, redirect, direct response, headers (rules 28-31)', () => {
  test('rewrite.uri → prefix_rewrite, authority → host_rewrite_literal', () => {
    expect(
      routesOf(`  - match: [{uri: {prefix: /kiali}}]\n    rewrite: {uri: /, authority: kiali.local}\n    ${dest}`)[0]
        ?.route,
    ).toMatchObject({ prefix_rewrite: '/', host_rewrite_literal: 'kiali.local' })
  })
  test('uriRegexRewrite → regex_rewrite', () => {
    expect(
      routesOf(`  - rewrite: {uriRegexRewrite: {match: "^/v1/(.*)", rewrite: "/\\\\1"}}\n    ${dest}`)[0]?.route
        ?.regex_rewrite,
    ).toEqual({ pattern: { regex: '^/v1/(.*)' }, substitution: '/\\1' })
  })
  test.each<[string, string, Route['redirect']]>([
    [
      'uri and authority, default code',
      'redirect: {uri: /new, authority: new.example.com}',
      { host_redirect: 'new.example.com', path_redirect: '/new', response_code: 'MOVED_PERMANENTLY' },
    ],
    [
      'prefixRewrite with 302',
      'redirect: {prefixRewrite: /v2, redirectCode: 302}',
      { prefix_rewrite: '/v2', response_code: 'FOUND' },
    ],
    [
      'scheme with 308',
      'redirect: {scheme: https, redirectCode: 308}',
      { scheme_redirect: 'https', response_code: 'PERMANENT_REDIRECT' },
    ],
    [
      'port 8443',
      'redirect: {port: 8443, redirectCode: 307}',
      { port_redirect: 8443, response_code: 'TEMPORARY_REDIRECT' },
    ],
    [
      'port 80 with http is omitted',
      'redirect: {port: 80, uri: /x}',
      { path_redirect: '/x', response_code: 'MOVED_PERMANENTLY' },
    ],
    [
      'derivePort FROM_REQUEST_PORT uses the server port (80, omitted)',
      'redirect: {derivePort: FROM_REQUEST_PORT, uri: /x, redirectCode: 303}',
      { path_redirect: '/x', response_code: 'SEE_OTHER' },
    ],
    [
      'derivePort with https scheme keeps 80',
      'redirect: {derivePort: FROM_REQUEST_PORT, scheme: https}',
      { scheme_redirect: 'https', port_redirect: 80, response_code: 'MOVED_PERMANENTLY' },
    ],
  ])('redirect: %s', (_n, rule, redirect) => {
    const r = routesOf(`  - ${rule}`)[0]
    expect(r?.redirect).toEqual(redirect)
    expect(r?.route).toBeUndefined()
  })
  test('directResponse', () => {
    expect(routesOf('  - directResponse: {status: 418, body: {string: "teapot"}}')[0]?.direct_response).toEqual({
      status: 418,
      body: { inline_string: 'teapot' },
    })
  })
  test('header operations: set overwrites, add appends, remove; sorted by key; destination headers after', () => {
    const r = routesOf(
      `  - headers:\n      request: {set: {x-b: "2", x-a: "1"}, add: {x-c: "3"}, remove: [x-old]}\n      response: {remove: [server]}\n    route: [{destination: {host: web}, headers: {request: {add: {x-d: "4"}}}}]`,
    )[0]
    expect(r?.request_headers_to_add).toEqual([
      { header: { key: 'x-a', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-b', value: '2' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-c', value: '3' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-d', value: '4' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
    ])
    expect(r?.request_headers_to_remove).toEqual(['x-old'])
    expect(r?.response_headers_to_remove).toEqual(['server'])
  })
  test('setting host in headers rewrites the authority', () => {
    expect(
      routesOf(`  - headers: {request: {set: {host: internal.local}}}\n    ${dest}`)[0]?.route?.host_rewrite_literal,
    ).toBe('internal.local')
  })
})

describe('delegation (rule 32)', () => {
  const delegate = (name: string, ns: string, http: string, exportTo = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
${exportTo}  http:
${http}
---
`
  const withDelegates = (rootHttp: string, delegates: string) => {
    const root = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http:
${rootHttp}
---
`
    return (
      run(gw + root + delegates).routeConfigs['http.80']?.virtual_hosts.find((v) => v.name === 'shop.example.com:80')
        ?.routes ?? []
    )
  }
  test('the delegate rules replace the root rule; matches merge; hosts resolve in the delegate namespace', () => {
    const routes = withDelegates(
      '  - match: [{uri: {prefix: /api}}]\n    delegate: {name: api, namespace: team}',
      delegate(
        'api',
        'team',
        '  - match: [{uri: {prefix: /api/v1}}]\n    route: [{destination: {host: v1}}]\n  - route: [{destination: {host: all}}]',
      ),
    )
    expect(routes.map((r) => [r.match.prefix, r.route?.cluster])).toEqual([
      ['/api/v1', 'outbound|80||v1.team.svc.cluster.local'],
      ['/api', 'outbound|80||all.team.svc.cluster.local'],
    ])
    expect(routes[0]?.metadata?.filter_metadata?.istio?.config).toBe(
      '/apis/networking.istio.io/v1/namespaces/default/virtual-service/vs',
    )
  })
  test('a delegate match outside the root match is dropped', () => {
    const routes = withDelegates(
      '  - match: [{uri: {prefix: /api}}]\n    delegate: {name: api}',
      delegate(
        'api',
        'default',
        '  - match: [{uri: {prefix: /admin}}]\n    route: [{destination: {host: admin}}]\n  - match: [{uri: {exact: /api/x}}]\n    route: [{destination: {host: x}}]',
      ),
    )
    expect(routes.map((r) => r.match.path ?? r.match.prefix)).toEqual(['/api/x'])
  })
  test('a missing delegate drops only that root rule', () => {
    const routes = withDelegates(
      `  - match: [{uri: {prefix: /api}}]\n    delegate: {name: missing}\n  - match: [{uri: {prefix: /}}]\n    ${dest}`,
      '',
    )
    expect(routes.map((r) => r.match.prefix)).toEqual(['/'])
  })
  test('a delegate not exported to the root namespace is ignored', () => {
    const routes = withDelegates(
      `  - match: [{uri: {prefix: /api}}]\n    delegate: {name: api, namespace: team}`,
      delegate('api', 'team', '  - route: [{destination: {host: v1}}]', '  exportTo: ["."]\n'),
    )
    expect(routes).toEqual([])
  })
  test('the root rule lends its rewrite to delegate rules without one', () => {
    const routes = withDelegates(
      '  - match: [{uri: {prefix: /api}}]\n    rewrite: {uri: /}\n    delegate: {name: api}',
      delegate('api', 'default', '  - route: [{destination: {host: web}}]'),
    )
    expect(routes[0]?.route?.prefix_rewrite).toBe('/')
  })
})
