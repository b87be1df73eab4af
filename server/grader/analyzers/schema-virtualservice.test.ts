import { describe, expect, it } from 'vitest'
import { modelOf, run, summarize } from './analyzers.test-helper.ts'
import { matchKey } from './rule-reachability.ts'
import { schemaVirtualService } from './schema-virtualservice.ts'

function vs(name: string, body: string, refs = '[istio-system/shop-gateway]', hosts = '[shop.example.com]'): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: ${hosts}
  gateways: ${refs}
${body}`
}

const to = (host: string) => `    route:\n    - destination: {host: ${host}}\n`
const uri = (prefix: string, extra = '') => `    - uri: {prefix: ${prefix}}${extra}\n`

const V = (name: string, path: string) => `VirtualService default/${name} ${path}`
const cases: Array<[string, string, string[]]> = [
  [
    'distinct matches and a final catch-all',
    vs(
      'ok',
      `  http:\n  - match:\n${uri('/cart')}${to('cart')}  - match:\n${uri('/api')}${to('api')}  - route:\n    - destination: {host: frontend}\n`,
    ),
    [],
  ],
  [
    'a rule after a catch-all is unreachable',
    vs('early', `  http:\n  - route:\n    - destination: {host: frontend}\n  - match:\n${uri('/cart')}${to('cart')}`),
    ['IST0130 ' + V('early', 'spec.http[1]')],
  ],
  [
    'a second rule without match is unreachable',
    vs(
      'twice',
      `  http:\n  - route:\n    - destination: {host: frontend}\n  - route:\n    - destination: {host: backup}\n`,
    ),
    ['IST0130 ' + V('twice', 'spec.http[1]')],
  ],
  [
    'a repeated match: the match is ineffective and the rule unreachable (match names are ignored)',
    vs(
      'dup',
      `  http:\n  - name: first\n    match:\n    - name: products\n      uri: {prefix: /api/v1/products}\n${to('a')}  - name: second\n    match:\n${uri('/api/v1/products')}${to('b')}`,
    ),
    ['IST0130 ' + V('dup', 'spec.http[1]'), 'IST0131 ' + V('dup', 'spec.http[1].match[0]')],
  ],
  [
    'a repeated match next to a new one: only the match is ineffective',
    vs(
      'almost',
      `  http:\n  - match:\n${uri('/api/v1/products')}${to('a')}  - match:\n${uri('/api/v1/products')}${uri('/potato')}${to('b')}`,
    ),
    ['IST0131 ' + V('almost', 'spec.http[1].match[0]')],
  ],
  [
    'a longer prefix after a shorter one is covered',
    vs(
      'overlap',
      `  http:\n  - match:\n${uri('/api/v1/product', '\n      method: {exact: GET}')}${to('a')}  - match:\n${uri('/api/v1/products', '\n      method: {exact: GET}')}${to('b')}`,
    ),
    ['IST0131 ' + V('overlap', 'spec.http[1].match[0]')],
  ],
  [
    'a missing method counts as GET',
    vs(
      'get',
      `  http:\n  - match:\n${uri('/api/v1/product')}${uri('/api/v1/products', '\n      method: {exact: GET}')}${to('a')}`,
    ),
    ['IST0131 ' + V('get', 'spec.http[0].match[1]')],
  ],
  [
    'a different method is not covered',
    vs(
      'methods',
      `  http:\n  - match:\n${uri('/api/v1/prod', '\n      method: {exact: GET}')}${to('a')}  - match:\n${uri('/api/v1/product', '\n      method: {exact: GET}')}${uri('/api/v1/products', '\n      method: {exact: POST}')}${to('b')}`,
    ),
    ['IST0131 ' + V('methods', 'spec.http[1].match[0]')],
  ],
  [
    'a shorter prefix after a longer one is fine',
    vs('order', `  http:\n  - match:\n${uri('/api/v1/products')}${to('a')}  - match:\n${uri('/api')}${to('b')}`),
    [],
  ],
  [
    'exact and regex matches are not compared for overlap',
    vs('exact', `  http:\n  - match:\n${uri('/')}    - uri: {exact: /}\n      method: {exact: GET}\n${to('a')}`),
    [],
  ],
  [
    'another port is not covered',
    vs(
      'port',
      `  http:\n  - match:\n${uri('/api')}${to('a')}  - match:\n${uri('/api/v2', '\n      port: 8080')}${to('b')}`,
    ),
    [],
  ],
  [
    'an added header is not covered',
    vs(
      'hdr',
      `  http:\n  - match:\n${uri('/api')}${to('a')}  - match:\n${uri('/api/v2', '\n      headers: {x-canary: {exact: "true"}}')}${to('b')}`,
    ),
    [],
  ],
  [
    'the same header under a shorter prefix covers',
    vs(
      'hdr2',
      `  http:\n  - match:\n${uri('/api', '\n      headers: {x-canary: {exact: "true"}}')}${to('a')}  - match:\n${uri('/api/v2', '\n      headers: {x-canary: {exact: "true"}}')}${to('b')}`,
    ),
    ['IST0131 ' + V('hdr2', 'spec.http[1].match[0]')],
  ],
  [
    'the same prefix with ignoreUriCase is neither a duplicate nor an overlap',
    vs(
      'case',
      `  http:\n  - match:\n${uri('/api')}${to('a')}  - match:\n${uri('/api', '\n      ignoreUriCase: true')}${to('b')}`,
    ),
    [],
  ],
  [
    'a repeated tcp match',
    vs(
      'tcp-dup',
      `  tcp:\n  - match: [{port: 31400}]\n${to('a')}  - match: [{port: 31400}]\n${to('b')}`,
      '[istio-system/tcp-gateway]',
      '["*"]',
    ),
    ['IST0130 ' + V('tcp-dup', 'spec.tcp[1]'), 'IST0131 ' + V('tcp-dup', 'spec.tcp[1].match[0]')],
  ],
  [
    'two tcp rules without match',
    vs(
      'tcp-empty',
      `  tcp:\n  - route:\n    - destination: {host: a}\n  - route:\n    - destination: {host: b}\n`,
      '[istio-system/tcp-gateway]',
      '["*"]',
    ),
    ['IST0130 ' + V('tcp-empty', 'spec.tcp[1]')],
  ],
  [
    'a tcp rule with one repeated and one new port',
    vs(
      'tcp-almost',
      `  tcp:\n  - match: [{port: 31400}]\n${to('a')}  - match: [{port: 31400}, {port: 31401}]\n${to('b')}`,
      '[istio-system/tcp-gateway]',
      '["*"]',
    ),
    ['IST0131 ' + V('tcp-almost', 'spec.tcp[1].match[0]')],
  ],
  [
    'a repeated tls match',
    vs(
      'tls-dup',
      `  tls:\n  - match: [{port: 443, sniHosts: [shop.example.com]}]\n${to('a')}  - match: [{port: 443, sniHosts: [shop.example.com]}]\n${to('b')}`,
    ),
    ['IST0130 ' + V('tls-dup', 'spec.tls[1]'), 'IST0131 ' + V('tls-dup', 'spec.tls[1].match[0]')],
  ],
  [
    'a legacy name.namespace gateway reference',
    vs('legacy', `  http:\n  - route:\n    - destination: {host: a}\n`, '[shop-gateway.istio-system]'),
    ['IST0133 ' + V('legacy', 'spec.gateways[0]')],
  ],
  [
    'istiod stops at the first reference without a slash',
    vs('legacy2', `  http:\n  - route:\n    - destination: {host: a}\n`, '[mesh, shop-gateway.istio-system]'),
    [],
  ],
  [
    'a legacy reference after ns/name ones',
    vs(
      'legacy3',
      `  http:\n  - route:\n    - destination: {host: a}\n`,
      '[istio-system/a, istio-system/b, shop-gateway.istio-system]',
    ),
    ['IST0133 ' + V('legacy3', 'spec.gateways[2]')],
  ],
  [
    'a legacy reference in a tls match',
    vs(
      'legacy-tls',
      `  tls:\n  - match: [{port: 443, sniHosts: [shop.example.com], gateways: [shop-gateway.istio-system]}]\n${to('a')}`,
    ),
    ['IST0133 ' + V('legacy-tls', 'spec.tls[0].match[0].gateways[0]')],
  ],
]

describe('schema.virtualservice', () => {
  it.each(cases)('%s', (_name, yaml, expected) => {
    expect(summarize(run(schemaVirtualService, modelOf(yaml)))).toEqual(expected)
  })

  it('words the unreachable rule and the covering prefix plainly, with rule names', () => {
    const yaml = vs(
      'named',
      `  http:\n  - name: send product\n    match:\n${uri('/api/v1/product')}${to('a')}  - name: send products\n    match:\n${uri('/api/v1/products')}${to('b')}  - route:\n    - destination: {host: c}\n  - match:\n${uri('/late')}${to('d')}`,
    )
    const findings = run(schemaVirtualService, modelOf(yaml))
    expect(findings.map((f) => [f.code, f.level, f.message])).toEqual([
      ['IST0130', 'Warning', 'http rule #3 is never used: rule #2 before it has no match, so it takes every request.'],
      [
        'IST0131',
        'Info',
        'The match #0 of http rule "send products" (prefix /api/v1/products) is never used: match #0 of rule "send product" (prefix /api/v1/product) comes first and takes those requests.',
      ],
    ])
    expect(findings[0]?.hint).toContain('Move rule #2')
  })

  it('suggests the ns/name form for a legacy reference', () => {
    const [finding] = run(
      schemaVirtualService,
      modelOf(
        vs(
          'legacy',
          `  http:\n  - route:\n    - destination: {host: a}\n`,
          '[shop-gateway.istio-system.svc.cluster.local]',
        ),
      ),
    )
    expect(finding?.hint).toContain('"istio-system/shop-gateway"')
  })
})

describe('matchKey', () => {
  it('ignores the match name, key order and empty fields', () => {
    expect(matchKey({ name: 'a', uri: { prefix: '/x' }, headers: {} })).toBe(matchKey({ uri: { prefix: '/x' } }))
    expect(matchKey({ port: 0, uri: { prefix: '/x' }, method: { exact: 'GET' } })).toBe(
      matchKey({ method: { exact: 'GET' }, uri: { prefix: '/x' } }),
    )
  })

  it('tells different matches apart', () => {
    expect(matchKey({ uri: { prefix: '/x' } })).not.toBe(matchKey({ uri: { exact: '/x' } }))
    expect(matchKey({ port: 31400 })).not.toBe(matchKey({ port: 31401 }))
  })
})
