// Every Kubernetes Gateway's proxy from one conversion: the Envoy listeners and route
// configurations istiod gives its pods, and the requests sent to it, explained in terms of the
// Gateway API objects (the HTTPRoute rule that matched, the field that kept a route away).
// Pure; one translation per Gateway.
import type { ListenerSummary, RouteConfiguration } from '../envoy/types.ts'
import type { Finding } from '../findings.ts'
import { analyzeConfig, type AnalyzedRequest } from '../index.ts'
import type { ResourceModel } from '../model/index.ts'
import type { SimRequest, SimResult } from '../simulate/request.ts'
import { gatewayEnvironment, proxyModel } from './analyze.ts'
import type { GatewayApiConversion } from './convert.ts'
import { explainGatewayApiRequest } from './explain.ts'
import type { GatewayInfo } from './gateways.ts'
import type { GeneratedOrigin, GeneratedVirtualService } from './routes.ts'
import type { GatewayApiModel } from './types.ts'

/** One Gateway's proxy. */
export interface GatewayProxy {
  info: GatewayInfo
  listeners: ListenerSummary[]
  routeConfigs: Record<string, RouteConfiguration>
  clusters: string[]
  /** The requests sent to this Gateway, in the order given, with the rule each matched. */
  requests: Array<AnalyzedRequest & { origin?: GeneratedOrigin }>
}

export interface ProxiesInput {
  conversion: GatewayApiConversion
  classic: ResourceModel
  gatewayApi: GatewayApiModel
  /** The IST0171 findings of the conversion (statusFindings), reused as explanations. */
  findings: readonly Finding[]
  /** Requests by Gateway key (`ns/name`); every key must name a converted Gateway. */
  requests: ReadonlyMap<string, readonly SimRequest[]>
}

/**
 * Translates each handled Gateway's proxy and simulates its requests.
 * @example simulateGatewayProxies({ conversion, classic, gatewayApi, findings, requests: new Map([['infra/shared', [{ port: 80, host: 'shop.example.com' }]]]) })
 */
export function simulateGatewayProxies(input: ProxiesInput): GatewayProxy[] {
  return input.conversion.gateways.map((info) => simulateOne(input, info))
}

function simulateOne(input: ProxiesInput, info: GatewayInfo): GatewayProxy {
  const { conversion, classic } = input
  const environment = gatewayEnvironment(info)
  const model = proxyModel(conversion, classic, info)
  const out = analyzeConfig({
    model,
    requests: input.requests.get(info.key) ?? [],
    analyze: () => [],
    ...(environment === undefined ? {} : { environment }),
  })
  const byName = new Map(conversion.virtualServices.map((v) => [`${v.vs.metadata.namespace}/${v.vs.metadata.name}`, v]))
  const requests = out.requests.map(({ request, result }) => {
    const p = result.route
    const generated = p === undefined ? undefined : byName.get(p.virtualService)
    const origin =
      p === undefined ? l4Origin(result, byName) : generated?.origins.get(p.path.replace(/\.match\[\d+\]$/, ''))
    const explained = explainGatewayApiRequest({
      result,
      request,
      info,
      origin,
      conversion,
      gatewayApi: input.gatewayApi,
      classic,
      findings: input.findings,
      translation: out.translation,
    })
    return origin === undefined ? { request, result: explained } : { request, result: explained, origin }
  })
  return {
    info,
    listeners: out.listeners,
    routeConfigs: out.routeConfigs,
    clusters: out.clusters,
    requests,
  }
}

/** A TCP or TLS connection's rule: the generated VirtualService its explanation names (`spec.tcp[0]`). */
function l4Origin(
  result: SimResult,
  byName: ReadonlyMap<string, GeneratedVirtualService>,
): GeneratedOrigin | undefined {
  for (const i of result.explanationItems) {
    const vs = i.resource?.startsWith('VirtualService ') === true ? byName.get(i.resource.slice(15)) : undefined
    const rule = /^spec\.(?:tcp|tls)\[\d+\]/.exec(i.path ?? '')?.[0]
    const origin = rule === undefined ? undefined : vs?.origins.get(rule)
    if (origin !== undefined) {
      return origin
    }
  }
  return undefined
}
