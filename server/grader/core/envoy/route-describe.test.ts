import { describe, expect, it } from 'vitest'
import { describeConfigPath, describeInlineRouteConfig, describeMatch, describeRouteDomains } from './route-describe.ts'
import { parseIstioConfigPath, routeOwner } from './route-owner.ts'
import type { RouteMatch } from './types.ts'

describe('describeMatch (MATCH column)', () => {
  it.each<[string, RouteMatch, string]>([
    ['prefix gets a star', { prefix: '/get' }, '/get*'],
    ['root prefix', { prefix: '/' }, '/*'],
    ['path-separated prefix (Gateway API)', { path_separated_prefix: '/get' }, 'PathPrefix:/get'],
    ['exact path as is', { path: '/productpage' }, '/productpage'],
    ['regex', { safe_regex: { regex: '/product/[0-9]+' } }, 'regex /product/[0-9]+'],
    ['headers are not shown', { prefix: '/', headers: [{ name: 'x-canary', string_match: { exact: 'true' } }] }, '/*'],
    ['no path matcher', {}, ''],
  ])('%s', (_name, match, expected) => {
    expect(describeMatch(match)).toBe(expected)
  })
})

describe('describeRouteDomains (DOMAINS column)', () => {
  it.each<[string, string[], string]>([
    ['no domain', [], ''],
    ['one domain', ['example.com'], 'example.com'],
    ['drops host:port variants', ['example.com', 'example.com:8080'], 'example.com'],
    ['keeps IPv4 without port', ['example.com', 'example.com:8080', '1.2.3.4', '1.2.3.4:8080'], 'example.com, 1.2.3.4'],
    [
      'keeps bracketed IPv6 without port',
      ['example.com', 'example.com:8080', '[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:8080'],
      'example.com, [fd00:10:96::7fc7]',
    ],
    [
      'shows two and counts the rest',
      [
        'example.com',
        'example.com:8080',
        'www.example.com',
        'www.example.com:8080',
        '[fd00:10:96::7fc7]',
        '[fd00:10:96::7fc7]:8080',
      ],
      'example.com, www.example.com + 1 more...',
    ],
    [
      'drops .svc and .svc.cluster.local forms of a listed name',
      ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default', '10.96.1.2'],
      'reviews, reviews.default + 1 more...',
    ],
    [
      'keeps an expanded form whose short name is not listed',
      ['reviews', 'reviews.default.svc.cluster.local'],
      'reviews, reviews.default.svc.cluster.local',
    ],
  ])('%s', (_name, domains, expected) => {
    expect(describeRouteDomains(domains)).toBe(expected)
  })
})

describe('describeConfigPath (VIRTUAL SERVICE column)', () => {
  it.each<[unknown, string]>([
    ['/apis/networking.istio.io/v1/namespaces/default/virtual-service/httpbin', 'httpbin.default'],
    ['/apis/networking.istio.io/v1alpha3/namespaces/shop/virtual-service/frontend', 'frontend.shop'],
    ['/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews', 'reviews.default'],
    ['/apis/gateway.networking.k8s.io/v1/namespaces/default/httproute/http', '<unknown>'],
    ['/apis/networking.istio.io/v1/default/virtual-service', ''],
    [undefined, ''],
  ])('%s', (path, expected) => {
    expect(describeConfigPath(path)).toBe(expected)
  })
})

describe('route owner', () => {
  it('parses the eight-segment Istio path', () => {
    expect(parseIstioConfigPath('/apis/networking.istio.io/v1/namespaces/default/virtual-service/httpbin')).toEqual({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: 'default',
      kind: 'virtual-service',
      name: 'httpbin',
    })
  })

  it.each([
    '',
    '/apis/networking.istio.io/v1/namespaces/default/virtual-service',
    'apis/networking.istio.io/v1/namespaces/a/virtual-service/b/c',
    '/api/v1/namespaces/default/services/x',
  ])('rejects %j', (path) => {
    expect(parseIstioConfigPath(path)).toBeUndefined()
  })

  it('maps a route to its VirtualService and ignores other kinds', () => {
    const meta = (config: string) => ({ match: { prefix: '/' }, metadata: { filter_metadata: { istio: { config } } } })
    expect(routeOwner(meta('/apis/networking.istio.io/v1/namespaces/shop/virtual-service/frontend'))).toEqual({
      namespace: 'shop',
      name: 'frontend',
    })
    expect(routeOwner(meta('/apis/networking.istio.io/v1/namespaces/shop/destination-rule/frontend'))).toBeUndefined()
    expect(routeOwner({ match: { prefix: '/stats/prometheus' } })).toBeUndefined()
  })
})

describe('describeInlineRouteConfig', () => {
  it('names the cluster of a match-all config', () => {
    const config = {
      name: 'x',
      virtual_hosts: [
        {
          name: 'v',
          domains: ['*'],
          routes: [{ match: { prefix: '/' }, route: { cluster: 'outbound|80||a.default.svc.cluster.local' } }],
        },
      ],
    }
    expect(describeInlineRouteConfig(config)).toBe('Cluster: outbound|80||a.default.svc.cluster.local')
  })

  it('lists domains and matches otherwise', () => {
    const config = {
      name: 'x',
      virtual_hosts: [
        { name: 'a', domains: ['*'], routes: [{ match: { prefix: '/healthz/ready' }, route: { cluster: 'agent' } }] },
        { name: 'b', domains: ['a.com', 'b.com'], routes: [{ match: { path: '/x' } }, { match: { prefix: '/y' } }] },
      ],
    }
    expect(describeInlineRouteConfig(config)).toBe('Inline Route: /healthz/ready*; a.com/b.com /x, /y*')
  })
})
