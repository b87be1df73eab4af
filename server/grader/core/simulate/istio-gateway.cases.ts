// Table data: Istio's gateway simulation tests (pilot/pkg/networking/core/gateway_simulation_test.go)
// restated in our own words as config, requests and what Envoy does. Read by istio-gateway.test.ts
// (the grader's prediction must give `want`) and by the cluster suite's live replay
// (test/cluster/dataplane/replay.test.ts: the same config and requests through a real Envoy).
// Cluster names carry the cluster.local suffix, as a real config_dump does (spec §1.8). Pure data.
import type { SimRequest, SimResult } from './request.ts'
import { cluster, gateway, gatewayForService } from './simulate.test-helper.ts'

export interface SimCase {
  name: string
  request: SimRequest
  want: Partial<Pick<SimResult, 'listener' | 'routeConfig' | 'virtualHost' | 'cluster' | 'status' | 'reason'>>
}

/** One config (multi-document YAML) and the requests sent to it. */
export interface SimTable {
  /** What Istio's test function the table restates is about, e.g. `HTTP gateways (TestHTTPGateway)`. */
  suite: string
  name: string
  config: string
  cases: SimCase[]
}

const http80 = 'port:\n  number: 80\n  name: http\n  protocol: HTTP\nhosts:\n- "foo.bar"'
const vsToA = (gateways: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: a
spec:
  hosts: ["example.com"]
  gateways: ${gateways}
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: a, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: b
spec:
  hosts: ["example.com"]
  gateways: ${gateways}
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: b, port: {number: 8081}}}]
`
const ingressEntry = (
  name: string,
  host: string,
  port: number,
  target: number,
  disable = false,
) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ${name}
  namespace: istio-system
${disable ? '  labels:\n    experimental.istio.io/disable-gateway-port-translation: "true"\n' : ''}spec:
  hosts: ["${host}"]
  ports:
  - {number: ${port}, targetPort: ${target}, name: http, protocol: HTTP}
  resolution: STATIC
  location: MESH_INTERNAL
  endpoints:
  - address: 1.1.1.1
    labels: {istio: ingressgateway}
---
`

const portTranslation = 'port translation opt-out (TestDisablePortTranslation)'
const twoGateways =
  gateway('gateway80', '', 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["example.com"]') +
  gateway('gateway8081', '', 'port: {number: 8081, name: http, protocol: HTTP}\nhosts: ["example.com"]')
const targetPortCases: SimCase[] = [
  {
    name: 'target port 1',
    request: { port: 8080, host: 'example.com' },
    want: {
      listener: '0.0.0.0_8080',
      cluster: cluster(80, 'a'),
      routeConfig: 'http.8080',
      virtualHost: 'example.com:80',
    },
  },
  {
    name: 'target port 2',
    request: { port: 8081, host: 'example.com' },
    want: {
      listener: '0.0.0.0_8081',
      cluster: cluster(80, 'a'),
      routeConfig: 'http.8081',
      virtualHost: 'example.com:8081',
    },
  },
]

const httpGateways = 'HTTP gateways (TestHTTPGateway)'
const bookinfo = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [gateway]
  http:
  - match: [{uri: {exact: /productpage}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]
`
const vsForName = (n: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${n}}
spec:
  hosts: ["${n}.example.com"]
  gateways: [gateway]
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: ${n}, port: {number: 80}}}]
---
`
const redirectServer =
  'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["example.com"]\ntls:\n  httpsRedirect: true'
const simpleRoute = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: ["example.com"]
  gateways: [gateway]
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: b}}]
---
`
const redirected: SimCase = {
  name: 'request',
  request: { port: 80, host: 'example.com' },
  want: {
    reason: 'tls_redirect',
    status: 301,
    listener: '0.0.0.0_80',
    virtualHost: 'example.com:80',
    routeConfig: 'http.80',
  },
}
const httpsWithRedirect =
  'port: {number: 443, name: https, protocol: HTTPS}\nhosts: ["example.com"]\ntls:\n  httpsRedirect: true\n  mode: SIMPLE\n  credentialName: test'

const conflicts = 'gateway conflicts (TestGatewayConflicts)'
const tcp80 = 'port: {number: 80, name: tcp, protocol: TCP}\nhosts: ["foo.bar"]'
const collision = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [istio-system/gateway]
  tcp:
  - route: [{destination: {host: productpage, port: {number: 9080}}}]
`
const identicalTls =
  'hosts: ["./*"]\nport: {name: https-ingress, number: 443, protocol: HTTPS}\ntls: {credentialName: sds-credential, mode: SIMPLE}'
