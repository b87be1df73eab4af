import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigDumpError, parseConfigDump, routeConfigVersions, toEnvoyView } from './configdump.ts'
import { routeOwner } from './route-owner.ts'
import { diffAgainstDump } from './diff.ts'

const ownDir = new URL('../../../../test/fixtures/envoy/', import.meta.url)
const readOwnFixture = (name: string): string => readFileSync(new URL(name, ownDir), 'utf8')
const loadOwnJson = (name: string): unknown => JSON.parse(readOwnFixture(name)) as unknown
/** Captured gateway dumps from Istio's test data (see test/fixtures/envoy/captured/README.md). */
const sharedDir = new URL('../../../../test/fixtures/envoy/captured/', import.meta.url)
const readSharedFixture = (name: string): string => readFileSync(new URL(name, sharedDir), 'utf8')

const T = 'type.googleapis.com/envoy.admin.v3.'
const boutique = parseConfigDump(loadOwnJson('gateway-boutique.configdump.json'))

describe('parseConfigDump on a full gateway dump', () => {
  it('reads every section and skips bootstrap and secrets', () => {
    expect(boutique.has).toEqual({ routes: true, listeners: true, clusters: true })
    expect(boutique.routeConfigs.map((e) => [e.source, e.config.name])).toEqual([
      ['dynamic', 'http.8080'],
      ['dynamic', 'https.443.https.boutique-gateway.default'],
      ['static', ''],
      ['static', ''],
    ])
  })

  it('keeps version_info of dynamic route configs and listeners', () => {
    expect(boutique.routeConfigs[0]?.versionInfo).toBe('2026-11-20T09:12:03Z/23')
    expect(boutique.routeConfigs[2]?.versionInfo).toBeUndefined()
    expect(routeConfigVersions(boutique).get('http.8080')).toBe('2026-11-20T09:12:03Z/23')
    expect(boutique.listeners.find((l) => l.listener.name === '0.0.0.0_8080')?.versionInfo).toBe(
      '2026-11-20T09:12:03Z/23',
    )
  })

  it('summarizes the HTTP listener', () => {
    expect(boutique.listeners[0]?.listener).toEqual({
      name: '0.0.0.0_8080',
      address: '0.0.0.0',
      port: 8080,
      filter_chains: [{ server_names: [], tls: null, route_config_name: 'http.8080' }],
    })
  })

  it('tells TLS termination from passthrough on the HTTPS listener', () => {
    expect(boutique.listeners[1]?.listener.filter_chains).toEqual([
      {
        server_names: ['shop.example.com'],
        tls: 'terminate',
        route_config_name: 'https.443.https.boutique-gateway.default',
      },
      {
        server_names: ['tls.shop.example.com'],
        tls: 'passthrough',
        tcp_proxy: { cluster: 'outbound|443||secure-frontend.default.svc.cluster.local' },
      },
    ])
  })

  it('reads a weighted tcp_proxy', () => {
    expect(boutique.listeners[2]?.listener.filter_chains[0]?.tcp_proxy).toEqual({
      weighted_clusters: {
        clusters: [
          { name: 'outbound|6379|v1|redis-cart.default.svc.cluster.local', weight: 75 },
          { name: 'outbound|6379|v2|redis-cart.default.svc.cluster.local', weight: 25 },
        ],
      },
    })
  })

  it('keeps static listeners apart, with their inline route config', () => {
    const statics = boutique.listeners.filter((l) => l.source === 'static')
    expect(statics.map((l) => l.listener.port)).toEqual([15090, 15021])
    expect(statics[0]?.chains[0]?.inlineRouteConfig?.virtual_hosts[0]?.routes[0]?.match).toEqual({
      prefix: '/stats/prometheus',
    })
  })

  it('reads cluster names, types and DestinationRule owners', () => {
    expect(boutique.clusters).toHaveLength(13)
    expect(boutique.clusters.find((c) => c.name === 'agent')).toEqual({
      source: 'static',
      name: 'agent',
      type: 'STATIC',
    })
    expect(boutique.clusters.find((c) => c.name.includes('|v1|frontend'))?.configPath).toBe(
      '/apis/networking.istio.io/v1/namespaces/default/destination-rule/frontend',
    )
  })

  it('maps routes back to their VirtualService', () => {
    const vhost = boutique.routeConfigs[0]?.config.virtual_hosts.find((v) => v.name === 'shop.example.com:80')
    expect(vhost?.routes.map((r) => routeOwner(r)?.name)).toEqual([
      'frontend',
      'frontend',
      'frontend',
      'frontend',
      'frontend-api',
      'frontend',
    ])
  })

  it('removes @type from route configs but keeps Envoy fields', () => {
    const config = boutique.routeConfigs[0]?.config
    expect(config && '@type' in config).toBe(false)
    expect(config?.ignore_port_in_host_matching).toBe(true)
    expect(config?.virtual_hosts[3]?.require_tls).toBe('ALL')
  })
})

