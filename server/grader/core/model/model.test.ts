// The resource model: parsing multi-document YAML and API objects, namespace defaults, source
// locations, unknown kinds, shape errors, and istiod's validation rules (spec §44) as IST0106.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { fromApiObjects, mergeModels, parseResources } from './index.ts'

describe('parseResources', () => {
  test('reads every kind of the httpbin fixture with file, document and line', () => {
    const m = parseResources(readFileSync('test/fixtures/grader/httpbin-prefix.yaml', 'utf8'), { file: 'httpbin.yaml' })
    expect(m.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      'istio-system/istio-ingressgateway',
      'default/httpbin',
    ])
    expect(m.gateways[0]?.source).toEqual({ file: 'httpbin.yaml', document: 2, line: 43 })
    expect(m.virtualServices[0]?.spec.http[0]?.route?.[0]?.destination).toEqual({
      host: 'httpbin',
      port: { number: 8000 },
    })
    expect(m.findings).toEqual([])
  })
  test('namespace defaults: metadata, then the option, then default', () => {
    const yaml =
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: shop}\n'
    expect(parseResources(yaml).services.map((s) => s.metadata.namespace)).toEqual(['default', 'shop'])
    expect(parseResources(yaml, { defaultNamespace: 'team1' }).services.map((s) => s.metadata.namespace)).toEqual([
      'team1',
      'shop',
    ])
  })
  test('v1, v1beta1 and v1alpha3 are all Istio networking kinds; other groups are ignored but listed', () => {
    const yaml =
      ['v1', 'v1beta1', 'v1alpha3']
        .map(
          (v) =>
            `apiVersion: networking.istio.io/${v}\nkind: DestinationRule\nmetadata: {name: dr-${v}}\nspec: {host: web, subsets: [{name: v1}]}\n`,
        )
        .join('---\n') +
      '---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: k8s}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n'
    const m = parseResources(yaml)
    expect(m.destinationRules).toHaveLength(3)
    expect(m.gateways).toHaveLength(0)
    expect(m.ignored.map((i) => i.kind)).toEqual(['Gateway', 'Deployment'])
  })
  test('empty documents and comments are skipped; List objects are expanded', () => {
    const yaml =
      '# nothing\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}}\n- {apiVersion: v1, kind: Pod, metadata: {name: p, labels: {app: x}}, status: {podIP: 10.0.0.9}}\n'
    const m = parseResources(yaml)
    expect(m.services).toHaveLength(1)
    expect(m.pods[0]?.status.podIP).toBe('10.0.0.9')
  })
  test('unknown fields are tolerated', () => {
    const m = parseResources(
      'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  futureField: 1\n  servers:\n  - {port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"], extra: true}\n',
    )
    expect(m.gateways).toHaveLength(1)
    expect(m.findings).toEqual([])
  })
  test('a YAML syntax error is a finding and a syntax error entry, never an exception', () => {
    const m = parseResources('apiVersion: v1\nkind: Service\nmetadata: {name: ok}\n---\nkind: [unclosed\n', {
      file: 'bad.yaml',
    })
    expect(m.services).toHaveLength(1)
    expect(m.syntaxErrors[0]).toMatchObject({ file: 'bad.yaml', document: 1 })
    expect(m.findings[0]).toMatchObject({ code: 'IST0106', resource: { kind: 'File', name: 'bad.yaml' } })
  })
  test('a wrong shape is IST0106 at the field, with its line, and the resource is rejected', () => {
    const yaml =
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs}\nspec:\n  hosts: a.example.com\n  http: []\n'
    const m = parseResources(yaml, { file: 'vs.yaml' })
    expect(m.virtualServices).toHaveLength(0)
    expect(m.rejected.map((r) => r.metadata.name)).toEqual(['vs'])
    expect(m.findings[0]).toMatchObject({
      code: 'IST0106',
      level: 'Error',
      path: 'spec.hosts',
      source: { file: 'vs.yaml', document: 0, line: 5 },
    })
  })
  test('ports written as strings are read as numbers', () => {
    const m = parseResources(
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: "80", targetPort: http}]\n',
    )
    expect(m.services[0]?.spec.ports[0]).toEqual({ port: 80, protocol: 'TCP', targetPort: 'http' })
  })
})