const sniVs = (n: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${n}, namespace: default}
spec:
  gateways: [istio-system/ingressgateway]
  hosts: [mysite.example.com]
  tls:
  - match: [{port: 443, sniHosts: [mysite.example.com]}]
    route: [{destination: {host: mysite.default.svc.cluster.local, port: {number: 443}}}]
---
`
const passthroughGateway = gateway(
  'ingressgateway',
  'istio-system',
  "hosts: ['*.example.com']\nport: {name: https, number: 443, protocol: HTTPS}\ntls: {mode: PASSTHROUGH}",
)
const scopedVs = (ns: string, gw: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: default, namespace: ${ns}}
spec:
  hosts: ["${ns}.example.com"]
  gateways: [default/${gw}]
  http:
  - route: [{destination: {host: echo}}]
---
`
const sharedHosts = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public-gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [foo.example.com, bar.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: foobar-vs, namespace: default, creationTimestamp: "2010-01-01T00:00:00Z"}
spec:
  hosts: [foo.example.com, bar.example.com]
  gateways: [istio-system/public-gw]
  http:
  - name: foobar
    match: [{uri: {prefix: /1}}, {uri: {prefix: /2}}, {uri: {prefix: /3}}]
    route: [{destination: {host: echo-foobar}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: foo-vs, namespace: default, creationTimestamp: "2015-01-01T00:00:00Z"}
spec:
  gateways: [istio-system/public-gw]
  hosts: [foo.example.com]
  http:
  - name: foo
    match: [{uri: {prefix: /foo}}]
    route: [{destination: {host: echo-foo, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bar-vs, namespace: default, creationTimestamp: "2020-01-01T00:00:00Z"}
spec:
  gateways: [istio-system/public-gw]
  hosts: [bar.example.com]
  http:
  - name: bar
    match: [{uri: {prefix: /bar}}]
    route: [{destination: {host: echo-bar, port: {number: 80}}}]
`

const services = 'gateways referencing Services (TestTargetPort, TestGatewayServices)'
const ingress = (name: string, host: string, ports: string, ns = 'istio-system') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: ["${host}"]
  ports: ${ports}
  resolution: STATIC
  location: MESH_INTERNAL
  endpoints:
  - address: 1.1.1.1
---
`
const vsA = (hosts: string, name = 'a') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}}
spec:
  hosts: ${hosts}
  gateways: [istio-system/gateway]
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: a, port: {number: 80}}}]
---
`
const svc = 'istio-ingressgateway.istio-system.svc.cluster.local'
const s80 = 'port: {number: 80, name: http-80, protocol: HTTP}\nhosts: ["80.example.com"]'
const s81 = 'port: {number: 81, name: http-81, protocol: HTTP}\nhosts: ["81.example.com"]'
const s82 = 'port: {number: 82, name: http-82, protocol: HTTP}\nhosts: ["82.example.com"]'
const oneServer = 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["example.com"]'
const at = (port: number, host: string, vhost = `${host}:${port === 8080 ? 80 : port - 8000}`): SimCase => ({
  name: `port ${port}`,
  request: { port, host },
  want: {
    listener: `0.0.0.0_${port}`,
    cluster: cluster(80, 'a'),
    routeConfig: `http.${port}`,
    virtualHost: vhost,
  },
})
const sharedTargetPort = (hosts: string): SimTable => ({
  suite: services,
  name: `two Service ports onto one targetPort share http.8080 (${hosts})`,
  config:
    gatewayForService('gateway', `${svc},ingress.com`, s80, s81) +
    ingress('service-instance', svc, '[{number: 80, targetPort: 8080, name: http, protocol: HTTP}]') +
    ingress('service-instance2', 'ingress.com', '[{number: 81, targetPort: 8080, name: http, protocol: HTTP}]') +
    vsA(hosts, 'a-80') +
    vsA('["81.example.com"]', 'a-81'),
  cases: [
    { ...at(8080, '80.example.com', '80.example.com:80'), name: 'from 80' },
    { ...at(8080, '81.example.com', '81.example.com:81'), name: 'from 81' },
  ],
})

export const gatewaySimulationTables: SimTable[] = [
  {
    suite: portTranslation,
    name: 'opted-out Service listed first',
    config:
      twoGateways +
      ingressEntry('service-instance', 'a.example.com', 80, 8081, true) +
      ingressEntry('service-instance-2', 'b.example.com', 80, 8080) +
      vsToA('[gateway80, gateway8081]'),
    cases: targetPortCases,
  },
  {
    suite: portTranslation,
    name: 'translating Service listed first',
    config:
      twoGateways +
      ingressEntry('service-instance', 'b.example.com', 80, 8081, true) +
      ingressEntry('service-instance-2', 'a.example.com', 80, 8080) +
      vsToA('[gateway80, gateway8081]'),
    cases: targetPortCases,
  },
  {
    suite: httpGateways,
    name: 'no virtual services: a listener with a blackhole vhost; other ports refuse',
    config: gateway('', '', http80),
    cases: [
      {
        name: 'defined port',
        request: { port: 80, host: 'foo.bar' },
        want: {
          reason: 'no_route',
          status: 404,
          listener: '0.0.0.0_80',
          routeConfig: 'http.80',
          virtualHost: 'blackhole:80',
        },
      },
      {
        name: 'undefined port',
        request: { port: 81, host: 'foo.bar' },
        want: { reason: 'no_listener', status: 'connection_reset' },
      },
    ],
  },
  {
    suite: httpGateways,
    name: 'wildcard VirtualService narrowed to the server host',
    config: gateway('gateway', '', http80) + bookinfo,
    cases: [
      {
        name: 'uri mismatch',
        request: { port: 80, host: 'foo.bar' },
        want: { reason: 'no_route', listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'foo.bar:80' },
      },
      {
        name: 'host mismatch',
        request: { port: 80, host: 'bad.bar' },
        want: { reason: 'no_virtual_host', listener: '0.0.0.0_80', routeConfig: 'http.80' },
      },
      {
        name: 'match',
        request: { port: 80, host: 'foo.bar', path: '/productpage' },
        want: { listener: '0.0.0.0_80', virtualHost: 'foo.bar:80', cluster: cluster(9080, 'productpage'), status: 503 },
      },
    ],
  },
  {
    suite: httpGateways,
    name: 'virtual services merge under a wildcard server',
    config:
      gateway('gateway', '', 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["*.example.com"]') +
      vsForName('a') +
      vsForName('b'),
    cases: [
      { name: 'a', request: { port: 80, host: 'a.example.com' }, want: { cluster: cluster(80, 'a') } },
      { name: 'b', request: { port: 80, host: 'b.example.com' }, want: { cluster: cluster(80, 'b') } },
      { name: 'undefined hostname', request: { port: 80, host: 'c.example.com' }, want: { reason: 'no_virtual_host' } },
    ],
  },
  {
    suite: httpGateways,
    name: 'httpsRedirect without routes answers 301',
    config: gateway('gateway', '', redirectServer),
    cases: [redirected],
  },
  {
    suite: httpGateways,
    name: 'httpsRedirect with routes answers 301',
    config: gateway('gateway', '', redirectServer) + simpleRoute,
    cases: [redirected],
  },
  {
    suite: httpGateways,
    name: 'mixed httpsRedirect with routes answers 301',
    config:
      gateway('gateway', '', redirectServer) +
      gateway('gateway2', '', 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["example.com"]') +
      simpleRoute,
    cases: [redirected],
  },
  {
    suite: httpGateways,
    name: 'httpsRedirect on an HTTPS server has no visible effect',
    config: gateway('gateway', '', httpsWithRedirect) + simpleRoute,
    cases: [
      {
        name: 'request',
        request: { port: 443, host: 'example.com', tls: true },
        want: {
          listener: '0.0.0.0_443',
          virtualHost: 'example.com:443',
          routeConfig: 'https.443.https.gateway.default',
          cluster: cluster(443, 'b'),
        },
      },
    ],
  },
  {
    suite: conflicts,
    name: 'a same-named Gateway in an earlier namespace takes the TCP port (no listener)',
    config: gateway('gateway', 'istio-system', tcp80) + gateway('gateway', 'alpha', tcp80) + collision,
    cases: [{ name: 'call', request: { port: 80, protocol: 'tcp' }, want: { reason: 'no_listener' } }],
  },
  {
    suite: conflicts,
    name: 'the referenced Gateway processed first keeps the TCP port',
    config: gateway('gateway', 'istio-system', tcp80) + gateway('gateway', 'zeta', tcp80) + collision,
    cases: [
      {
        name: 'call',
        request: { port: 80, protocol: 'tcp' },
        want: { listener: '0.0.0.0_80', cluster: cluster(9080, 'productpage') },
      },
    ],
  },
  {
    suite: conflicts,
    name: 'identical TLS servers in two namespaces give two catch-all chains',
    config: gateway('', 'istio-system', identicalTls) + gateway('', 'default', identicalTls),
    cases: [
      { name: 'call', request: { port: 443, tls: true, host: 'foo.bar' }, want: { reason: 'multiple_filter_chains' } },
    ],
  },
  {
    suite: conflicts,
    name: 'a duplicate SNI rule from a later VirtualService is skipped',
    config: passthroughGateway + sniVs('vs1') + sniVs('vs2'),
    cases: [
      {
        name: 'call',
        request: { port: 443, tls: true, host: 'mysite.example.com', protocol: 'tcp' },
        want: {
          listener: '0.0.0.0_443',
          cluster: cluster(443, 'mysite'),
          status: 'connection_reset',
          reason: 'cluster_not_found',
        },
      },
    ],
  },
  {
    suite: conflicts,
    name: 'TCP first: the HTTP server is dropped and TCP without routes has no listener',
    config: gateway('alpha', '', tcp80) + gateway('beta', '', http80),
    cases: [{ name: 'call tcp', request: { port: 80, protocol: 'tcp' }, want: { reason: 'no_listener' } }],
  },
  {
    suite: conflicts,
    name: 'HTTP first: the TCP server is dropped, HTTP answers 404 from the blackhole',
    config: gateway('beta', '', tcp80) + gateway('alpha', '', http80),
    cases: [
      {
        name: 'call http',
        request: { port: 80, host: 'foo.bar' },
        want: { reason: 'no_route', listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'blackhole:80' },
      },
    ],
  },
  {
    suite: conflicts,
    name: 'namespace-scoped wildcard hosts pick the VirtualService of their namespace',
    config:
      gateway('alpha', '', 'hosts: [ns-1/*.example.com]\nport: {name: http, number: 80, protocol: HTTP}') +
      gateway('beta', '', 'hosts: [ns-2/*.example.com]\nport: {name: http, number: 80, protocol: HTTP}') +
      scopedVs('ns-1', 'alpha') +
      scopedVs('ns-2', 'beta'),
    cases: [
      {
        name: 'ns-1',
        request: { port: 80, host: 'ns-1.example.com' },
        want: { listener: '0.0.0.0_80', routeConfig: 'http.80', cluster: cluster(80, 'echo', 'ns-1') },
      },
      {
        name: 'ns-2',
        request: { port: 80, host: 'ns-2.example.com' },
        want: { listener: '0.0.0.0_80', routeConfig: 'http.80', cluster: cluster(80, 'echo', 'ns-2') },
      },
    ],
  },
  {
    suite: conflicts,
    name: 'VirtualServices sharing a host stay apart from one covering two hosts',
    config: sharedHosts,
    cases: [
      {
        name: 'foobar',
        request: { port: 80, host: 'foo.example.com', path: '/1' },
        want: { listener: '0.0.0.0_80', routeConfig: 'http.80', cluster: cluster(80, 'echo-foobar') },
      },
      {
        name: 'foo',
        request: { port: 80, host: 'foo.example.com', path: '/foo' },
        want: { cluster: cluster(80, 'echo-foo') },
      },
      {
        name: 'bar',
        request: { port: 80, host: 'bar.example.com', path: '/bar' },
        want: { cluster: cluster(80, 'echo-bar') },
      },
    ],
  },
  {
    suite: services,
    name: 'only Service ports become listeners',
    config:
      gatewayForService('gateway80', svc, oneServer) +
      gatewayForService('gateway81', svc, 'port: {number: 8080, name: http, protocol: HTTP}\nhosts: ["example.com"]') +
      ingress('service-instance', svc, '[{number: 80, targetPort: 8080, name: http, protocol: HTTP}]') +
      vsA('["example.com"]').replace('[istio-system/gateway]', '[istio-system/gateway80, istio-system/gateway81]'),
    cases: [{ ...at(8080, 'example.com'), name: 'basic' }],
  },
  {
    suite: services,
    name: 'each Gateway follows its own Service',
    config:
      gatewayForService('gateway80', 'ingress1.istio-system.svc.cluster.local', oneServer) +
      gatewayForService('gateway81', 'ingress2.istio-system.svc.cluster.local', oneServer) +
      ingress(
        'service-instance',
        'ingress1.istio-system.svc.cluster.local',
        '[{number: 80, targetPort: 8080, name: http, protocol: HTTP}]',
      ) +
      ingress(
        'service-instance-2',
        'ingress2.istio-system.svc.cluster.local',
        '[{number: 80, targetPort: 8081, name: http, protocol: HTTP}]',
      ) +
      vsToA('[istio-system/gateway80, istio-system/gateway81]'),
    cases: [
      { ...at(8080, 'example.com', 'example.com:80'), name: 'target port 1' },
      { ...at(8081, 'example.com', 'example.com:80'), name: 'target port 2' },
    ],
  },
  {
    suite: services,
    name: 'single service: unmatched server ports get no listener',
    config:
      gatewayForService('gateway', svc, s80, s82) +
      ingress('service-instance', svc, '[{number: 80, targetPort: 8080, name: http, protocol: HTTP}]') +
      vsA('["*.example.com"]'),
    cases: [
      at(8080, '80.example.com'),
      { name: 'no service match', request: { port: 82, host: '81.example.com' }, want: { reason: 'no_listener' } },
    ],
  },
  {
    suite: services,
    name: 'a Service in another namespace does not count',
    config:
      gatewayForService('gateway', 'istio-ingressgateway.not-istio-system.svc.cluster.local', s80) +
      ingress(
        'service-instance',
        'istio-ingressgateway.not-istio-system.svc.cluster.local',
        '[{number: 80, name: http, protocol: HTTP}]',
        'not-istio-system',
      ),
    cases: [{ name: 'port 80', request: { port: 80, host: '80.example.com' }, want: { reason: 'no_listener' } }],
  },
  {
    suite: services,
    name: 'several Services',
    config:
      gatewayForService('gateway', `${svc},ingress.com`, s80, s81, s82) +
      ingress('service-instance', svc, '[{number: 80, targetPort: 8080, name: http, protocol: HTTP}]') +
      ingress('service-instance2', 'ingress.com', '[{number: 81, targetPort: 8081, name: http, protocol: HTTP}]') +
      vsA('["*.example.com"]'),
    cases: [
      at(8080, '80.example.com'),
      at(8081, '81.example.com'),
      { name: 'no service match', request: { port: 82, host: '81.example.com' }, want: { reason: 'no_listener' } },
    ],
  },
  sharedTargetPort('["80.example.com"]'),
  sharedTargetPort('["*.example.com"]'),
  {
    suite: services,
    name: 'label-selector Gateways fall back to the server port',
    config:
      gateway('gateway', 'istio-system', s80, s82) +
      ingress('service-instance', svc, '[{number: 80, targetPort: 8080, name: http, protocol: HTTP}]') +
      vsA('["*.example.com"]'),
    cases: [at(8080, '80.example.com'), { ...at(82, '82.example.com', '82.example.com:82'), name: 'no service match' }],
  },
]
