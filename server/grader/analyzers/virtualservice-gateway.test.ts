import { describe, expect, it } from 'vitest'
import { gateway, httpServer, modelOf, run, summarize } from './analyzers.test-helper.ts'
import { resolveReference, serverHostsFor, virtualServiceGateway } from './virtualservice-gateway.ts'

const gateways = [
  gateway('shop-gateway', 'default', httpServer(['shop.example.com'])),
  gateway('edge-gw', 'istio-system', httpServer(['*.example.com'])),
  gateway('scoped-gw', 'istio-system', httpServer(['./internal.example.com'])),
  gateway('open-gw', 'istio-system', httpServer(['*/*'])),
  gateway('team-gw', 'istio-system', httpServer(['team-a/app.example.com', '*/status.example.com'])),
].join('\n')

function vs(name: string, namespace: string, hosts: readonly string[], refs: readonly string[]): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: [${hosts.map((h) => JSON.stringify(h)).join(', ')}]
  gateways: [${refs.map((r) => JSON.stringify(r)).join(', ')}]
  http:
  - route:
    - destination: {host: frontend}
`
}

const cases: Array<[string, string, string[]]> = [
  ['an existing Gateway serving the host', vs('shop', 'default', ['shop.example.com'], ['shop-gateway']), []],
  ['the mesh gateway is not checked', vs('shop', 'default', ['shop.example.com'], ['mesh']), []],
  ['mesh plus an existing Gateway', vs('shop', 'default', ['shop.example.com'], ['mesh', 'shop-gateway']), []],
  [
    'a misspelled Gateway is missing and serves no host',
    vs('shop', 'default', ['shop.example.com'], ['shop-gatewy']),
    ['IST0101 VirtualService default/shop spec.gateways[0]', 'IST0132 VirtualService default/shop spec.gateways[0]'],
  ],
  ['a namespace-qualified reference', vs('shop', 'default', ['shop.example.com'], ['istio-system/edge-gw']), []],
  [
    'a short name looks only in the VirtualService namespace',
    vs('shop', 'default', ['shop.example.com'], ['edge-gw']),
    ['IST0101 VirtualService default/shop spec.gateways[0]', 'IST0132 VirtualService default/shop spec.gateways[0]'],
  ],
  [
    'a host the Gateway does not serve',
    vs('blog', 'default', ['blog.other.org'], ['shop-gateway']),
    ['IST0132 VirtualService default/blog spec.gateways[0]'],
  ],
  [
    'a concrete host under a wildcard server host',
    vs('api', 'default', ['api.example.com'], ['istio-system/edge-gw']),
    [],
  ],
  [
    'a wildcard VirtualService host over a concrete server host',
    vs('all', 'default', ['*.example.com'], ['shop-gateway']),
    [],
  ],
  ['the VirtualService host * matches any server host', vs('all', 'default', ['*'], ['shop-gateway']), []],
  [
    'one matching host among several is enough',
    vs('multi', 'default', ['nope.org', 'shop.example.com'], ['shop-gateway']),
    [],
  ],
  [
    'a suffix without the dot does not match',
    vs('apex', 'default', ['example.com'], ['istio-system/edge-gw']),
    ['IST0132 VirtualService default/apex spec.gateways[0]'],
  ],
  [
    './host admits only the Gateway namespace',
    vs('internal', 'default', ['internal.example.com'], ['istio-system/scoped-gw']),
    ['IST0132 VirtualService default/internal spec.gateways[0]'],
  ],
  ['./host in the Gateway namespace', vs('internal', 'istio-system', ['internal.example.com'], ['scoped-gw']), []],
  ['*/* admits every namespace and host', vs('any', 'shop', ['whatever.io'], ['istio-system/open-gw']), []],
  ['ns/host admits that namespace', vs('app', 'team-a', ['app.example.com'], ['istio-system/team-gw']), []],
  [
    'ns/host refuses other namespaces',
    vs('app', 'team-b', ['app.example.com'], ['istio-system/team-gw']),
    ['IST0132 VirtualService team-b/app spec.gateways[0]'],
  ],
  ['*/host admits every namespace', vs('status', 'team-b', ['status.example.com'], ['istio-system/team-gw']), []],
  [
    'only the missing one of two references is reported',
    vs('shop', 'default', ['shop.example.com'], ['shop-gateway', 'istio-system/gone']),
    ['IST0101 VirtualService default/shop spec.gateways[1]', 'IST0132 VirtualService default/shop spec.gateways[1]'],
  ],
  [
    'the legacy name.namespace form is not translated',
    vs('legacy', 'default', ['shop.example.com'], ['edge-gw.istio-system']),
    [
      'IST0101 VirtualService default/legacy spec.gateways[0]',
      'IST0132 VirtualService default/legacy spec.gateways[0]',
    ],
  ],
]

describe('virtualservice.gateway', () => {
  it.each(cases)('%s', (_name, doc, expected) => {
    expect(summarize(run(virtualServiceGateway, modelOf(`${gateways}\n${doc}`)))).toEqual(expected)
  })

  it('says which Gateway is missing and how to write the reference', () => {
    const [missing, hostless] = run(
      virtualServiceGateway,
      modelOf(`${gateways}\n${vs('legacy', 'default', ['shop.example.com'], ['edge-gw.istio-system'])}`),
    )
    expect(missing?.message).toBe(
      'The VirtualService is bound to Gateway "edge-gw.istio-system", but there is no Gateway default/edge-gw.istio-system.',
    )
    expect(missing?.hint).toContain('<namespace>/<name>')
    expect(missing?.level).toBe('Error')
    expect(hostless?.level).toBe('Warning')
    expect(hostless?.message).toContain('because it does not exist')
  })

  it('lists what the Gateway serves when no host matches', () => {
    const [finding] = run(
      virtualServiceGateway,
      modelOf(`${gateways}\n${vs('blog', 'default', ['blog.other.org'], ['shop-gateway'])}`),
    )
    expect(finding?.message).toBe(
      'None of the VirtualService hosts (blog.other.org) is served by Gateway default/shop-gateway, which serves shop.example.com for this namespace.',
    )
    expect(finding?.source?.file).toBe('case.yaml')
  })

  it('reports a reference to an internal Gateway, even on a rejected VirtualService', () => {
    const model = modelOf(
      vs('httpbin', 'default', ['foo.com'], ['istio-ingress/gateway~istio-autogenerated-k8s-gateway~foo']),
      { allowRejected: true },
    )
    const findings = run(virtualServiceGateway, model)
    expect(summarize(findings)).toEqual(['IST0165 VirtualService default/httpbin spec.gateways[0]'])
    expect(findings[0]?.level).toBe('Warning')
  })
})

describe('gateway reference helpers', () => {
  it.each([
    ['gw', 'default', { namespace: 'default', name: 'gw' }],
    ['istio-system/gw', 'default', { namespace: 'istio-system', name: 'gw' }],
    ['gw.istio-system', 'shop', { namespace: 'shop', name: 'gw.istio-system' }],
  ])('resolves %s from %s', (ref, ns, expected) => {
    expect(resolveReference(ref, ns)).toEqual(expected)
  })

  it('applies namespace scoping to server hosts', () => {
    const model = modelOf(gateways)
    const team = model.gateways.find((g) => g.metadata.name === 'team-gw')!
    expect(serverHostsFor(team, 'team-a')).toEqual(['app.example.com', 'status.example.com'])
    expect(serverHostsFor(team, 'default')).toEqual(['status.example.com'])
    const open = model.gateways.find((g) => g.metadata.name === 'open-gw')!
    expect(serverHostsFor(open, 'anything')).toEqual(['*'])
  })
})