describe('fromApiObjects and mergeModels', () => {
  test('API objects build the same model as YAML', () => {
    const obj = {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'shop', creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.com'] }],
      },
    }
    const m = fromApiObjects([obj, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x' } }])
    expect(m.gateways[0]?.metadata).toMatchObject({
      name: 'gw',
      namespace: 'shop',
      creationTimestamp: '2024-01-01T00:00:00Z',
    })
    expect(m.ignored).toHaveLength(1)
  })
  test('models merge in order', () => {
    const a = parseResources('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n', { file: 'a.yaml' })
    const b = parseResources('apiVersion: v1\nkind: Service\nmetadata: {name: b}\n', { file: 'b.yaml' })
    expect(mergeModels([a, b]).services.map((s) => s.source.file)).toEqual(['a.yaml', 'b.yaml'])
  })
})

const gw = (meta: string, spec: string) =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: ${meta}\nspec:\n${spec}\n`
const server = (extra: string) => `  servers:\n  - ${extra}`
const vs = (spec: string, name = 'vs') =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}}\nspec:\n${spec}\n`
const route = '    route: [{destination: {host: web}}]'

describe('validation rejects (spec §44) as IST0106', () => {
  test.each<[string, string, string]>([
    ['a Gateway with no servers', gw('{name: gw}', '  servers: []'), 'spec.servers'],
    [
      'a server with no hosts',
      gw('{name: gw}', server('{port: {number: 80, name: http, protocol: HTTP}, hosts: []}')),
      'spec.servers[0].hosts',
    ],
    [
      'a server without a port name',
      gw('{name: gw}', server('{port: {number: 80, protocol: HTTP}, hosts: ["*"]}')),
      'spec.servers[0].port.name',
    ],
    [
      'duplicate port names',
      gw(
        '{name: gw}',
        '  servers:\n  - {port: {number: 80, name: web, protocol: HTTP}, hosts: ["a.com"]}\n  - {port: {number: 81, name: web, protocol: HTTP}, hosts: ["b.com"]}',
      ),
      'spec.servers[1].port.name',
    ],
    [
      'HTTPS without tls',
      gw('{name: gw}', server('{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["a.com"]}')),
      'spec.servers[0].tls',
    ],
    [
      'TLS without tls',
      gw('{name: gw}', server('{port: {number: 443, name: tls, protocol: TLS}, hosts: ["a.com"]}')),
      'spec.servers[0].tls',
    ],
    [
      'tls on plain HTTP other than httpsRedirect',
      gw(
        '{name: gw}',
        server(
          '{port: {number: 80, name: http, protocol: HTTP}, hosts: ["a.com"], tls: {mode: SIMPLE, credentialName: c}}',
        ),
      ),
      'spec.servers[0].tls',
    ],
    [
      'a Gateway name with dots',
      gw('{name: my.gateway}', server('{port: {number: 80, name: http, protocol: HTTP}, hosts: ["a.com"]}')),
      'metadata.name',
    ],
    [
      'an unknown protocol',
      gw('{name: gw}', server('{port: {number: 80, name: http, protocol: HTTPX}, hosts: ["a.com"]}')),
      'spec.servers[0].port.protocol',
    ],
    [
      'a short server host',
      gw('{name: gw}', server('{port: {number: 80, name: http, protocol: HTTP}, hosts: ["shop"]}')),
      'spec.servers[0].hosts[0]',
    ],
    ['host * on a mesh VirtualService', vs(`  hosts: ["*"]\n  http:\n  -${route.slice(3)}`), 'spec.hosts[0]'],
    [
      'host * with mesh listed',
      vs(`  hosts: ["*"]\n  gateways: [gw, mesh]\n  http:\n  -${route.slice(3)}`),
      'spec.hosts[0]',
    ],
    [
      'overlapping hosts',
      vs(`  hosts: [a.example.com, "*.example.com"]\n  gateways: [gw]\n  http:\n  -${route.slice(3)}`),
      'spec.hosts[1]',
    ],
    [
      'route and redirect together',
      vs(`  hosts: [a.com]\n  gateways: [gw]\n  http:\n  - redirect: {uri: /x}\n${route}`),
      'spec.http[0].redirect',
    ],
    [
      'a rule with no action',
      vs('  hosts: [a.com]\n  gateways: [gw]\n  http:\n  - match: [{uri: {prefix: /}}]'),
      'spec.http[0]',
    ],
    [
      'gateway reference ns/*',
      vs(`  hosts: [a.com]\n  gateways: ["default/*"]\n  http:\n  -${route.slice(3)}`),
      'spec.gateways[0]',
    ],
    [
      'gateway reference */name',
      vs(`  hosts: [a.com]\n  gateways: ["*/gw"]\n  http:\n  -${route.slice(3)}`),
      'spec.gateways[0]',
    ],
    [
      'gateway reference with ~',
      vs(`  hosts: [a.com]\n  gateways: ["gw~x"]\n  http:\n  -${route.slice(3)}`),
      'spec.gateways[0]',
    ],
    ['no http, tcp or tls', vs('  hosts: [a.com]\n  gateways: [gw]'), 'spec'],
    [
      'all weights zero',
      vs(
        '  hosts: [a.com]\n  gateways: [gw]\n  http:\n  - route: [{destination: {host: a}, weight: 0}, {destination: {host: b}, weight: 0}]',
      ),
      'spec.http[0].route',
    ],
    [
      'a delegate with gateways',
      vs('  gateways: [gw]\n  http:\n  - route: [{destination: {host: a}}]'),
      'spec.gateways',
    ],
    [
      'a missing destination',
      vs('  hosts: [a.com]\n  gateways: [gw]\n  http:\n  - route: [{weight: 100}]'),
      'spec.http[0].route[0].destination',
    ],
  ])('%s', (_name, yaml, path) => {
    const m = parseResources(yaml)
    expect(m.rejected).toHaveLength(1)
    expect(m.findings.map((f) => f.path)).toContain(path)
    expect(m.findings.every((f) => f.code === 'IST0106' && f.level === 'Error')).toBe(true)
  })

  test.each<[string, string]>([
    [
      'httpsRedirect on plain HTTP',
      gw(
        '{name: gw}',
        server('{port: {number: 80, name: http, protocol: HTTP}, hosts: ["a.com"], tls: {httpsRedirect: true}}'),
      ),
    ],
    [
      'namespace-scoped hosts',
      gw(
        '{name: gw}',
        server('{port: {number: 80, name: http, protocol: HTTP}, hosts: ["./a.com", "*/b.com", "ns/*.c.com", "*"]}'),
      ),
    ],
    ['a delegate VirtualService', vs('  http:\n  - route: [{destination: {host: a}}]')],
    [
      'legacy gateway names (a warning, not a rejection)',
      vs(`  hosts: [a.com]\n  gateways: [gw.istio-system]\n  http:\n  -${route.slice(3)}`),
    ],
    ['host * bound to a gateway', vs(`  hosts: ["*"]\n  gateways: [gw]\n  http:\n  -${route.slice(3)}`)],
    ['exportTo "."', vs(`  hosts: [a.com]\n  gateways: [gw]\n  exportTo: ["."]\n  http:\n  -${route.slice(3)}`)],
  ])('accepts %s', (_name, yaml) => {
    const m = parseResources(yaml)
    expect(m.findings).toEqual([])
    expect(m.rejected).toHaveLength(0)
  })

  test('a rejected resource is absent for translation', () => {
    const m = parseResources(
      gw('{name: bad.name}', server('{port: {number: 80, name: http, protocol: HTTP}, hosts: ["a.com"]}')),
    )
    expect(m.gateways).toEqual([])
  })
})
