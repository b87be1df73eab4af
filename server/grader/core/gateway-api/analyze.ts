// The Gateway API front door: convert as istiod does, then translate and simulate for one
// Kubernetes Gateway's proxy with the classic translator (the internal Gateways and
// VirtualServices are exactly what istiod feeds its own xDS code), and map every matched route
// back to the HTTPRoute rule and match it came from. Pure.
import { runAnalyzers } from '../../analyzers/run.ts'
import { type Finding, sortFindings } from '../findings.ts'
import { analyzeConfig, type AnalyzeResult } from '../index.ts'
import type { Gateway, ResourceModel } from '../model/index.ts'
import type { SimRequest } from '../simulate/request.ts'
import type { GatewayEnvironment } from '../translate/env.ts'
import { convertGatewayApi, type GatewayApiConversion } from './convert.ts'
import type { ConvertOptions, GatewayInfo } from './gateways.ts'
import type { GeneratedOrigin } from './routes.ts'
import { statusFindings } from './status-findings.ts'
import type { GatewayApiModel } from './types.ts'

export interface GatewayApiAnalyzeInput {
  classic: ResourceModel
  gatewayApi: GatewayApiModel
  /** `namespace/name` of the Kubernetes Gateway whose proxy receives the requests. @default the first handled Gateway */
  gateway?: string
  requests?: readonly SimRequest[]
  options?: ConvertOptions
}

export interface GatewayApiAnalyzeResult extends AnalyzeResult {
  conversion: GatewayApiConversion
  /** The Gateway whose proxy was translated; undefined when none is handled. */
  gateway?: GatewayInfo
  /** Per request (same order), the Gateway API rule that matched, when one did. */
  origins: Array<GeneratedOrigin | undefined>
}

/**
 * The proxy's pod: for a managed Gateway, its Deployment's pod as the kube-gateway template labels
 * it; for an unmanaged one, a pod the named Service selects (undefined when that Service is
 * missing: then the input's gateway pod, or the default istio-ingressgateway, is used).
 */
export function gatewayEnvironment(info: GatewayInfo): Partial<GatewayEnvironment> | undefined {
  if (!info.managed) {
    const svc = info.service
    return svc?.spec.selector === undefined
      ? undefined
      : {
          pod: {
            namespace: svc.metadata.namespace,
            labels: { ...svc.spec.selector },
            ip: '10.244.0.10',
            containerPorts: [],
          },
        }
  }
  return {
    pod: {
      namespace: info.gateway.metadata.namespace,
      labels: {
        'gateway.networking.k8s.io/gateway-name': info.gateway.metadata.name,
        'gateway.networking.k8s.io/gateway-class-name': info.gateway.spec.gatewayClassName,
        'service.istio.io/canonical-name': info.deploymentName,
      },
      ip: '10.244.0.10',
      containerPorts: [],
    },
  }
}

/**
 * The resources the chosen Gateway's proxy is configured from: the classic model (without
 * classic Gateways of other namespaces for a managed Gateway, spec rule 5), every generated
 * Service, internal Gateway and VirtualService.
 */
export function proxyModel(conversion: GatewayApiConversion, classic: ResourceModel, info: GatewayInfo): ResourceModel {
  const ns = info.gateway.metadata.namespace
  const internal: Gateway[] = conversion.gateways.flatMap((g) => g.internalGateways)
  // In a live cluster istiod's deployment controller has created them already: no duplicates.
  const exists = (s: { metadata: { name: string; namespace: string } }): boolean =>
    classic.services.some((c) => c.metadata.name === s.metadata.name && c.metadata.namespace === s.metadata.namespace)
  const generatedServices = conversion.gateways
    .filter((g) => g.managed && g.service !== undefined && !exists(g.service))
    .map((g) => g.service!)
  return {
    ...classic,
    gateways: [
      ...(info.managed ? classic.gateways.filter((g) => g.metadata.namespace === ns) : classic.gateways),
      ...internal,
    ],
    virtualServices: [...classic.virtualServices, ...conversion.virtualServices.map((v) => v.vs)],
    services: [...classic.services, ...generatedServices],
    pods: info.managed ? [] : classic.pods,
  }
}

/**
 * Converts, translates, analyzes and simulates for one Kubernetes Gateway.
 * @example
 * const r = analyzeGatewayApi({ classic: parseResources(t), gatewayApi: parseGatewayApi(t), gateway: 'infra/shared',
 *   requests: [{ port: 80, host: 'shop.example.com', path: '/api' }] })
 * r.requests[0].result.status; r.origins[0]?.path // 'spec.rules[0].matches[0]'
 */
export function analyzeGatewayApi(input: GatewayApiAnalyzeInput): GatewayApiAnalyzeResult {
  const conversion = convertGatewayApi(input.gatewayApi, input.classic, input.options)
  const info =
    input.gateway === undefined ? conversion.gateways[0] : conversion.gateways.find((g) => g.key === input.gateway)
  const diagnostics = (): Finding[] =>
    sortFindings([
      ...runAnalyzers(input.classic),
      ...input.gatewayApi.findings,
      ...statusFindings(conversion, input.gatewayApi, input.classic, input.options?.domainSuffix),
    ])
  const model = info === undefined ? input.classic : proxyModel(conversion, input.classic, info)
  const environment = info === undefined ? undefined : gatewayEnvironment(info)
  const base = analyzeConfig({
    model,
    requests: input.requests ?? [],
    analyze: diagnostics,
    ...(environment === undefined ? {} : { environment }),
  })
  const byName = new Map(conversion.virtualServices.map((v) => [`${v.vs.metadata.namespace}/${v.vs.metadata.name}`, v]))
  const origins = base.requests.map((r) => {
    const p = r.result.route
    return p === undefined
      ? undefined
      : byName.get(p.virtualService)?.origins.get(p.path.replace(/\.match\[\d+\]$/, ''))
  })
  return { ...base, conversion, ...(info === undefined ? {} : { gateway: info }), origins }
}

/**
 * The Gateway API diagnostics of a configuration, for callers that simulate the classic ingress
 * gateway: what the API server refuses (IST0106) and the False conditions istiod would write
 * (IST0171), with field pointers.
 */
export function gatewayApiDiagnostics(
  gatewayApi: GatewayApiModel,
  classic: ResourceModel,
  options: ConvertOptions = {},
): Finding[] {
  const conversion = convertGatewayApi(gatewayApi, classic, options)
  return [...gatewayApi.findings, ...statusFindings(conversion, gatewayApi, classic, options.domainSuffix)]
}
