// Binding VirtualServices to the gateway (spec rules 12-16, 26): reference forms, exportTo,
// istiod's VirtualService order, short names and namespace-first Service lookup.
import { describe, expect, test } from 'vitest'
import { gateway, simulateOne } from '../simulate/simulate.test-helper.ts'

const gw = gateway('gw', 'istio-system', 'port: {number: 80, name: http, protocol: HTTP}\nhosts: ["*"]')
const vs = (name: string, ns: string, extra: string, dest = 'web') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [shop.example.com]
${extra}  http:
  - route: [{destination: {host: ${dest}}}]
---
`
const req = { port: 80, host: 'shop.example.com' }

describe('gateway references (rule 12)', () => {
  test.each<[string, string]>([
    ['ns/name', '  gateways: [istio-system/gw]\n'],
    ['legacy name.namespace', '  gateways: [gw.istio-system]\n'],
    ['legacy FQDN', '  gateways: [gw.istio-system.svc.cluster.local]\n'],
  ])('%s binds', (_n, extra) => {
    expect(simulateOne(gw + vs('a', 'default', extra), req).cluster).toBe('outbound|80||web.default.svc.cluster.local')
  })
  test.each<[string, string, string]>([
    ['a bare name means the VirtualService namespace', '  gateways: [gw]\n', 'default'],
    ['./name means the VirtualService namespace', '  gateways: [./gw]\n', 'default'],
    ['no gateways means mesh only', '', 'default'],
    ['a bare name works from the Gateway namespace', '  gateways: [gw]\n', 'istio-system'],
  ])('%s', (name, extra, ns) => {
    const r = simulateOne(gw + vs('a', ns, extra), req)
    expect(r.status === 200 || r.status === 503).toBe(ns === 'istio-system')
  })
})

describe('exportTo (rule 13)', () => {
  test.each<[string, string, boolean]>([
    ['default (*) is visible', 'default', true],
    ['"." in default is invisible to istio-system', 'default', false],
    ['"." in istio-system is visible', 'istio-system', true],
    ['["istio-system"] from default is visible', 'default', true],
    ['["other"] from default is invisible', 'default', false],
  ])('%s', (name, ns, visible) => {
    const exportTo = name.includes('"."')
      ? '  exportTo: ["."]\n'
      : name.includes('["istio-system"]')
        ? '  exportTo: ["istio-system"]\n'
        : name.includes('["other"]')
          ? '  exportTo: ["other"]\n'
          : ''
    const r = simulateOne(gw + vs('a', ns, `  gateways: [istio-system/gw]\n${exportTo}`), req)
    expect(r.virtualHost === 'shop.example.com:80').toBe(visible)
  })
})

describe('VirtualService order for a gateway (rule 14)', () => {
  test('private (istio-system) first, then exported, then public; within a group by creation time, name, namespace', () => {
    const config =
      gw +
      vs('a-public', 'default', '  gateways: [istio-system/gw]\n', 'public') +
      vs('z-exported', 'default', '  gateways: [istio-system/gw]\n  exportTo: ["istio-system"]\n', 'exported') +
      vs('y-private', 'istio-system', '  gateways: [gw]\n  exportTo: ["."]\n', 'private') +
      vs('b-public', 'aaa', '  gateways: [istio-system/gw]\n', 'public2')
    const r = simulateOne(config, req)
    expect(r.cluster).toBe('outbound|80||private.istio-system.svc.cluster.local')
    expect(r.route?.virtualService).toBe('istio-system/y-private')
  })
  test('an older VirtualService comes first', () => {
    const old = vs('zz', 'default', '  gateways: [istio-system/gw]\n', 'old').replace(
      'namespace: default}',
      'namespace: default, creationTimestamp: "2020-01-01T00:00:00Z"}',
    )
    const young = vs('aa', 'default', '  gateways: [istio-system/gw]\n', 'young').replace(
      'namespace: default}',
      'namespace: default, creationTimestamp: "2024-01-01T00:00:00Z"}',
    )
    expect(simulateOne(gw + young + old, req).route?.virtualService).toBe('default/zz')
  })
})

describe('destination lookup (rules 15, 26)', () => {
  const svc = (name: string, ns: string, ports: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  ports: ${ports}
---
`
  test('a full name finds a Service in another namespace and takes its only port', () => {
    const r = simulateOne(
      gw +
        svc('web', 'shop', '[{port: 9000}]') +
        vs('a', 'default', '  gateways: [istio-system/gw]\n', 'web.shop.svc.cluster.local'),
      req,
    )
    expect(r).toMatchObject({ cluster: 'outbound|9000||web.shop.svc.cluster.local', status: 200 })
  })
  test('a Service exported only to its namespace is invisible: server port, and 503', () => {
    const hidden = svc('web', 'default', '[{port: 9000}]').replace(
      'namespace: default}',
      'namespace: default, annotations: {networking.istio.io/exportTo: "."}}',
    )
    const r = simulateOne(gw + hidden + vs('a', 'default', '  gateways: [istio-system/gw]\n'), req)
    expect(r).toMatchObject({ cluster: 'outbound|80||web.default.svc.cluster.local', status: 503 })
  })
  test('a ServiceEntry host is a destination too', () => {
    const se = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: default}
spec:
  hosts: [api.partner.com]
  ports: [{number: 443, name: https, protocol: TLS}]
---
`
    const r = simulateOne(gw + se + vs('a', 'default', '  gateways: [istio-system/gw]\n', 'api.partner.com'), req)
    expect(r).toMatchObject({ cluster: 'outbound|443||api.partner.com', status: 200 })
  })
  test('a subset exists when a DestinationRule defines it', () => {
    const dr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: default}
spec:
  host: web
  subsets: [{name: v1, labels: {version: v1}}]
---
`
    const route = vs('a', 'default', '  gateways: [istio-system/gw]\n').replace(
      '{host: web}',
      '{host: web, subset: v1}',
    )
    expect(simulateOne(gw + svc('web', 'default', '[{port: 80}]') + dr + route, req)).toMatchObject({
      cluster: 'outbound|80|v1|web.default.svc.cluster.local',
      status: 200,
    })
  })
})
