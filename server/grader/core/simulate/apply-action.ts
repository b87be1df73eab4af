// What Envoy does once a route matched (spec rule 37.6): forward to a cluster (200, or 503 when
// the cluster does not exist, 500 on Gateway API routes; in a weighted split only the missing
// cluster's share fails), redirect (30x with Location), or answer directly; plus the upstream path
// and host after rewrites. Pure.
import type { RedirectAction, Route, RouteAction } from '../envoy/types.ts'
import { fullRegex } from './match-route.ts'
import { hostWithoutPort, type NormalizedRequest, type SimResult } from './request.ts'

const redirectStatus: Record<string, number> = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
}

type ActionResult = Pick<
  SimResult,
  'status' | 'reason' | 'cluster' | 'weightedClusters' | 'location' | 'upstreamPath' | 'upstreamHost' | 'body'
>

/** Applies the matched route's action. `clusterExists` answers for CDS. */
export function applyRouteAction(
  route: Route,
  req: NormalizedRequest,
  clusterExists: (name: string) => boolean,
): ActionResult {
  if (route.redirect !== undefined) {
    return {
      status: redirectStatus[route.redirect.response_code ?? 'MOVED_PERMANENTLY'] ?? 301,
      location: redirectLocation(route, route.redirect, req),
    }
  }
  if (route.direct_response !== undefined) {
    const out: ActionResult = { status: route.direct_response.status }
    const body = route.direct_response.body?.inline_string ?? route.direct_response.body?.inline_bytes
    if (body !== undefined) {
      out.body = body
    }
    return out
  }
  const action = route.route
  if (action === undefined) {
    return { status: 404, reason: 'no_route' }
  }
  const out: ActionResult = {
    status: 200,
    upstreamPath: rewritePath(route, req),
    upstreamHost: action.host_rewrite_literal ?? req.host,
  }
  if (action.cluster !== undefined) {
    out.cluster = action.cluster
    if (!clusterExists(action.cluster)) {
      out.status = missingClusterStatus(action)
      out.reason = 'cluster_not_found'
    }
    return out
  }
  // Envoy picks one cluster per request by weight: a missing cluster fails only its share.
  const clusters = action.weighted_clusters?.clusters ?? []
  const missing = missingClusterStatus(action)
  out.weightedClusters = clusters.map((c) =>
    clusterExists(c.name) ? { name: c.name, weight: c.weight } : { name: c.name, weight: c.weight, status: missing },
  )
  if (out.weightedClusters.every((c) => c.status !== undefined)) {
    out.status = missing
    out.reason = 'cluster_not_found'
  }
  return out
}

/** The Location of a plaintext request to a vhost with `require_tls: ALL`. */
export function httpsRedirectLocation(req: NormalizedRequest): string {
  return `https://${hostWithoutPort(req.host)}${fullPath(req)}`
}

function fullPath(req: NormalizedRequest): string {
  return req.query === '' ? req.path : `${req.path}?${req.query}`
}

function redirectLocation(route: Route, r: RedirectAction, req: NormalizedRequest): string {
  const scheme = r.scheme_redirect ?? (r.https_redirect === true ? 'https' : req.tls ? 'https' : 'http')
  let host = r.host_redirect ?? hostWithoutPort(req.host)
  if (r.port_redirect !== undefined) {
    host = `${hostWithoutPort(host)}:${r.port_redirect}`
  }
  let path = fullPath(req)
  if (r.path_redirect !== undefined && r.path_redirect !== '') {
    path = r.path_redirect.includes('?') || req.query === '' ? r.path_redirect : `${r.path_redirect}?${req.query}`
  } else if (r.prefix_rewrite !== undefined) {
    path = replacePrefix(route, req, r.prefix_rewrite)
  }
  return `${scheme}://${host}${path}`
}

function replacePrefix(route: Route, req: NormalizedRequest, rewrite: string): string {
  const m = route.match
  const matched = m.prefix ?? m.path_separated_prefix ?? (m.path !== undefined ? req.path : '')
  const rest = req.path.slice(matched.length)
  const path = `${rewrite}${rest}`
  return req.query === '' ? path : `${path}?${req.query}`
}

/** The path the upstream receives after prefix_rewrite / regex_rewrite. */
function rewritePath(route: Route, req: NormalizedRequest): string {
  const a = route.route
  if (a?.prefix_rewrite !== undefined) {
    return replacePrefix(route, req, a.prefix_rewrite)
  }
  if (a?.regex_rewrite !== undefined) {
    const re = fullRegex(a.regex_rewrite.pattern.regex)
    if (re !== null) {
      const global = new RegExp(a.regex_rewrite.pattern.regex, 'gu')
      const sub = a.regex_rewrite.substitution.replace(/\\(\d)/g, '$$$1')
      const path = req.path.replace(global, sub)
      return req.query === '' ? path : `${path}?${req.query}`
    }
  }
  return fullPath(req)
}

/** Envoy's answer for a missing cluster: 503, or 500 on Gateway API routes (spec rule 34). */
function missingClusterStatus(action: RouteAction): number {
  return action['cluster_not_found_response_code'] === 'INTERNAL_SERVER_ERROR' ? 500 : 503
}
