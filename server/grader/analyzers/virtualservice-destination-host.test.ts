import { describe, expect, it } from 'vitest'
import { modelOf, run, summarize } from './analyzers.test-helper.ts'
import { buildHostIndex, findDestinationHost, toFQDN } from './service-lookup.ts'
import { virtualServiceDestinationHost } from './virtualservice-destination-host.ts'

const world = `
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: default}
spec:
  selector: {app: frontend}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: checkout, namespace: default}
spec:
  selector: {app: checkout}
  ports: [{name: http, port: 80}, {name: grpc, port: 5050}]
---
apiVersion: v1
kind: Service
metadata:
  name: payments
  namespace: billing
  annotations: {networking.istio.io/exportTo: "."}
spec:
  selector: {app: payments}
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: ledger
  namespace: billing
  annotations: {networking.istio.io/exportTo: "shop, default"}
spec:
  selector: {app: ledger}
  ports: [{name: http, port: 8080}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: weather-api, namespace: default}
spec:
  hosts: [api.weather.example]
  ports: [{number: 443, name: https, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cdn, namespace: default}
spec:
  hosts: ["*.cdn.example"]
  ports: [{number: 443, name: https, protocol: TLS}]
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: private-api, namespace: partner}
spec:
  hosts: [private.partner.example]
  exportTo: ["."]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shared-api, namespace: partner}
spec:
  hosts: [shared.partner.example]
  exportTo: [default]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
---`

function vs(namespace: string, http: string, extra = ''): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: ${namespace}}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/gw]${extra}
  http:
