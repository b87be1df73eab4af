// Test helpers for the Gateway API grader: compact YAML builders and a one-call "parse, convert,
// simulate" for table tests. Test-only.
import { parseResources } from '../model/index.ts'
import type { SimRequest } from '../simulate/request.ts'
import { analyzeGatewayApi, type GatewayApiAnalyzeResult } from './analyze.ts'
import type { ConvertOptions } from './gateways.ts'
import { parseGatewayApi } from './model.ts'
import type { Condition } from './status.ts'

const v1 = 'gateway.networking.k8s.io/v1'

/** A Gateway of class istio; `listeners` is the YAML list body (each item starting with `- `). */
export function k8sGateway(name: string, namespace: string, listeners: string, extra = ''): string {
  return `apiVersion: ${v1}\nkind: Gateway\nmetadata: {name: ${name}, namespace: ${namespace}${extra}}\nspec:\n  gatewayClassName: istio\n  listeners:\n${indent(listeners, 2)}\n---\n`
}

/** An HTTPRoute (or another route kind) with the given spec body. */
export function route(name: string, namespace: string, spec: string, kind = 'HTTPRoute', meta = ''): string {
  return `apiVersion: ${v1}\nkind: ${kind}\nmetadata: {name: ${name}, namespace: ${namespace}${meta}}\nspec:\n${indent(spec, 2)}\n---\n`
}

/** A Service with one port per number. */
export function service(name: string, namespace: string, ...ports: number[]): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n  selector: {app: ${name}}\n  ports: [${ports.map((p) => `{port: ${p}}`).join(', ')}]\n---\n`
}

/** Parses the YAML into both models and analyzes it for one Gateway. */
export function run(
  yaml: string,
  requests: SimRequest[] = [],
  gateway?: string,
  options: ConvertOptions = {},
): GatewayApiAnalyzeResult {
  return analyzeGatewayApi({
    classic: parseResources(yaml, { file: 'in.yaml' }),
    gatewayApi: parseGatewayApi(yaml, { file: 'in.yaml' }),
    requests,
    options,
    ...(gateway === undefined ? {} : { gateway }),
  })
}

/** `type=status/reason` for compact assertions. */
export function brief(conditions: readonly Condition[]): string[] {
  return conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)
}

function indent(s: string, n: number): string {
  const pad = ' '.repeat(n)
  return s
    .trim()
    .split('\n')
    .map((l) => pad + l)
    .join('\n')
}
