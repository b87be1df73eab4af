import { describe, expect, it } from 'vitest'
import { gateway, modelOf, run, summarize } from './analyzers.test-helper.ts'
import { schemaGateway } from './schema-gateway.ts'

const server = (protocol: string, port: number, tls: string) =>
  `  - port: {number: ${port}, name: p-${port}, protocol: ${protocol}}\n    hosts: [shop.example.com]\n    tls: ${tls}\n`

const cases: Array<[string, string, string[]]> = [
  ['httpsRedirect on an HTTP server', gateway('gw', 'default', server('HTTP', 80, '{httpsRedirect: true}')), []],
  ['httpsRedirect on an HTTP2 server', gateway('gw', 'default', server('HTTP2', 80, '{httpsRedirect: true}')), []],
  [
    'httpsRedirect on an HTTPS server',
    gateway('gw', 'default', server('HTTPS', 443, '{mode: SIMPLE, credentialName: shop-cert, httpsRedirect: true}')),
    ['IST0133 Gateway default/gw spec.servers[0].tls.httpsRedirect'],
  ],
  [
    'httpsRedirect on a TLS passthrough server',
    gateway(
      'gw',
      'default',
      server('HTTP', 80, '{httpsRedirect: true}') + server('TLS', 443, '{mode: PASSTHROUGH, httpsRedirect: true}'),
    ),
    ['IST0133 Gateway default/gw spec.servers[1].tls.httpsRedirect'],
  ],
  [
    'HTTPS without httpsRedirect',
    gateway('gw', 'default', server('HTTPS', 443, '{mode: SIMPLE, credentialName: shop-cert}')),
    [],
  ],
]

describe('schema.gateway', () => {
  it.each(cases)('%s', (_name, yaml, expected) => {
    expect(summarize(run(schemaGateway, modelOf(yaml)))).toEqual(expected)
  })

  it('explains where httpsRedirect belongs', () => {
    const [finding] = run(
      schemaGateway,
      modelOf(gateway('gw', 'default', server('HTTPS', 443, '{mode: SIMPLE, credentialName: c, httpsRedirect: true}'))),
    )
    expect(finding?.level).toBe('Warning')
    expect(finding?.message).toBe(
      'Server 0 (HTTPS on port 443) sets tls.httpsRedirect, which only works on plain HTTP servers.',
    )
  })
})