describe('toEnvoyView (the --json contract)', () => {
  const view = toEnvoyView(boutique)

  it('keys dynamic route configs by name and leaves bootstrap ones out', () => {
    expect(Object.keys(view.routeConfigs)).toEqual(['http.8080', 'https.443.https.boutique-gateway.default'])
    expect(view.routeConfigVersions).toEqual({
      'http.8080': '2026-11-20T09:12:03Z/23',
      'https.443.https.boutique-gateway.default': '2026-11-20T09:12:03Z/23',
    })
  })

  it('lists dynamic listeners only and sorted unique cluster names', () => {
    expect(view.listeners.map((l) => l.name)).toEqual(['0.0.0.0_8080', '0.0.0.0_8443', '0.0.0.0_31400'])
    expect(view.clusters[0]).toBe('BlackHoleCluster')
    expect(view.clusters).toHaveLength(13)
    expect([...view.clusters].sort()).toEqual(view.clusters)
  })
})

describe('parseConfigDump on captured routes-only dumps', () => {
  it('accepts a dump that holds only routes', () => {
    const dump = parseConfigDump(
      JSON.parse(readSharedFixture('routes-istio-gateway-http-route-prefix.configdump.json')),
    )
    expect(dump.has).toEqual({ routes: true, listeners: false, clusters: false })
    expect(dump.routeConfigs[0]?.versionInfo).toBe('2023-11-29T10:46:50Z/15')
    expect(routeOwner(dump.routeConfigs[0]!.config.virtual_hosts[0]!.routes[0]!)).toEqual({
      namespace: 'default',
      name: 'httpbin',
    })
  })
})

describe('parseConfigDump tolerance', () => {
  it('accepts v2 type URLs, skips requested-but-absent configs and flags warming listeners', () => {
    const dump = parseConfigDump({
      configs: [
        {
          '@type': 'type.googleapis.com/envoy.admin.v2alpha.RoutesConfigDump',
          dynamic_route_configs: [
            { version_info: '1' },
            { version_info: '2', route_config: { name: 'http.80', virtual_hosts: [] } },
          ],
        },
        {
          '@type': `${T}ListenersConfigDump`,
          dynamic_listeners: [{ name: 'x', warming_state: { listener: { name: 'x' } } }],
        },
      ],
    })
    expect(dump.routeConfigs.map((e) => e.config.name)).toEqual(['http.80'])
    expect(dump.listeners.map((l) => [l.listener.name, l.warming])).toEqual([['x', true]])
    expect(dump.has.listeners).toBe(true)
  })

  it('reads a port given as a string and a pipe address', () => {
    const dump = parseConfigDump({
      configs: [
        {
          '@type': `${T}ListenersConfigDump`,
          static_listeners: [{ listener: { name: 'p', address: { pipe: { path: '/etc/istio/proxy/XDS' } } } }],
          dynamic_listeners: [
            {
              name: 's',
              active_state: {
                listener: { name: 's', address: { socket_address: { address: '0.0.0.0', port_value: '8080' } } },
              },
            },
          ],
        },
      ],
    })
    expect(dump.listeners.map((l) => [l.listener.address, l.listener.port])).toEqual([
      ['0.0.0.0', 8080],
      ['/etc/istio/proxy/XDS', 0],
    ])
  })
})

describe('warming listeners (seen live: a credentialName Secret the gateway cannot read)', () => {
  // Envoy holds the 8443 listener istiod sent in warming_state only, waiting for its SDS certificate.
  const listener = (port: number) => ({
    name: `0.0.0.0_${port}`,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
  })
  const json = {
    configs: [
      {
        '@type': `${T}ListenersConfigDump`,
        dynamic_listeners: [
          { name: '0.0.0.0_8080', active_state: { listener: listener(8080) } },
          { name: '0.0.0.0_8443', warming_state: { version_info: 'v2', listener: listener(8443) } },
        ],
      },
    ],
  }

  it('are read and flagged warming; active ones are not', () => {
    const dump = parseConfigDump(json)
    expect(dump.listeners.map((l) => [l.listener.name, l.warming ?? false])).toEqual([
      ['0.0.0.0_8080', false],
      ['0.0.0.0_8443', true],
    ])
    expect(dump.listeners[1]?.versionInfo).toBe('v2')
  })

  it('count as config Envoy holds: a prediction with that listener has no difference', () => {
    const predicted = parseConfigDump(json).listeners.map((l) => l.listener)
    expect(diffAgainstDump({ listeners: predicted, routeConfigs: {} }, parseConfigDump(json))).toEqual([])
  })
})

