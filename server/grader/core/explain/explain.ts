// Turns a simulated request into a causal chain a learner can act on: one item per hop that
// mattered, each naming the resource and field to change. Dispatches on the simulation's
// outcome; the hop explainers live next to this file. Pure.
import type { ResourceModel } from '../model/index.ts'
import type { ExplanationItem, SimResult } from '../simulate/request.ts'
import type { SimTrace } from '../simulate/simulate.ts'
import type { Translation } from '../translate/translate.ts'
import { explainMissingClusters } from './explain-cluster.ts'
import { explainNoFilterChain, explainNoListener, explainProtocol } from './explain-listener.ts'
import { explainMatchedRoute, explainNoRoute } from './explain-route.ts'
import { explainNoVirtualHost, explainTlsRedirect } from './explain-vhost.ts'
import type { ExplainContext } from './context.ts'

/** Structured explanation of one simulated request. */
export function explainRequest(
  model: ResourceModel,
  t: Translation,
  trace: SimTrace,
  result: SimResult,
): ExplanationItem[] {
  const ctx: ExplainContext = { model, t, trace, result }
  switch (result.reason) {
    case 'no_listener':
      return explainNoListener(ctx)
    case 'no_filter_chain':
      return explainNoFilterChain(ctx)
    case 'tls_error':
    case 'protocol_error':
    case 'multiple_filter_chains':
      return explainProtocol(ctx)
    case 'no_virtual_host':
      return explainNoVirtualHost(ctx)
    case 'tls_redirect':
      return explainTlsRedirect(ctx)
    case 'no_route':
      return explainNoRoute(ctx)
    case 'cluster_not_found':
      return [...explainMatchedRoute(ctx), ...explainMissingClusters(ctx)]
    default:
      // A split may still have a share whose cluster is missing.
      return [...explainMatchedRoute(ctx), ...explainMissingClusters(ctx)]
  }
}

/** One plain sentence per item (message, then hint), for the CLI contract. */
export function explanationStrings(items: readonly ExplanationItem[]): string[] {
  return items.map((i) => (i.hint === undefined ? i.message : `${i.message} ${i.hint}`))
}
