// Translates the action part of an http rule into Envoy JSON: destination clusters and weights,
// rewrite, redirect, direct response, header operations, mirrors, timeout and retries (spec rules 26-31,
// istio route.go). Pure.
import type { HeaderValueOption, RedirectAction, Route, RouteAction, WeightedClusterEntry } from '../envoy/types.ts'
import type { Destination, Headers, HTTPRedirect, HTTPRoute } from '../model/index.ts'
import type { RegistryService } from './services.ts'
import { durationJSON } from './duration.ts'
import { mirrorPolicies } from './mirror.ts'

/** Looks a destination host up in the registry (VirtualService namespace first). */
export type ServiceLookup = (host: string) => RegistryService | undefined

/**
 * `outbound|port|subset|host`: explicit port, else the Service's only port, else the server port.
 * An empty host (a Gateway API backend istiod refused: RefNotPermitted, InvalidKind) is the
 * missing cluster `UnknownService`.
 */
export function destinationCluster(dest: Destination, svc: RegistryService | undefined, listenerPort: number): string {
  if (dest.host === '') {
    return 'UnknownService'
  }
  let port = listenerPort
  if (dest.port !== undefined) {
    port = dest.port.number ?? 0
  } else if (svc !== undefined && svc.ports.length === 1) {
    port = svc.ports[0]?.port ?? listenerPort
  }
  return `outbound|${port}|${dest.subset ?? ''}|${dest.host}`
}

interface HeaderOps {
  requestToAdd: HeaderValueOption[]
  responseToAdd: HeaderValueOption[]
  requestToRemove: string[]
  responseToRemove: string[]
  authority: string
}

const isInternal = (k: string): boolean => k.startsWith(':') || k.toLowerCase() === 'host'
const isAuthority = (k: string): boolean => k.toLowerCase() === ':authority' || k.toLowerCase() === 'host'

function appendHeaders(
  headers: Record<string, string> | undefined,
  append: boolean,
): { options: HeaderValueOption[]; authority: string } {
  let authority = ''
  const options: HeaderValueOption[] = []
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (isAuthority(key)) {
      authority = value
    }
    if (isInternal(key)) {
      continue
    }
    options.push({
      header: { key, value },
      append_action: append ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD',
    })
  }
  options.sort((a, b) => (a.header.key < b.header.key ? -1 : a.header.key > b.header.key ? 1 : 0))
  return { options, authority }
}

/** No header operations (most routes): shared, never modified. */
const NO_HEADER_OPS: HeaderOps = Object.freeze({
  requestToAdd: [],
  responseToAdd: [],
  requestToRemove: [],
  responseToRemove: [],
  authority: '',
})

/** istio TranslateHeadersOperations: set → overwrite, add → append, remove; authority separately. */
export function translateHeaders(h: Headers | undefined): HeaderOps {
  if (h === undefined) {
    return NO_HEADER_OPS
  }
  const set = appendHeaders(h?.request?.set, false)
  const add = appendHeaders(h?.request?.add, true)
  return {
    requestToAdd: [...set.options, ...add.options],
    responseToAdd: [
      ...appendHeaders(h?.response?.set, false).options,
      ...appendHeaders(h?.response?.add, true).options,
    ],
    requestToRemove: (h?.request?.remove ?? []).filter((k) => !isInternal(k)),
    responseToRemove: (h?.response?.remove ?? []).filter((k) => !isInternal(k)),
    authority: set.authority !== '' ? set.authority : add.authority,
  }
}

/** Copies non-empty header operations onto a route or a weighted cluster entry. */
export function applyHeaderOps(target: Route | WeightedClusterEntry, ops: HeaderOps): void {
  if (ops.requestToAdd.length > 0) {
    target.request_headers_to_add = [...(target.request_headers_to_add ?? []), ...ops.requestToAdd]
  }
  if (ops.requestToRemove.length > 0) {
    target.request_headers_to_remove = [...(target.request_headers_to_remove ?? []), ...ops.requestToRemove]
  }
  if (ops.responseToAdd.length > 0) {
    target.response_headers_to_add = [...(target.response_headers_to_add ?? []), ...ops.responseToAdd]
  }
  if (ops.responseToRemove.length > 0) {
    target.response_headers_to_remove = [...(target.response_headers_to_remove ?? []), ...ops.responseToRemove]
  }
}

const codes: Record<number, RedirectAction['response_code']> = {
  0: 'MOVED_PERMANENTLY',
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
}