${http}`
}

function route(host: string, port?: number): string {
  return `  - route:\n    - destination: {host: ${JSON.stringify(host)}${port === undefined ? '' : `, port: {number: ${port}}`}}\n`
}

const D = 'VirtualService default/vs'
const cases: Array<[string, string, string[]]> = [
  ['a short name of a single-port Service', vs('default', route('frontend')), []],
  ['the full name of a Service', vs('default', route('frontend.default.svc.cluster.local')), []],
  ['the right port', vs('default', route('frontend', 80)), []],
  [
    'a Service that does not exist',
    vs('default', route('frontnd')),
    [`IST0101 ${D} spec.http[0].route[0].destination.host`],
  ],
  [
    'name.namespace is not expanded',
    vs('default', route('frontend.default')),
    [`IST0101 ${D} spec.http[0].route[0].destination.host`],
  ],
  [
    'a short name resolves in the VirtualService namespace only',
    vs('shop', route('frontend')),
    ['IST0101 VirtualService shop/vs spec.http[0].route[0].destination.host'],
  ],
  [
    'a port the Service does not have',
    vs('default', route('frontend', 8080)),
    [`IST0101 ${D} spec.http[0].route[0].destination.port.number`],
  ],
  [
    'a multi-port Service without a port',
    vs('default', route('checkout')),
    [`IST0112 ${D} spec.http[0].route[0].destination`],
  ],
  ['a multi-port Service with a port', vs('default', route('checkout', 5050)), []],
  ['a ServiceEntry host', vs('default', route('api.weather.example', 443)), []],
  ['a host under a wildcard ServiceEntry', vs('default', route('img.cdn.example')), []],
  ['a wildcard destination under a wildcard ServiceEntry', vs('default', route('*.cdn.example')), []],
  [
    'a ServiceEntry exported only to its namespace',
    vs('default', route('private.partner.example')),
    [`IST0101 ${D} spec.http[0].route[0].destination.host`],
  ],
  ['a ServiceEntry exported to this namespace', vs('default', route('shared.partner.example')), []],
  [
    'a Service exported only to its namespace, seen from elsewhere',
    vs('default', route('payments.billing.svc.cluster.local')),
    [`IST0101 ${D} spec.http[0].route[0].destination.host`],
  ],
  ['a Service exported only to its namespace, seen from there', vs('billing', route('payments')), []],
  ['a Service exported to a list of namespaces', vs('shop', route('ledger.billing.svc.cluster.local')), []],
  [
    'the VirtualService exportTo decides which scopes are searched',
    vs('billing', route('payments'), '\n  exportTo: [shop]'),
    ['IST0101 VirtualService billing/vs spec.http[0].route[0].destination.host'],
  ],
  [
    'every destination of a weighted route is checked',
    vs(
      'default',
      '  - route:\n    - destination: {host: frontend}\n      weight: 90\n    - destination: {host: frontend-v2}\n      weight: 10\n',
    ),
    [`IST0101 ${D} spec.http[0].route[1].destination.host`],
  ],
  [
    'a mirror host that exists',
    vs('default', '  - route:\n    - destination: {host: frontend}\n    mirror: {host: frontend}\n'),
    [],
  ],
  [
    'a mirror host that does not exist',
    vs('default', '  - route:\n    - destination: {host: frontend}\n    mirror: {host: shadow}\n'),
    [`IST0101 ${D} spec.http[0].mirror.host`],
  ],
  [
    'a mirrors entry to a multi-port Service',
    vs(
      'default',
      '  - route:\n    - destination: {host: frontend}\n    mirrors:\n    - destination: {host: checkout}\n',
    ),
    [`IST0112 ${D} spec.http[0].mirrors[0].destination`],
  ],
]

describe('virtualservice.destination-host', () => {
  it.each(cases)('%s', (_name, doc, expected) => {
    expect(summarize(run(virtualServiceDestinationHost, modelOf(`${world}\n${doc}`)))).toEqual(expected)
  })

  it('checks tcp destinations too', () => {
    const doc = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: redis, namespace: default}
spec:
  hosts: ["*"]
  gateways: [istio-system/gw]
  tcp:
  - match: [{port: 31400}]
    route:
    - destination: {host: redis-cart, port: {number: 6379}}
`
    expect(summarize(run(virtualServiceDestinationHost, modelOf(`${world}\n${doc}`)))).toEqual([
      'IST0101 VirtualService default/redis spec.tcp[0].route[0].destination.host',
    ])
  })

  it('names the ports in the messages', () => {
    const [required] = run(virtualServiceDestinationHost, modelOf(`${world}\n${vs('default', route('checkout'))}`))
    expect(required?.message).toBe(
      'Service default/checkout has several ports (80, 5050), and the destination "checkout" does not say which one to use.',
    )
    expect(required?.level).toBe('Error')
    const [wrongPort] = run(
      virtualServiceDestinationHost,
      modelOf(`${world}\n${vs('default', route('frontend', 8080))}`),
    )
    expect(wrongPort?.message).toBe(
      'The destination "frontend:8080" uses port 8080, but Service default/frontend has ports 80.',
    )
  })

  it('suggests the full name for name.namespace', () => {
    const [finding] = run(
      virtualServiceDestinationHost,
      modelOf(`${world}\n${vs('default', route('frontend.default'))}`),
    )
    expect(finding?.hint).toBe(
      'Write the full name frontend.default.svc.cluster.local: a short name is expanded only when it has no dot.',
    )
  })
})

describe('service lookup', () => {
  it.each([
    ['default', 'reviews', 'reviews.default.svc.cluster.local'],
    ['default', 'reviews.other', 'reviews.other'],
    ['default', '*.example.com', '*.example.com'],
  ])('toFQDN(%s, %s)', (ns, host, expected) => {
    expect(toFQDN(ns, host)).toBe(expected)
  })

  it('indexes Services and ServiceEntries by scope', () => {
    const index = buildHostIndex(modelOf(world))
    expect(index.has('*/frontend.default.svc.cluster.local')).toBe(true)
    expect(index.has('billing/payments.billing.svc.cluster.local')).toBe(true)
    expect(index.has('default/ledger.billing.svc.cluster.local')).toBe(true)
    expect(index.has('partner/private.partner.example')).toBe(true)
    expect(findDestinationHost(index, 'default', [], 'img.cdn.example')?.owner.metadata.name).toBe('cdn')
  })
})
