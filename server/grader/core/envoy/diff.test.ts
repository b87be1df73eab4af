import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseConfigDump, toEnvoyView } from './configdump.ts'
import { type EnvoyConfigView, type EnvoyDifference, diffAgainstDump, diffEnvoy } from './diff.ts'
import type { ListenerSummary, Route, RouteConfiguration } from './types.ts'

const ownDir = new URL('../../../../test/fixtures/envoy/', import.meta.url)
const readOwnFixture = (name: string): string => readFileSync(new URL(name, ownDir), 'utf8')
const loadOwnJson = (name: string): unknown => JSON.parse(readOwnFixture(name)) as unknown
/** Captured gateway dumps from Istio's test data (see test/fixtures/envoy/captured/README.md). */
const sharedDir = new URL('../../../../test/fixtures/envoy/captured/', import.meta.url)
const readSharedFixture = (name: string): string => readFileSync(new URL(name, sharedDir), 'utf8')

const dump = parseConfigDump(loadOwnJson('gateway-boutique.configdump.json'))
const actual = toEnvoyView(dump)

/** A mutable Envoy view, for building predictions. */
interface EditableView {
  listeners: ListenerSummary[]
  routeConfigs: Record<string, RouteConfiguration>
  clusters: string[]
}

/** A deep copy of Envoy's view to play the prediction, changed by `edit`. */
function predicted(edit: (view: EditableView) => void = () => {}): EnvoyConfigView {
  const copy = structuredClone({
    listeners: actual.listeners,
    routeConfigs: actual.routeConfigs,
    clusters: actual.clusters,
  })
  edit(copy)
  return copy
}

const http = (v: { routeConfigs: Record<string, RouteConfiguration> }) => v.routeConfigs['http.8080']!
const shop = (v: { routeConfigs: Record<string, RouteConfiguration> }) =>
  http(v).virtual_hosts.find((vh) => vh.name === 'shop.example.com:80')!

