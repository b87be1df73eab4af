// Shared inputs and small helpers of the explainers: the model, the translation, the trace, and
// how to name resources and servers in a sentence a learner understands. Pure.
import type { ResourceModel } from '../model/index.ts'
import type { ExplanationItem, SimResult } from '../simulate/request.ts'
import type { SimTrace } from '../simulate/simulate.ts'
import type { MergedServer } from '../translate/merged.ts'
import type { Translation } from '../translate/translate.ts'

/** Everything an explainer may look at. */
export interface ExplainContext {
  model: ResourceModel
  t: Translation
  trace: SimTrace
  result: SimResult
}

/** `Kind ns/name`. */
export function res(kind: string, meta: { namespace: string; name: string }): string {
  return `${kind} ${meta.namespace}/${meta.name}`
}

/** An explanation item with only the defined optional fields. */
export function item(
  hop: ExplanationItem['hop'],
  message: string,
  extra: {
    resource?: string | undefined
    path?: string | undefined
    hint?: string | undefined
    cause?: ExplanationItem['cause']
  } = {},
): ExplanationItem {
  const out: ExplanationItem = { hop, message }
  if (extra.cause !== undefined) {
    out.cause = extra.cause
  }
  if (extra.resource !== undefined) {
    out.resource = extra.resource
  }
  if (extra.path !== undefined) {
    out.path = extra.path
  }
  if (extra.hint !== undefined) {
    out.hint = extra.hint
  }
  return out
}

/** `a, b and c` (at most `max` names, then "and N more"). */
export function list(names: readonly string[], max = 6): string {
  const shown = names.slice(0, max)
  const rest = names.length - shown.length
  if (rest > 0) {
    return `${shown.join(', ')} and ${rest} more`
  }
  if (shown.length <= 1) {
    return shown.join('')
  }
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`
}

/** `{istio: ingressgateway, app: x}`. */
export function labels(l: Record<string, string> | undefined): string {
  const entries = Object.entries(l ?? {})
  return entries.length === 0 ? '{}' : `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`
}

/** The Gateway resource text and field path of a merged server. */
export function serverRef(ms: MergedServer): { resource: string; path: string } {
  return { resource: res('Gateway', ms.gateway.metadata), path: `spec.servers[${ms.index}]` }
}

/** The servers whose routes feed a route configuration. */
export function serversOfRouteConfig(t: Translation, name: string): MergedServer[] {
  return t.merged.byRouteName.get(name) ?? []
}
