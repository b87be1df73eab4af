import { describe, expect, it } from 'vitest'
import { gateway, httpServer, modelOf, run, summarize } from './analyzers.test-helper.ts'
import { conflictingGateway } from './gateway-conflicting-gateway.ts'

const tcpServer = (host: string, port: number) =>
  `  - port: {number: ${port}, name: tcp-${port}, protocol: TCP}\n    hosts: ["${host}"]\n`

const pod = (name: string, labels: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: istio-system, labels: ${labels}}
spec: {containers: [{name: istio-proxy}]}
---`

const cases: Array<[string, string, string[]]> = [
  [
    'same selector, port and host: both Gateways are reported, protocols do not matter',
    gateway('beta', 'default', tcpServer('foo.bar', 80)) + gateway('alpha', 'default', httpServer(['foo.bar'])),
    ['IST0145 Gateway default/alpha spec.servers[0]', 'IST0145 Gateway default/beta spec.servers[0]'],
  ],
  [
    'different ports do not conflict',
    gateway('beta', 'default', tcpServer('foo.bar', 443)) + gateway('alpha', 'default', httpServer(['foo.bar'])),
    [],
  ],
  [
    'different hosts do not conflict',
    gateway('beta', 'default', httpServer(['a.example.com'])) +
      gateway('alpha', 'default', httpServer(['b.example.com'])),
    [],
  ],
  [
    'only the server on the shared port is reported',
    gateway('beta', 'default', tcpServer('foo.bar', 80) + tcpServer('foo.bar', 90)) +
      gateway('alpha', 'default', httpServer(['foo.bar'], 70) + httpServer(['foo.bar'], 90)),
    ['IST0145 Gateway default/alpha spec.servers[1]', 'IST0145 Gateway default/beta spec.servers[1]'],
  ],
  [
    'Gateways in different namespaces with the same selector conflict',
    gateway('shop', 'default', httpServer(['shop.example.com'])) +
      gateway('shop-copy', 'istio-system', httpServer(['shop.example.com'])),
    ['IST0145 Gateway default/shop spec.servers[0]', 'IST0145 Gateway istio-system/shop-copy spec.servers[0]'],
  ],
  [
    'three Gateways on one host: each lists the other two',
    gateway('a', 'default', httpServer(['x.io'])) +
      gateway('b', 'default', httpServer(['x.io'])) +
      gateway('c', 'default', httpServer(['x.io'])),
    [
      'IST0145 Gateway default/a spec.servers[0]',
      'IST0145 Gateway default/b spec.servers[0]',
      'IST0145 Gateway default/c spec.servers[0]',
    ],
  ],
  [
    'hosts are compared literally: case differs',
    gateway('a', 'default', httpServer(['Shop.example.com'])) +
      gateway('b', 'default', httpServer(['shop.example.com'])),
    [],
  ],
  [
    'hosts are compared literally: a namespace prefix differs',
    gateway('a', 'default', httpServer(['default/shop.example.com'])) +
      gateway('b', 'default', httpServer(['shop.example.com'])),
    [],
  ],
  [
    'a wildcard does not conflict with a host it covers',
    gateway('a', 'default', httpServer(['*.example.com'])) + gateway('b', 'default', httpServer(['shop.example.com'])),
    [],
  ],
  [
    'different bind addresses do not conflict',
    gateway('a', 'default', httpServer(['x.io'], 80, 'http', '\n    bind: 10.0.0.1')) +
      gateway('b', 'default', httpServer(['x.io'])),
    [],
  ],
  [
    'different selectors without Pods do not conflict',
    gateway('a', 'default', httpServer(['x.io']), '{istio: ingressgateway}') +
      gateway('b', 'default', httpServer(['x.io']), '{istio: ingressgateway, team: shop}'),
    [],
  ],
  [
    'overlapping selectors that select the same Pod conflict',
    gateway(
      'beta',
      'default',
      tcpServer('foo.bar', 80),
      '{istio: ingressgateway, app: istio-ingressgateway, tier: edge}',
    ) +
      gateway('alpha', 'default', httpServer(['foo.bar']), '{istio: ingressgateway, tier: edge}') +
      pod('gw-1', '{istio: ingressgateway, app: istio-ingressgateway, tier: edge}'),
    ['IST0145 Gateway default/alpha spec.servers[0]', 'IST0145 Gateway default/beta spec.servers[0]'],
  ],
  [
    'overlapping selectors with no common Pod do not conflict',
    gateway('beta', 'default', tcpServer('foo.bar', 80), '{istio: ingressgateway, tier: edge}') +
      gateway('alpha', 'default', httpServer(['foo.bar']), '{istio: ingressgateway}') +
      pod('gw-1', '{istio: ingressgateway}'),
    [],
  ],
  [
    'a host shared by two servers of one Gateway on the same port is not a conflict between Gateways',
    gateway('a', 'default', httpServer(['x.io'], 80, 'http-a') + httpServer(['x.io'], 80, 'http-b')),
    [],
  ],
]

describe('gateway.conflicting-gateway', () => {
  it.each(cases)('%s', (_name, yaml, expected) => {
    expect(summarize(run(conflictingGateway, modelOf(yaml)))).toEqual(expected)
  })

  it('names the other Gateways, sorted, in the message', () => {
    const yaml =
      gateway('a', 'default', httpServer(['x.io'])) +
      gateway('c', 'default', httpServer(['x.io'])) +
      gateway('b', 'default', httpServer(['x.io']))
    const finding = run(conflictingGateway, modelOf(yaml)).find((f) => f.resource.name === 'a')
    expect(finding?.message).toBe(
      'Server 0 (port 80, hosts x.io) conflicts with Gateway default/b, default/c: both select the same workload (istio=ingressgateway) and serve the same host on that port.',
    )
    expect(finding?.level).toBe('Error')
  })
})
