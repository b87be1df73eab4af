import { describe, expect, it } from 'vitest'
import { gateway, httpServer, ingressGatewayWorkload, modelOf, run, summarize } from './analyzers.test-helper.ts'
import { ingressGatewayPort } from './gateway-ingress-gateway-port.ts'

const customWorkload = (servicePorts: string) => `
apiVersion: v1
kind: Pod
metadata: {name: private-gw-1234, namespace: edge, labels: {myapp: private-ingressgateway}}
spec: {containers: [{name: istio-proxy}]}
---
apiVersion: v1
kind: Service
metadata: {name: private-gw, namespace: edge}
spec:
  selector: {myapp: private-ingressgateway}
  ports:
${servicePorts}
---`

const PRIVATE = '{myapp: private-ingressgateway}'
const cases: Array<[string, string, string[]]> = [
  [
    'Service ports 80 and 443 on the stock gateway',
    ingressGatewayWorkload +
      '---' +
      gateway('shop', 'default', httpServer(['*'], 80) + httpServer(['*'], 443, 'https-443')),
    [],
  ],
  [
    'a target port is accepted too',
    ingressGatewayWorkload + '---' + gateway('shop', 'default', httpServer(['*'], 8080)),
    [],
  ],
  [
    'a port the Service does not expose',
    ingressGatewayWorkload + '---' + gateway('shop', 'default', httpServer(['*'], 80) + httpServer(['*'], 8004)),
    ['IST0162 Gateway default/shop spec.servers[1].port.number'],
  ],
  [
    'a selector no Pod has',
    ingressGatewayWorkload + '---' + gateway('shop', 'default', httpServer(['*']), '{istio: ingresstypo}'),
    ['IST0101 Gateway default/shop spec.selector'],
  ],
  [
    'a custom gateway with translation 80 → 8003',
    customWorkload('  - {name: http2, port: 80, targetPort: 8003, nodePort: 31380}') +
      gateway('private', 'edge', httpServer(['*'], 80), PRIVATE),
    [],
  ],
  [
    'a custom gateway without targetPort',
    customWorkload('  - {name: http2, port: 80}') + gateway('private', 'edge', httpServer(['*'], 8004), PRIVATE),
    ['IST0162 Gateway edge/private spec.servers[0].port.number'],
  ],
  [
    'a named targetPort counts as the port itself',
    customWorkload('  - {name: http2, port: 80, targetPort: http}') +
      gateway('private', 'edge', httpServer(['*'], 80), PRIVATE),
    [],
  ],
  [
    'UDP ports do not count',
    customWorkload('  - {name: dns, port: 53, protocol: UDP}') +
      gateway('private', 'edge', httpServer(['*'], 53), PRIVATE),
    ['IST0162 Gateway edge/private spec.servers[0].port.number'],
  ],
  [
    'a Service in another namespace does not front the Pod',
    customWorkload('  - {name: http2, port: 80}') +
      '\napiVersion: v1\nkind: Service\nmetadata: {name: elsewhere, namespace: default}\nspec:\n  selector: {myapp: private-ingressgateway}\n  ports: [{name: http, port: 9000}]\n---' +
      gateway('private', 'edge', httpServer(['*'], 9000), PRIVATE),
    ['IST0162 Gateway edge/private spec.servers[0].port.number'],
  ],
]

describe('gateway.ingress-gateway-port', () => {
  it.each(cases)('%s', (_name, yaml, expected) => {
    expect(summarize(run(ingressGatewayPort, modelOf(yaml)))).toEqual(expected)
  })

  it('is marked as needing Pods', () => {
    expect(ingressGatewayPort.meta.requiresPods).toBe(true)
  })

  it('explains the missing port and the selector', () => {
    const [finding] = run(
      ingressGatewayPort,
      modelOf(ingressGatewayWorkload + '---' + gateway('shop', 'default', httpServer(['*'], 8004))),
    )
    expect(finding?.message).toBe(
      'The Gateway listens on port 8004, but no Service in front of its Pods (selector istio=ingressgateway) exposes that port, so clients cannot reach it through the gateway Service.',
    )
    expect(finding?.level).toBe('Warning')
  })
})
