// The grader core's front door: translate a resource model into the ingress gateway's Envoy
// configuration, run the istioctl-analyze style analyzers, and simulate (and explain) requests.
// Pure: callers read files or the cluster and hand over a ResourceModel.
import { runAnalyzers } from '../analyzers/run.ts'
import type { ListenerSummary, RouteConfiguration } from './envoy/types.ts'
import { explainRequest, explanationStrings } from './explain/explain.ts'
import { type Finding, sortFindings } from './findings.ts'
import type { ResourceModel } from './model/index.ts'
import { orderResult, type SimRequest, type SimResult } from './simulate/request.ts'
import { simulateRequest } from './simulate/simulate.ts'
import type { GatewayEnvironment } from './translate/env.ts'
import { listenerSummaries, routeConfigurations, translate, type Translation } from './translate/translate.ts'

export interface AnalyzeInput {
  model: ResourceModel
  requests?: readonly SimRequest[]
  /** Overrides of the assumed gateway pod / domain suffix. */
  environment?: Partial<GatewayEnvironment>
  /**
   * Produces the diagnostics. @default runAnalyzers (server/grader/analyzers/run.ts), which
   * includes the model's own IST0106 findings. Pass `(m) => m.findings` for validation only.
   */
  analyze?: (model: ResourceModel) => Finding[]
}

export interface AnalyzedRequest {
  request: SimRequest
  result: SimResult
}

export interface AnalyzeResult {
  listeners: ListenerSummary[]
  routeConfigs: Record<string, RouteConfiguration>
  clusters: string[]
  diagnostics: Finding[]
  requests: AnalyzedRequest[]
  /** The full translation (provenance, bindings), for callers that need more than the summary. */
  translation: Translation
}

/**
 * Translates, analyzes and simulates in one call.
 * @example
 * const model = parseResources(text, { file: 'shop.yaml' })
 * const out = analyzeConfig({ model, requests: [{ port: 8080, host: 'shop.example.com', path: '/' }] })
 * out.requests[0].result.status // 200, 404, 301, 503 or 'connection_reset'
 */
export function analyzeConfig(input: AnalyzeInput): AnalyzeResult {
  const t = translate(input.model, input.environment === undefined ? {} : { environment: input.environment })
  const analyze = input.analyze ?? runAnalyzers
  return {
    listeners: listenerSummaries(t),
    routeConfigs: routeConfigurations(t),
    clusters: t.clusters,
    diagnostics: sortFindings(analyze(input.model)),
    requests: (input.requests ?? []).map((request) => ({ request, result: simulate(input.model, t, request) })),
    translation: t,
  }
}

/** Simulates one request against a translation and explains the outcome. */
export function simulate(model: ResourceModel, t: Translation, request: SimRequest): SimResult {
  const { result, trace } = simulateRequest(t, request)
  result.explanationItems = explainRequest(model, t, trace, result)
  result.explanation = explanationStrings(result.explanationItems)
  return orderResult(result)
}

export { translate, listenerSummaries, routeConfigurations } from './translate/translate.ts'
export type { Translation, TranslateOptions } from './translate/translate.ts'
export { parseResources, fromApiObjects, mergeModels, emptyModel } from './model/index.ts'
export type { ResourceModel, ParsedResources } from './model/index.ts'
export type { SimRequest, SimResult, ExplanationItem, MissReason, RouteProvenance } from './simulate/request.ts'
export { defaultEnvironment, type GatewayEnvironment } from './translate/env.ts'