/** `kind scope field @ location` lines. */
function summary(diffs: readonly EnvoyDifference[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.scope}${d.field === undefined ? '' : ` ${d.field}`} @ ${d.location}`)
}

/** istiod's route without the defaults Envoy shows (what a terse prediction looks like). */
function bare(route: Route): Route {
  const { decorator: _d, ...rest } = route
  const { timeout: _t, retry_policy: _r, max_grpc_timeout: _m, ...action } = route.route ?? {}
  const { case_sensitive: sensitive, ...match } = route.match
  return {
    ...rest,
    match: sensitive === false ? route.match : match,
    ...(route.route === undefined ? {} : { route: action }),
  }
}

const cases: Array<[string, (v: EditableView) => void, string[]]> = [
  ['identical config', () => {}, []],
  [
    'Envoy and istiod defaults are ignored',
    (v) => {
      for (const config of Object.values(v.routeConfigs)) {
        for (const vh of config.virtual_hosts) {
          vh.routes = vh.routes.map(bare)
          delete vh.include_request_attempt_count
        }
      }
    },
    [],
  ],
  [
    'a route config Envoy lacks',
    (v) => (v.routeConfigs['http.9090'] = { name: 'http.9090', virtual_hosts: [] }),
    ['missing routeConfig @ http.9090'],
  ],
  [
    'a route config only Envoy has',
    (v) => delete v.routeConfigs['https.443.https.boutique-gateway.default'],
    ['extra routeConfig @ https.443.https.boutique-gateway.default'],
  ],
  [
    'a virtual host Envoy lacks',
    (v) => http(v).virtual_hosts.push({ name: 'blog.example.com:80', domains: ['blog.example.com'], routes: [] }),
    ['missing virtualHost @ http.8080 / blog.example.com:80'],
  ],
  [
    'a virtual host only Envoy has',
    (v) => (http(v).virtual_hosts = http(v).virtual_hosts.filter((vh) => vh.name !== 'ads.example.com:80')),
    ['extra virtualHost @ http.8080 / ads.example.com:80'],
  ],
  [
    'domains differ',
    (v) => (shop(v).domains = ['shop.example.com', 'www.shop.example.com']),
    ['changed virtualHost domains @ http.8080 / shop.example.com:80'],
  ],
  ['domain order does not matter', (v) => http(v).virtual_hosts[0]!.domains.reverse(), []],
  [
    'require_tls differs',
    (v) => (shop(v).require_tls = 'ALL'),
    ['changed virtualHost require_tls @ http.8080 / shop.example.com:80'],
  ],
  [
    'a different cluster',
    (v) => (shop(v).routes[2]!.route!.cluster = 'outbound|8080||frontend.default.svc.cluster.local'),
    ['changed route action @ http.8080 / shop.example.com:80 / route 2'],
  ],
  [
    'different weights',
    (v) => (shop(v).routes[1]!.route!.weighted_clusters!.clusters[0]!.weight = 50),
    ['changed route action @ http.8080 / shop.example.com:80 / route 1'],
  ],
  [
    'a mirror Envoy lacks',
    (v) =>
      (shop(v).routes[2]!.route!['request_mirror_policies'] = [
        {
          cluster: 'outbound|80||b.default.svc.cluster.local',
          runtime_fraction: { default_value: { numerator: 100 } },
        },
      ]),
    ['changed route action @ http.8080 / shop.example.com:80 / route 2'],
  ],
  [
    'a route Envoy lacks',
    (v) =>
      shop(v).routes.splice(1, 0, {
        match: { prefix: '/checkout' },
        route: { cluster: 'outbound|80||frontend.default.svc.cluster.local' },
      }),
    ['missing route @ http.8080 / shop.example.com:80 / route 1'],
  ],
  [
    'a route only Envoy has',
    (v) => shop(v).routes.splice(4, 1),
    ['extra route @ http.8080 / shop.example.com:80 / route 4'],
  ],
  [
    'two routes in another order',
    (v) => {
      const routes = shop(v).routes
      ;[routes[1], routes[2]] = [routes[2]!, routes[1]!]
    },
    ['changed route position @ http.8080 / shop.example.com:80 / route 2'],
  ],
  [
    'a redirect with the default code spelled out',
    (v) => (http(v).virtual_hosts[1]!.routes[0]!.redirect!.response_code = 'MOVED_PERMANENTLY'),
    [],
  ],
  [
    'a redirect with another code',
    (v) => (http(v).virtual_hosts[1]!.routes[0]!.redirect!.response_code = 'FOUND'),
    ['changed route action @ http.8080 / old.shop.example.com:80 / route 0'],
  ],
  [
    'another direct response status',
    (v) => (shop(v).routes[0]!.direct_response!.status = 204),
    ['changed route action @ http.8080 / shop.example.com:80 / route 0'],
  ],
  [
    'another header rule',
    (v) =>
      (shop(v).routes[2]!.request_headers_to_add = [
        { header: { key: 'x-canary', value: 'true' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      ]),
    ['changed route headers @ http.8080 / shop.example.com:80 / route 2'],
  ],
  [
    'another VirtualService',
    (v) =>
      (shop(v).routes[2]!.metadata = {
        filter_metadata: {
          istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/catalog' },
        },
      }),
    ['changed route virtualService @ http.8080 / shop.example.com:80 / route 2'],
  ],
  [
    'a match that is case-insensitive only in the prediction',
    (v) => (shop(v).routes[2]!.match.case_sensitive = false),
    [
      'missing route @ http.8080 / shop.example.com:80 / route 2',
      'extra route @ http.8080 / shop.example.com:80 / route 2',
    ],
  ],
  [
    'a listener Envoy lacks',
    (v) => v.listeners.push({ name: '0.0.0.0_9443', address: '0.0.0.0', port: 9443, filter_chains: [] }),
    ['missing listener @ 0.0.0.0_9443'],
  ],
  ['a listener only Envoy has', (v) => v.listeners.splice(2, 1), ['extra listener @ 0.0.0.0_31400']],
  [
    'TLS passthrough predicted, termination in Envoy',
    (v) => (v.listeners[1]!.filter_chains[0]!.tls = 'passthrough'),
    ['changed filterChain tls @ 0.0.0.0_8443 / shop.example.com'],
  ],
  [
    'another RDS name',
    (v) => (v.listeners[1]!.filter_chains[0]!.route_config_name = 'https.443.https.other.default'),
    ['changed filterChain route_config_name @ 0.0.0.0_8443 / shop.example.com'],
  ],
  [
    'a filter chain Envoy lacks',
    (v) =>
      v.listeners[1]!.filter_chains.push({
        server_names: ['api.example.com'],
        tls: 'terminate',
        route_config_name: 'https.443.api.gw.default',
      }),
    ['missing filterChain @ 0.0.0.0_8443 / api.example.com'],
  ],
  [
    'other tcp weights',
    (v) => (v.listeners[2]!.filter_chains[0]!.tcp_proxy!.weighted_clusters!.clusters[0]!.weight = 50),
    ['changed filterChain tcp_proxy @ 0.0.0.0_31400 / *'],
  ],
  [
    'one weighted cluster equals a plain cluster',
    (v) =>
      (v.listeners[1]!.filter_chains[1]!.tcp_proxy = {
        weighted_clusters: {
          clusters: [{ name: 'outbound|443||secure-frontend.default.svc.cluster.local', weight: 100 }],
        },
      }),
    [],
  ],
  [
    'a cluster Envoy lacks',
    (v) => v.clusters.push('outbound|80||blog.default.svc.cluster.local'),
    ['missing cluster @ outbound|80||blog.default.svc.cluster.local'],
  ],
  ['clusters only Envoy has are normal', (v) => (v.clusters = ['BlackHoleCluster']), []],
]

describe('diffEnvoy', () => {
  it.each(cases)('%s', (_name, edit, expected) => {
    expect(summary(diffEnvoy(predicted(edit), actual))).toEqual(expected)
  })

  it('compares mirrors by cluster and fraction: the proto default denominator and tracing flags do not matter', () => {
    const mirror = (extra: object) => [
      {
        cluster: 'outbound|80||b.default.svc.cluster.local',
        runtime_fraction: { default_value: { numerator: 100, ...extra } },
      },
    ]
    const withMirror = (extra: object, flags: object = {}) =>
      predicted((v) => (shop(v).routes[2]!.route!['request_mirror_policies'] = [{ ...mirror(extra)[0], ...flags }]))
    const envoy = withMirror({})
    expect(diffEnvoy(withMirror({ denominator: 'HUNDRED' }, { trace_sampled: false }), envoy)).toEqual([])
    expect(summary(diffEnvoy(withMirror({ denominator: 'MILLION' }), envoy))).toEqual([
      'changed route action @ http.8080 / shop.example.com:80 / route 2',
    ])
  })
  it('explains a changed action in one sentence', () => {
    const [diff] = diffEnvoy(
      predicted((v) => (shop(v).routes[2]!.route!.cluster = 'outbound|8080||frontend.default.svc.cluster.local')),
      actual,
    )
    expect(diff?.message).toBe(
      'The route for regex /product/[A-Z0-9]+ in virtual host "shop.example.com:80" of "http.8080" sends to cluster outbound|80||frontend.default.svc.cluster.local in Envoy, but kindlab predicted cluster outbound|8080||frontend.default.svc.cluster.local.',
    )
  })

  it('names the owner and action of a missing route', () => {
    const [diff] = diffEnvoy(
      predicted(),
      predicted((v) => shop(v).routes.splice(3, 1)),
    )
    expect(diff?.message).toBe(
      'Envoy has no route for /* with header x-canary in virtual host "shop.example.com:80" of "http.8080"; kindlab predicted one at position 3 sending to cluster outbound|80|v2|frontend.default.svc.cluster.local, from VirtualService default/frontend.',
    )
  })

  it('fills in the proto defaults istiod leaves out (append_action, empty path_redirect)', () => {
    // What a real istiod 1.31 config_dump holds (test/cluster/istiod-conformance.test.ts).
    const explicit = predicted((v) => {
      shop(v).routes[2]!.request_headers_to_add = [
        { header: { key: 'x-add', value: '2' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
      ]
      http(v).virtual_hosts[1]!.routes[0]!.redirect = { scheme_redirect: 'https', response_code: 'MOVED_PERMANENTLY' }
    })
    const omitted = predicted((v) => {
      shop(v).routes[2]!.request_headers_to_add = [{ header: { key: 'x-add', value: '2' } }]
      http(v).virtual_hosts[1]!.routes[0]!.redirect = { scheme_redirect: 'https', path_redirect: '' }
    })
    expect(diffEnvoy(explicit, omitted)).toEqual([])
    const overwrite = predicted((v) => {
      shop(v).routes[2]!.request_headers_to_add = [
        { header: { key: 'x-add', value: '2' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      ]
      http(v).virtual_hosts[1]!.routes[0]!.redirect = { scheme_redirect: 'https', path_redirect: '/x' }
    })
    expect(summary(diffEnvoy(overwrite, omitted))).toEqual([
      'changed route action @ http.8080 / old.shop.example.com:80 / route 0',
      'changed route headers @ http.8080 / shop.example.com:80 / route 2',
    ])
  })

  it('skips listeners and clusters when a side does not have them', () => {
    const routesOnly = { routeConfigs: actual.routeConfigs }
    expect(
      diffEnvoy(
        predicted((v) => v.listeners.pop()),
        routesOnly,
      ),
    ).toEqual([])
  })
})

describe('diffAgainstDump on a routes-only capture', () => {
  it('compares routes only', () => {
    const captured = parseConfigDump(
      JSON.parse(readSharedFixture('routes-istio-gateway-http-route-prefix.configdump.json')),
    )
    const view = toEnvoyView(captured)
    const prediction: EnvoyConfigView = {
      listeners: [{ name: '0.0.0.0_8080', address: '0.0.0.0', port: 8080, filter_chains: [] }],
      routeConfigs: view.routeConfigs,
      clusters: ['x'],
    }
    expect(diffAgainstDump(prediction, captured)).toEqual([])
  })
})
