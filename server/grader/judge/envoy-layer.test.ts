// The Envoy layer walks requests through a full ingress-gateway config_dump fixture (HTTP, HTTPS
// terminate, TLS passthrough, TCP, redirect, direct response) the way Envoy would.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../paths.ts'
import { readDump, simulateOnDump } from './envoy-layer.ts'
import type { GatewayRequest } from './request.ts'

const json: unknown = JSON.parse(
  readFileSync(join(packageRoot(), 'test/fixtures/envoy/gateway-boutique.configdump.json'), 'utf8'),
)
const dump = readDump(json)

function req(over: Partial<GatewayRequest>): GatewayRequest {
  return {
    port: 80,
    host: 'shop.example.com',
    path: '/',
    method: 'GET',
    headers: {},
    https: false,
    sni: '',
    protocol: 'http',
    ...over,
  }
}

describe('simulateOnDump', () => {
  if (typeof dump === 'string') {
    throw new Error(dump)
  }
  const cases: Array<[string, Partial<GatewayRequest>, number, Record<string, unknown>]> = [
    [
      'plain HTTP to the catch-all route',
      {},
      8080,
      { status: 200, cluster: 'outbound|80||frontend.default.svc.cluster.local' },
    ],
    [
      'a direct response',
      { path: '/healthz' },
      8080,
      { status: 200, routeConfig: 'http.8080', virtualHost: 'shop.example.com:80' },
    ],
    [
      'a weighted route',
      { path: '/cart' },
      8080,
      {
        status: 200,
        weightedClusters: [
          { name: 'outbound|80|v1|frontend.default.svc.cluster.local', weight: 90 },
          { name: 'outbound|80|v2|frontend.default.svc.cluster.local', weight: 10 },
        ],
      },
    ],
    ['a prefix rewrite', { path: '/API/items' }, 8080, { status: 200, upstreamPath: '/items' }],
    ['an httpsRedirect vhost', { host: 'www.shop.example.com' }, 8080, { status: 301, reason: 'tls_redirect' }],
    ['an unknown host', { host: 'nothing.example.com' }, 8080, { status: 404, reason: 'no_virtual_host' }],
    [
      'HTTPS terminated by SNI',
      { https: true, sni: 'shop.example.com' },
      8443,
      { status: 200, routeConfig: 'https.443.https.boutique-gateway.default' },
    ],
    [
      'TLS passthrough by SNI',
      { https: true, host: 'tls.shop.example.com', sni: 'tls.shop.example.com' },
      8443,
      { status: 200, cluster: 'outbound|443||secure-frontend.default.svc.cluster.local' },
    ],
    ['plaintext to the TLS port', {}, 8443, { status: 'connection_reset' }],
    ['no listener', {}, 9999, { status: 'connection_reset', reason: 'no_listener' }],
  ]
  for (const [name, over, port, expected] of cases) {
    it(name, () => {
      expect(simulateOnDump(dump, req(over), port)).toMatchObject(expected)
    })
  }

  it('TCP to a weighted tcp_proxy', () => {
    const out = simulateOnDump(dump, req({ protocol: 'tcp', host: '' }), 31400)
    expect(out.status).toBe(200)
    expect(out.weightedClusters?.map((c) => c.weight)).toEqual([75, 25])
  })

  it('reports an unreadable dump as a sentence', () => {
    expect(readDump({ kind: 'Service' })).toMatch(/not an Envoy config dump/)
  })

  it.each([
    ['warming (seen live: its credentialName Secret is unreadable)', 'warming'],
    ['refused (seen live: two filter chains with the same match)', 'refused'],
  ])('a %s listener accepts nothing', (_name, state) => {
    type Entry = {
      active_state?: { listener?: { name?: string } }
      warming_state?: unknown
      error_state?: unknown
    }
    const copy = JSON.parse(JSON.stringify(json)) as { configs: Array<{ dynamic_listeners?: Entry[] }> }
    for (const entry of copy.configs.flatMap((c) => c.dynamic_listeners ?? [])) {
      if (entry.active_state?.listener?.name === '0.0.0.0_8443') {
        if (state === 'warming') {
          entry.warming_state = entry.active_state
        } else {
          entry.error_state = { failed_configuration: entry.active_state.listener }
        }
        delete entry.active_state
      }
    }
    const changed = readDump(copy)
    if (typeof changed === 'string') {
      throw new Error(changed)
    }
    const https = req({ https: true, sni: 'shop.example.com' })
    expect(simulateOnDump(dump, https, 8443)).toMatchObject({ status: 200 })
    expect(simulateOnDump(changed, https, 8443)).toMatchObject({ status: 'connection_reset', reason: 'no_listener' })
  })
})

describe('readDump', () => {
  it('parses one JSON object once: checks sharing a config_dump share its parse', () => {
    const again = readDump(json)
    expect(again).toBe(dump)
    // A different object with the same content is parsed on its own.
    const copy: unknown = JSON.parse(JSON.stringify(json))
    expect(readDump(copy)).not.toBe(dump)
    expect(readDump(copy)).toEqual(dump)
  })
})
