// What `kindlab simulate` computes from its input: the classic ingress gateway's configuration,
// every Kubernetes Gateway's proxy and the status istiod would write, the diagnostics, and each
// request answered by the proxy it names, in input order. A request naming a Gateway the input
// does not have is an AppError. No I/O.
import { AppError } from '../../errors.ts'
import { runAnalyzers } from '../../grader/analyzers/run.ts'
import { type Finding, sortFindings } from '../../grader/core/findings.ts'
import { convertGatewayApi } from '../../grader/core/gateway-api/convert.ts'
import { type GatewayProxy, simulateGatewayProxies } from '../../grader/core/gateway-api/proxies.ts'
import type { GeneratedOrigin } from '../../grader/core/gateway-api/routes.ts'
import type { StatusReport } from '../../grader/core/gateway-api/status.ts'
import { statusFindings } from '../../grader/core/gateway-api/status-findings.ts'
import { analyzeConfig, type AnalyzeResult, type SimRequest, type SimResult } from '../../grader/core/index.ts'
import type { SimulateInput } from './simulate-input.ts'
import type { SimulateRequest } from './simulate-requests.ts'

/** One answered request; `origin` is the Gateway API rule that matched, for a Kubernetes Gateway. */
export interface ReportedRequest {
  request: SimulateRequest
  result: SimResult
  origin?: GeneratedOrigin
}

export interface SimulationReport {
  /** The classic ingress gateway (listeners, routeConfigs, clusters). */
  ingress: Pick<AnalyzeResult, 'listeners' | 'routeConfigs' | 'clusters'>
  diagnostics: Finding[]
  requests: ReportedRequest[]
  /** Every Kubernetes Gateway Istio handles, in istiod's order. */
  gateways: GatewayProxy[]
  status: StatusReport
}

/**
 * Simulates everything; `requestsFile` names the requests in error messages.
 * @example buildReport(await readSimulateInput({ resources: ['shop.yaml'], namespace: 'default' }), 'req.json')
 */
export function buildReport(input: SimulateInput, requestsFile = 'the requests'): SimulationReport {
  const { classic, gatewayApi } = input
  const conversion = convertGatewayApi(gatewayApi, classic)
  const known = new Set(conversion.gateways.map((g) => g.key))
  const byGateway = new Map<string, SimRequest[]>()
  const ingressRequests: SimRequest[] = []
  input.requests.forEach((r, i) => {
    const { gateway, ...request } = r
    if (gateway === undefined) {
      ingressRequests.push(request)
      return
    }
    if (!known.has(gateway)) {
      throw unknownGateway(`${requestsFile}[${i}]`, gateway, [...known])
    }
    byGateway.set(gateway, [...(byGateway.get(gateway) ?? []), request])
  })
  const findings = statusFindings(conversion, gatewayApi, classic)
  const ingress = analyzeConfig({
    model: classic,
    requests: ingressRequests,
    analyze: (m) => sortFindings([...runAnalyzers(m), ...gatewayApi.findings, ...findings]),
  })
  const gateways = simulateGatewayProxies({ conversion, classic, gatewayApi, findings, requests: byGateway })
  // Back to input order: each proxy's answers are in the order its requests were given.
  const next = new Map(gateways.map((g) => [g.info.key, 0]))
  let ingressNext = 0
  const requests = input.requests.map((request): ReportedRequest => {
    if (request.gateway === undefined) {
      return { request, result: ingress.requests[ingressNext++]!.result }
    }
    const proxy = gateways.find((g) => g.info.key === request.gateway)!
    const i = next.get(proxy.info.key)!
    next.set(proxy.info.key, i + 1)
    const answered = proxy.requests[i]!
    return answered.origin === undefined
      ? { request, result: answered.result }
      : { request, result: answered.result, origin: answered.origin }
  })
  return {
    ingress: { listeners: ingress.listeners, routeConfigs: ingress.routeConfigs, clusters: ingress.clusters },
    diagnostics: ingress.diagnostics,
    requests,
    gateways,
    status: conversion.status,
  }
}

function unknownGateway(where: string, gateway: string, known: string[]): AppError {
  return new AppError('LAB_ERR_VALIDATION', {
    message: `${where} names Gateway ${gateway}, which is not among the Kubernetes Gateways Istio handles in the resources.`,
    hint:
      known.length === 0
        ? 'The resources hold no Gateway of class istio: add it to --resources, or leave "gateway" out for the classic ingress gateway.'
        : `Use one of ${known.join(', ')} (namespace/name), or leave "gateway" out for the classic ingress gateway.`,
  })
}
