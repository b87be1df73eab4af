// Listeners and filter chains istiod builds for the gateway: restates Istio's
// TestBuildGatewayListeners (listener names for ports, binds, TLS and TCP mixes) plus the
// filter-chain shapes of the CLI contract.
import { describe, expect, test } from 'vitest'
import { gateway, run } from '../simulate/simulate.test-helper.ts'

const server = (name: string, port: number, protocol: string, hosts: string, extra = '') =>
  `port: {name: ${name}, number: ${port}, protocol: ${protocol}}\nhosts: [${hosts}]${extra}`
const simple = '\ntls: {mode: SIMPLE, credentialName: test}'
const passthrough = '\ntls: {mode: PASSTHROUGH}'
const service = `apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]
---
`
const names = (config: string) => run(config).listeners.map((l) => l.name)

describe('listener names (TestBuildGatewayListeners)', () => {
  test('a Service targetPort overrides the server port', () => {
    expect(names(service + gateway('gw', '', server('http', 80, 'HTTP', '"*"')))).toEqual(['0.0.0.0_8080'])
  })
  test('multiple ports give multiple listeners', () => {
    expect(names(gateway('gw', '', server('http', 80, 'HTTP', '"*"'), server('http2', 801, 'HTTP', '"*"')))).toEqual([
      '0.0.0.0_80',
      '0.0.0.0_801',
    ])
  })
  test('a bound server gets its own listener', () => {
    const g = gateway(
      'gw',
      '',
      server('http', 80, 'HTTP', '"*"'),
      server('http2', 8080, 'HTTP', 'externalgatewayclient.com'),
      server('http3', 8080, 'HTTP', 'internalmesh.svc.cluster.local', '\nbind: 127.0.0.1'),
    )
    expect(names(g)).toEqual(['0.0.0.0_80', '0.0.0.0_8080', '127.0.0.1_8080'])
  })
  test('simple TLS, HTTP and passthrough across two gateways', () => {
    const a = gateway(
      'a',
      'testns',
      server('https', 443, 'HTTPS', '"*.example.com"', simple),
      server('http', 80, 'HTTP', 'foo.example.com'),
    )
    const b = gateway(
      'passthrough-gateway',
      'testns',
      server('https', 443, 'HTTPS', '"*.example.com"', simple),
      server('tcp', 9443, 'TLS', 'barone.example.com', passthrough),
      server('http', 80, 'HTTP', 'bar.example.com'),
    )
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: pass, namespace: other}
spec:
  gateways: [testns/passthrough-gateway]
  hosts: [barone.example.com]
  tls:
  - match: [{port: 9443, sniHosts: [barone.example.com]}]
    route: [{destination: {host: foo.com}}]
`
    const out = run(a + b + vs)
    expect(out.listeners.map((l) => l.name)).toEqual(['0.0.0.0_80', '0.0.0.0_443', '0.0.0.0_9443'])
    expect(out.listeners.find((l) => l.port === 9443)?.filter_chains).toEqual([
      { server_names: ['barone.example.com'], tls: 'passthrough', tcp_proxy: { cluster: 'outbound|9443||foo.com' } },
    ])
  })
  test('HTTPS servers of two gateways become two SNI chains', () => {
    const a = gateway(
      'gateway1',
      'testns',
      server('https', 443, 'HTTPS', '"*.example.com"', simple),
      server('http', 80, 'HTTP', 'foo.example.com'),
    )
    const b = gateway(
      'gateway2',
      'testns',
      server('https', 443, 'HTTPS', '"*.exampleone.com"', simple),
      server('http', 80, 'HTTP', 'bar.example.com'),
    )
    const out = run(a + b)
    expect(out.listeners.map((l) => l.name)).toEqual(['0.0.0.0_80', '0.0.0.0_443'])
    expect(out.listeners[1]?.filter_chains).toEqual([
      { server_names: ['*.example.com'], tls: 'terminate', route_config_name: 'https.443.https.gateway1.testns' },
      { server_names: ['*.exampleone.com'], tls: 'terminate', route_config_name: 'https.443.https.gateway2.testns' },
    ])
    expect(out.listeners[0]?.filter_chains).toEqual([{ server_names: [], tls: null, route_config_name: 'http.80' }])
  })
  test('TLS-terminate without tcp rules and a duplicate TLS host add no chain', () => {
    const a = gateway(
      'gateway1',
      'testns',
      server('tls', 443, 'TLS', '"*.example.com"', simple),
      server('https', 443, 'HTTPS', 'https.example.com', simple),
      server('tcp', 9443, 'TCP', 'tcp.example.com'),
    )
    const b = gateway(
      'gateway2',
      'testns',
      server('https', 443, 'HTTPS', '"*.exampleone.com"', simple),
      server('tls', 443, 'TLS', '"*.exampleone.com"', simple),
    )
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp, namespace: other}
spec:
  gateways: [testns/gateway1]
  hosts: [tcp.example.com]
  tcp:
  - match: [{port: 9443}]
    route: [{destination: {host: foo.com}}]
`
    const out = run(a + b + vs)
    expect(out.listeners.map((l) => l.name)).toEqual(['0.0.0.0_443', '0.0.0.0_9443'])
    expect(out.listeners[0]?.filter_chains.map((c) => c.route_config_name)).toEqual([
      'https.443.https.gateway1.testns',
      'https.443.https.gateway2.testns',
    ])
    expect(out.listeners[1]?.filter_chains).toEqual([
      { server_names: [], tls: null, tcp_proxy: { cluster: 'outbound|9443||foo.com' } },
    ])
  })
  test('no servers with routes means no listeners', () => {
    expect(names(gateway('gw', '', server('tcp', 31400, 'TCP', '"*"')))).toEqual([])
  })
  test('a TLS-terminating TCP server forwards with tcp_proxy after termination', () => {
    const g = gateway('gw', 'istio-system', server('tls', 443, 'TLS', '"*/example.com"', simple))
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: db}
spec:
  gateways: [istio-system/gw]
  hosts: [example.com]
  tcp:
  - route: [{destination: {host: backend, port: {number: 8080}}, weight: 80}, {destination: {host: backend2, port: {number: 8080}}, weight: 20}]
`
    const out = run(g + vs, [{ port: 443, tls: true, host: 'example.com', protocol: 'tcp' }])
    expect(out.listeners[0]?.filter_chains[0]).toEqual({
      server_names: ['example.com'],
      tls: 'terminate',
      tcp_proxy: {
        weighted_clusters: {
          clusters: [
            { name: 'outbound|8080||backend.default.svc.cluster.local', weight: 80 },
            { name: 'outbound|8080||backend2.default.svc.cluster.local', weight: 20 },
          ],
        },
      },
    })
    expect(out.requests[0]?.result.weightedClusters).toHaveLength(2)
  })
  test('HTTPS server_names: namespace prefixes stripped, sorted, deduplicated; * means any SNI', () => {
    const g = gateway(
      'gw',
      '',
      server('https', 443, 'HTTPS', 'ns1/b.example.com, ./a.example.com, b.example.com', simple),
      server('https2', 8443, 'HTTPS', '"*"', simple),
    )
    const out = run(g)
    expect(out.listeners.map((l) => l.filter_chains[0]?.server_names)).toEqual([['a.example.com', 'b.example.com'], []])
  })
})
