// Test-only helpers for the analyzer tables: build a model from YAML with the real parser and
// summarize findings as `CODE Kind ns/name path` lines.
import { expect } from 'vitest'
import type { Finding } from '../core/findings.ts'
import { type ResourceModel, parseResources } from '../core/model/index.ts'
import type { Analyzer } from './analyzer.ts'

/** Parses YAML documents into a model; fails the test on unexpected schema errors. */
export function modelOf(yaml: string, options: { allowRejected?: boolean } = {}): ResourceModel {
  const model = parseResources(yaml, { file: 'case.yaml' })
  if (options.allowRejected !== true) {
    expect(model.findings.map((f) => `${f.code} ${f.path ?? ''} ${f.message}`)).toEqual([])
  }
  return model
}

/** `IST0101 VirtualService default/x spec.gateways[0]`, sorted. */
export function summarize(findings: readonly Finding[]): string[] {
  return findings
    .map((f) => `${f.code} ${f.resource.kind} ${f.resource.namespace}/${f.resource.name} ${f.path ?? ''}`.trim())
    .sort()
}

/** Runs one analyzer and checks its findings use only the codes it declares. */
export function run(analyzer: Analyzer, model: ResourceModel): Finding[] {
  const findings = analyzer.analyze(model)
  for (const f of findings) {
    expect(analyzer.meta.codes).toContain(f.code)
  }
  return findings
}

/** The stock ingress gateway: Pod and Service in istio-system (80→8080, 443→8443). */
export const ingressGatewayWorkload = `
apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-5d7f8b9c6d-x2x9q
  namespace: istio-system
  labels: {istio: ingressgateway, app: istio-ingressgateway}
spec:
  containers:
  - name: istio-proxy
    ports: [{containerPort: 8080}, {containerPort: 8443}]
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector: {istio: ingressgateway}
  ports:
  - {name: status-port, port: 15021, targetPort: 15021}
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
`

/** A Gateway document. */
export function gateway(
  name: string,
  namespace: string,
  servers: string,
  selector = '{istio: ingressgateway}',
): string {
  return `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: ${selector}
  servers:
${servers}
---`
}

/** One HTTP server block for gateway(). */
export function httpServer(hosts: readonly string[], port = 80, name = `http-${port}`, extra = ''): string {
  return `  - port: {number: ${port}, name: ${name}, protocol: HTTP}
    hosts: [${hosts.map((h) => JSON.stringify(h)).join(', ')}]${extra}
`
}
