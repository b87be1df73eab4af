// What of an Envoy route matters when predicted and actual config are compared: the match and the
// action (mirrors included), without the defaults Envoy or istiod add (timeout, retry_policy, decorator, max_grpc_timeout,
// per-filter config), with omitted proto defaults filled in (response_code, append_action). Pure;
// produces plain comparable values and short descriptions.
import { compareText } from '../findings.ts'
import { describeMatch } from './route-describe.ts'
import { routeOwner } from './route-owner.ts'
import type { HeaderValueOption, Route, RouteMatch } from './types.ts'

/** The behaviour-relevant part of a route, with defaults filled in. */
export interface RouteProjection {
  match: unknown
  action: unknown
  headers: unknown
  /** `namespace/name` of the VirtualService, when the route carries Istio metadata. */
  owner?: string
}

/** Projects a route for comparison. */
export function projectRoute(route: Route): RouteProjection {
  const owner = routeOwner(route)
  return {
    match: normalizeMatch(route.match),
    action: projectAction(route),
    headers: prune({
      request_headers_to_add: sortHeaders(route.request_headers_to_add),
      request_headers_to_remove: sorted(route.request_headers_to_remove),
      response_headers_to_add: sortHeaders(route.response_headers_to_add),
      response_headers_to_remove: sorted(route.response_headers_to_remove),
    }),
    ...(owner === undefined ? {} : { owner: `${owner.namespace}/${owner.name}` }),
  }
}

/** A canonical string for any JSON value (sorted keys), used as an identity. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Envoy's default `case_sensitive` is true; empty matcher lists mean none. */
function normalizeMatch(match: RouteMatch): unknown {
  return prune({ ...match, case_sensitive: match.case_sensitive ?? true })
}

function projectAction(route: Route): unknown {
  if (route.redirect !== undefined) {
    return {
      redirect: prune({
        ...route.redirect,
        response_code: route.redirect.response_code ?? 'MOVED_PERMANENTLY',
        // istiod always sets the path_redirect oneof (empty without `uri`); Envoy keeps the path then.
        path_redirect: route.redirect.path_redirect === '' ? undefined : route.redirect.path_redirect,
        https_redirect: route.redirect.https_redirect === true ? true : undefined,
      }),
    }
  }
  if (route.direct_response !== undefined) {
    return {
      direct_response: { status: route.direct_response.status, body: route.direct_response.body?.inline_string ?? '' },
    }
  }
  const action = route.route ?? {}
  const weighted = action.weighted_clusters?.clusters.map((c) =>
    prune({
      name: c.name,
      weight: c.weight,
      request_headers_to_add: sortHeaders(c.request_headers_to_add),
      request_headers_to_remove: sorted(c.request_headers_to_remove),
      response_headers_to_add: sortHeaders(c.response_headers_to_add),
      response_headers_to_remove: sorted(c.response_headers_to_remove),
    }),
  )
  return {
    route: prune({
      cluster: action.cluster,
      weighted_clusters: weighted,
      prefix_rewrite: action.prefix_rewrite,
      regex_rewrite: action.regex_rewrite,
      host_rewrite_literal: action.host_rewrite_literal,
      request_mirror_policies: mirrors(action['request_mirror_policies']),
    }),
  }
}

/** Mirror policies by cluster and fraction (HUNDRED, the proto default, filled in); tracing flags ignored. */
function mirrors(value: unknown): unknown {
  if (!Array.isArray(value) || value.length === 0) {
    return undefined
  }
  return (value as Array<Record<string, unknown>>).map((m) => {
    const fraction = (m['runtime_fraction'] as { default_value?: { numerator?: number; denominator?: string } })
      ?.default_value
    return {
      cluster: m['cluster'],
      numerator: fraction?.numerator ?? 0,
      denominator: fraction?.denominator ?? 'HUNDRED',
    }
  })
}

/** One line for a message: `prefix /cart` plus header matchers. */
export function describeRouteMatch(match: RouteMatch): string {
  const path = describeMatch(match) || 'any path'
  const headers = (match.headers ?? []).map((h) => h.name)
  return headers.length === 0 ? path : `${path} with header${headers.length > 1 ? 's' : ''} ${headers.join(', ')}`
}

/** One line for a message: where the route sends requests. */
export function describeAction(route: Route): string {
  if (route.redirect !== undefined) {
    const r = route.redirect
    const target = [
      r.scheme_redirect ?? (r.https_redirect === true ? 'https' : undefined),
      r.host_redirect,
      r.port_redirect,
      r.path_redirect ?? r.prefix_rewrite,
    ].filter((x) => x !== undefined)
    return `a redirect${target.length > 0 ? ` (${target.join(' ')})` : ''}`
  }
  if (route.direct_response !== undefined) {
    return `a direct response ${route.direct_response.status}`
  }
  const weighted = route.route?.weighted_clusters?.clusters
  if (weighted !== undefined) {
    return `weighted clusters ${weighted.map((c) => `${c.name} (${c.weight})`).join(', ')}`
  }
  return route.route?.cluster === undefined ? 'no action' : `cluster ${route.route.cluster}`
}

function sortHeaders(headers: readonly HeaderValueOption[] | undefined): unknown {
  return headers === undefined
    ? undefined
    : [...headers]
        // APPEND_IF_EXISTS_OR_ADD is the proto default, which a config dump omits.
        .map((h) => prune({ ...h.header, append_action: h.append_action ?? 'APPEND_IF_EXISTS_OR_ADD' }))
        .sort((a, b) => compareText(canonicalJson(a), canonicalJson(b)))
}

function sorted(values: readonly string[] | undefined): string[] | undefined {
  return values === undefined ? undefined : [...values].sort()
}

/** Drops undefined, empty arrays and empty objects, recursively. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined)
    return items.length === 0 ? undefined : items
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, prune(v)] as const)
      .filter(([, v]) => v !== undefined)
    return entries.length === 0 ? undefined : Object.fromEntries(entries)
  }
  return value
}
