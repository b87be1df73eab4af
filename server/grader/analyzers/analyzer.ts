// The analyzer contract: metadata (id, Istio's name, description, the model lists it reads, the
// codes it may report) and a pure analyze(model) → findings. No I/O, no exceptions for bad input.
import type { Finding } from '../core/findings.ts'
import type { ResourceModel } from '../core/model/index.ts'

/** The model lists an analyzer may read. */
export type AnalyzerInput = 'gateways' | 'virtualServices' | 'serviceEntries' | 'services' | 'pods' | 'rejected'

/** What an analyzer is, for the registry, the docs and the meta-tests. */
export interface AnalyzerMeta {
  /** `<resource>.<check>` in kebab-case, e.g. `virtualservice.gateway`. */
  id: string
  /** The istioctl analyzer it reproduces, e.g. `virtualservice.GatewayAnalyzer`. */
  istioName: string
  description: string
  /** Model lists it reads (checked by a meta-test). */
  inputs: readonly AnalyzerInput[]
  /** Message codes it may report (each documented in docs/grader-messages.md). */
  codes: readonly string[]
  /** Runs only when the model holds Pods, i.e. when a live cluster was read. @default false */
  requiresPods?: boolean
}

/**
 * One check over the resource model.
 * @example
 * export const myAnalyzer: Analyzer = { meta: {...}, analyze: (model) => model.gateways.flatMap(check) }
 */
export interface Analyzer {
  meta: AnalyzerMeta
  analyze(model: ResourceModel): Finding[]
}