describe('refused listeners (seen live: two identical TLS servers in two namespaces)', () => {
  // Envoy refuses a listener whose two filter chains have the same match; the dump keeps it in error_state.
  const chain = (rds: string) => ({
    filters: [
      {
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: { rds: { route_config_name: rds } },
      },
    ],
  })
  const failed = {
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    name: '0.0.0.0_8443',
    address: { socket_address: { address: '0.0.0.0', port_value: 8443 } },
    filter_chains: [chain('https.443.a'), chain('https.443.b')],
  }
  const json = {
    configs: [
      {
        '@type': `${T}ListenersConfigDump`,
        dynamic_listeners: [
          { name: '0.0.0.0_8443', error_state: { failed_configuration: failed, details: 'duplicate matcher' } },
        ],
      },
      { '@type': `${T}RoutesConfigDump`, dynamic_route_configs: [] },
    ],
  }

  it('are read from failed_configuration and flagged rejected', () => {
    const dump = parseConfigDump(json)
    expect(dump.listeners.map((l) => [l.listener.name, l.rejected, l.listener.filter_chains.length])).toEqual([
      ['0.0.0.0_8443', true, 2],
    ])
  })

  it('count as config Envoy holds, and their routes (never asked for) are not expected', () => {
    const listeners = parseConfigDump(json).listeners.map((l) => l.listener)
    const routeConfigs = {
      'https.443.a': { name: 'https.443.a', virtual_hosts: [] },
      'https.443.b': { name: 'https.443.b', virtual_hosts: [] },
    }
    expect(diffAgainstDump({ listeners, routeConfigs }, parseConfigDump(json))).toEqual([])
    // A route config no refused listener names is still expected.
    const other = { ...routeConfigs, 'http.8080': { name: 'http.8080', virtual_hosts: [] } }
    expect(diffAgainstDump({ listeners, routeConfigs: other }, parseConfigDump(json)).map((d) => d.location)).toEqual([
      'http.8080',
    ])
  })
})

describe('parseConfigDump rejects what is not a config dump', () => {
  it.each<[string, unknown, RegExp]>([
    ['a Kubernetes object', loadOwnJson('not-a-config-dump.json'), /not an Envoy config dump/],
    ['an array', [], /not an Envoy config dump/],
    ['null', null, /not an Envoy config dump/],
    ['a bootstrap-only dump', loadOwnJson('bootstrap-only.configdump.json'), /no routes, listeners or clusters/],
    ['a section without @type', { configs: [{ dynamic_route_configs: [] }] }, /configs\[0\]: .*no "@type"/],
    ['a section that is a string', { configs: ['x'] }, /configs\[0\]: expected an object, found a string/],
    [
      'virtual_hosts that is not an array',
      {
        configs: [
          {
            '@type': `${T}RoutesConfigDump`,
            dynamic_route_configs: [{ route_config: { name: 'a', virtual_hosts: {} } }],
          },
        ],
      },
      /dynamic_route_configs\[0\]\.route_config\.virtual_hosts: expected an array/,
    ],
    [
      'a virtual host without a name',
      {
        configs: [
          {
            '@type': `${T}RoutesConfigDump`,
            dynamic_route_configs: [{ route_config: { name: 'a', virtual_hosts: [{ domains: ['*'] }] } }],
          },
        ],
      },
      /virtual_hosts\[0\]: a virtual host has no name/,
    ],
    [
      'a route without a match',
      {
        configs: [
          {
            '@type': `${T}RoutesConfigDump`,
            dynamic_route_configs: [
              { route_config: { name: 'a', virtual_hosts: [{ name: 'v', routes: [{ route: {} }] }] } },
            ],
          },
        ],
      },
      /routes\[0\]: a route has no match/,
    ],
    [
      'a port that is not a number',
      {
        configs: [
          {
            '@type': `${T}ListenersConfigDump`,
            dynamic_listeners: [{ active_state: { listener: { address: { socket_address: { port_value: true } } } } }],
          },
        ],
      },
      /port_value: expected a number, found a boolean/,
    ],
    [
      'domains that are not strings',
      {
        configs: [
          {
            '@type': `${T}RoutesConfigDump`,
            dynamic_route_configs: [{ route_config: { name: 'a', virtual_hosts: [{ name: 'v', domains: [1] }] } }],
          },
        ],
      },
      /domains\[0\]: expected a string, found a number/,
    ],
  ])('%s', (_name, json, message) => {
    expect(() => parseConfigDump(json)).toThrow(ConfigDumpError)
    expect(() => parseConfigDump(json)).toThrow(message)
  })
})
