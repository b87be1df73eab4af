import { describe, expect, it } from 'vitest'
import { gateway, httpServer, ingressGatewayWorkload, modelOf, summarize } from './analyzers.test-helper.ts'
import { runAnalyzers } from './run.ts'

const broken = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bad.name, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [bad.name]
  http:
  - route: [{destination: {host: frontend}}]
`

describe('runAnalyzers', () => {
  it('includes the model validation findings and treats rejected resources as absent', () => {
    const findings = runAnalyzers(modelOf(broken, { allowRejected: true }))
    expect(summarize(findings)).toEqual([
      'IST0101 VirtualService default/shop spec.gateways[0]',
      'IST0101 VirtualService default/shop spec.http[0].route[0].destination.host',
      'IST0106 Gateway default/bad.name metadata.name',
      'IST0132 VirtualService default/shop spec.gateways[0]',
      'IST0133 VirtualService default/shop spec.gateways[0]',
    ])
  })

  it('sorts by level, then code, then resource', () => {
    const findings = runAnalyzers(modelOf(broken, { allowRejected: true }))
    expect(findings.map((f) => `${f.level} ${f.code}`)).toEqual([
      'Error IST0101',
      'Error IST0101',
      'Error IST0106',
      'Warning IST0132',
      'Warning IST0133',
    ])
  })

  it('skips the Pod-based analyzer offline and runs it when Pods are known', () => {
    const offline = gateway('shop', 'default', httpServer(['*'], 8004))
    expect(summarize(runAnalyzers(modelOf(offline)))).toEqual([])
    expect(summarize(runAnalyzers(modelOf(`${ingressGatewayWorkload}---${offline}`)))).toEqual([
      'IST0162 Gateway default/shop spec.servers[0].port.number',
    ])
  })

  it('reports a selector that matches nothing once, even when two analyzers see it', () => {
    const findings = runAnalyzers(
      modelOf(`${ingressGatewayWorkload}---${gateway('shop', 'default', httpServer(['*']), '{istio: ingresstypo}')}`),
    )
    expect(summarize(findings)).toEqual(['IST0101 Gateway default/shop spec.selector'])
  })

  it('returns nothing for a correct configuration', () => {
    const yaml = `${ingressGatewayWorkload}---
${gateway('shop-gateway', 'default', httpServer(['shop.example.com']))}
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: default}
spec: {selector: {app: frontend}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [shop-gateway]
  http:
  - route: [{destination: {host: frontend}}]
`
    expect(runAnalyzers(modelOf(yaml))).toEqual([])
  })
})
