// Test helpers for the grader core: Gateway YAML like Istio's createGateway test helper, and a
// one-call "parse, translate, simulate" for table-driven tests. Test-only.
import { analyzeConfig, type AnalyzeResult } from '../index.ts'
import { parseResources } from '../model/index.ts'
import type { SimRequest, SimResult } from './request.ts'

/** A Gateway selecting `istio: ingressgateway` with the given server YAML snippets. */
export function gateway(name: string, namespace: string, ...servers: string[]): string {
  const body = servers.map((s) => `  -\n${indent(s.trim(), 4)}`).join('\n')
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: "${name || 'default'}"
  namespace: "${namespace || 'default'}"
spec:
  selector:
    istio: ingressgateway
  servers:
${body}
---
`
}

/** A Gateway bound to Services by the internal gateway-service annotation (istio createGatewayWithServiceSelector). */
export function gatewayForService(name: string, service: string, ...servers: string[]): string {
  const body = servers.map((s) => `  -\n${indent(s.trim(), 4)}`).join('\n')
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: "${name}"
  namespace: "istio-system"
  annotations:
    internal.istio.io/gateway-service: "${service}"
spec:
  servers:
${body}
---
`
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n)
  return text
    .split('\n')
    .map((l) => (l.trim() === '' ? l : pad + l))
    .join('\n')
}

/** Parses `yaml`, translates it and simulates `requests`. */
export function run(yaml: string, requests: SimRequest[] = []): AnalyzeResult {
  return analyzeConfig({ model: parseResources(yaml, { file: 'test.yaml' }), requests })
}

/** The result of one request against `yaml`. */
export function simulateOne(yaml: string, request: SimRequest): SimResult {
  const out = run(yaml, [request])
  const first = out.requests[0]
  if (first === undefined) {
    throw new Error('no result')
  }
  return first.result
}

/** `outbound|port||host.ns.svc.cluster.local`. */
export function cluster(port: number, host: string, ns = 'default', subset = ''): string {
  return `outbound|${port}|${subset}|${host}.${ns}.svc.cluster.local`
}
