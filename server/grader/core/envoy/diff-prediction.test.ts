import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseResources } from '../model/index.ts'
import { listenerSummaries, routeConfigurations, translate } from '../translate/translate.ts'
import { parseConfigDump } from './configdump.ts'
import { diffAgainstDump } from './diff.ts'

/** Captured gateway dumps from Istio's test data (see test/fixtures/envoy/captured/README.md). */
const sharedDir = new URL('../../../../test/fixtures/envoy/captured/', import.meta.url)
const readSharedFixture = (name: string): string => readFileSync(new URL(name, sharedDir), 'utf8')

/** The Istio httpbin ingress example the captured dump was taken from. */
function httpbinExample(prefix: string): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Service
metadata: {name: httpbin, namespace: default}
spec:
  selector: {app: httpbin}
  ports: [{name: http, port: 8000, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: httpbin-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [httpbin.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [httpbin.example.com]
  gateways: [httpbin-gateway]
  http:
  - match: [{uri: {prefix: ${prefix}}}]
    route: [{destination: {host: httpbin, port: {number: 8000}}}]
`
}

describe('the translation agrees with a captured gateway', () => {
  const captured = parseConfigDump(
    JSON.parse(readSharedFixture('routes-istio-gateway-http-route-prefix.configdump.json')),
  )

  function diffFor(prefix: string) {
    const t = translate(parseResources(httpbinExample(prefix)))
    return diffAgainstDump(
      { listeners: listenerSummaries(t), routeConfigs: routeConfigurations(t), clusters: t.clusters },
      captured,
    )
  }

  it('finds no difference for the configuration the dump came from', () => {
    expect(diffFor('/get')).toEqual([])
  })

  it('finds the route that Envoy does not have yet', () => {
    expect(diffFor('/status').map((d) => `${d.kind} ${d.scope} ${d.location}`)).toEqual([
      'missing route http.8080 / httpbin.example.com:80 / route 0',
      'extra route http.8080 / httpbin.example.com:80 / route 0',
    ])
  })
})