/** istio ApplyRedirect; undefined when the redirect code is unsupported (the route has no action). */
export function translateRedirect(r: HTTPRedirect, port: number, isTLS: boolean): RedirectAction | undefined {
  const code = codes[r.redirectCode ?? 0]
  if (code === undefined) {
    return undefined
  }
  const out: RedirectAction = {}
  if (r.authority) {
    out.host_redirect = r.authority
  }
  if (r.prefixRewrite) {
    out.prefix_rewrite = r.prefixRewrite
  } else if (r.uri) {
    out.path_redirect = r.uri
  }
  if (r.scheme) {
    out.scheme_redirect = r.scheme
  }
  if (r.port !== undefined || r.derivePort !== undefined) {
    let portRedirect = 0
    if (r.port !== undefined) {
      portRedirect = r.port
    } else if (r.derivePort === 'FROM_REQUEST_PORT') {
      portRedirect = port
    }
    const scheme = r.scheme || (isTLS ? 'https' : 'http')
    if ((portRedirect === 80 && scheme === 'http') || (portRedirect === 443 && scheme === 'https')) {
      portRedirect = 0
    }
    if (portRedirect !== 0) {
      out.port_redirect = portRedirect
    }
  }
  out.response_code = code
  return out
}

const previousHosts = [
  {
    name: 'envoy.retry_host_predicates.previous_hosts',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
    },
  },
]
/** istio's default policy; shared by every route (read-only). */
const defaultRetry = Object.freeze({
  retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
  num_retries: 2,
  retry_host_predicate: previousHosts,
  host_selection_retry_max_attempts: '5',
})

/** The retry policy istiod puts on VirtualService routes (mesh default, or `retries`). */
export function retryPolicy(retries: unknown): Record<string, unknown> | undefined {
  const base = defaultRetry
  if (retries === undefined || retries === null || typeof retries !== 'object') {
    return base
  }
  const r = retries as Record<string, unknown>
  const attempts = Number(r['attempts'] ?? 0)
  if (!(attempts > 0)) {
    return undefined
  }
  const out: Record<string, unknown> = { ...base, num_retries: attempts }
  if (typeof r['retryOn'] === 'string' && r['retryOn'] !== '') {
    const parts = r['retryOn']
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    const statuses = parts.filter((p) => /^\d{3}$/.test(p)).map(Number)
    let on = parts.filter((p) => !/^\d{3}$/.test(p)).join(',')
    if (statuses.length > 0 && !on.includes('retriable-status-codes')) {
      on += on === '' ? 'retriable-status-codes' : ',retriable-status-codes'
    }
    out['retry_on'] = on
    if (statuses.length > 0) {
      out['retriable_status_codes'] = statuses
    }
  }
  if (typeof r['perTryTimeout'] === 'string') {
    out['per_try_timeout'] = durationJSON(r['perTryTimeout'])
  }
  return out
}

/** The `route` action for a rule with destinations (istio applyHTTPRouteDestination). */
export function translateRouteAction(
  route: Route,
  rule: HTTPRoute,
  authorityFromHeaders: string,
  lookup: ServiceLookup,
  port: number,
): RouteAction {
  const timeout = rule.timeout === undefined ? '0s' : durationJSON(rule.timeout)
  const action: RouteAction = { timeout }
  let authority = authorityFromHeaders
  if (rule.rewrite !== undefined) {
    const rr = rule.rewrite.uriRegexRewrite
    if (rr !== undefined) {
      action.regex_rewrite = { pattern: { regex: rr.match }, substitution: rr.rewrite }
    } else if (rule.rewrite.uri) {
      action.prefix_rewrite = rule.rewrite.uri
    }
    if (rule.rewrite.authority) {
      authority = rule.rewrite.authority
    }
  }
  if (authority !== '') {
    action.host_rewrite_literal = authority
  }
  const dests = rule.route ?? []
  if (dests.length === 1) {
    const d = dests[0]!
    action.cluster = destinationCluster(d.destination, lookup(d.destination.host), port)
    const ops = translateHeaders(d.headers)
    applyHeaderOps(route, ops)
    if (ops.authority !== '' && action.host_rewrite_literal === undefined) {
      action.host_rewrite_literal = ops.authority
    }
  } else {
    const clusters: WeightedClusterEntry[] = []
    for (const d of dests) {
      if (!d.weight) {
        continue
      }
      const entry: WeightedClusterEntry = {
        name: destinationCluster(d.destination, lookup(d.destination.host), port),
        weight: d.weight,
      }
      if (d.headers !== undefined) {
        const ops = translateHeaders(d.headers)
        applyHeaderOps(entry, ops)
        if (ops.authority !== '') {
          entry.host_rewrite_literal = ops.authority
        }
      }
      clusters.push(entry)
    }
    action.weighted_clusters = { clusters }
  }
  const mirrors = mirrorPolicies(rule.other, (d) => destinationCluster(d, lookup(d.host), port))
  if (mirrors.length > 0) {
    action['request_mirror_policies'] = mirrors
  }
  const retry = retryPolicy(rule.other?.['retries'])
  if (retry !== undefined) {
    action['retry_policy'] = retry
  }
  action['max_grpc_timeout'] = timeout
  return action
}
