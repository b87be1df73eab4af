// Translates a VirtualService HTTPMatchRequest into Envoy's RouteMatch JSON (spec rule 22,
// istio route.TranslateRouteMatch), and tells whether a route is a catch-all (rule 23). Pure.
import type { HeaderMatcher, QueryParameterMatcher, Route, RouteMatch, StringMatcher } from '../envoy/types.ts'
import type { HTTPMatchRequest, StringMatch } from '../model/index.ts'

/** `*` as a regex means "present" in Istio, not "anything". */
function isPresentMatch(sm: StringMatch | undefined): boolean {
  if (sm === undefined) {
    return true
  }
  if (sm.exact === undefined && sm.prefix === undefined && sm.regex === undefined) {
    return true
  }
  return sm.exact === undefined && sm.prefix === undefined && sm.regex === '*'
}

/** Envoy StringMatcher for an Istio StringMatch (exact, prefix, or safe_regex). */
export function toStringMatcher(sm: StringMatch): StringMatcher | undefined {
  if (sm.exact !== undefined) {
    return { exact: sm.exact }
  }
  if (sm.prefix !== undefined) {
    return { prefix: sm.prefix }
  }
  if (sm.regex !== undefined) {
    return { safe_regex: { regex: sm.regex } }
  }
  return undefined
}

function headerMatcher(name: string, sm: StringMatch): HeaderMatcher {
  if (isPresentMatch(sm)) {
    return { name, present_match: true }
  }
  const m = toStringMatcher(sm)
  return m === undefined ? { name } : { name, string_match: m }
}

function queryMatcher(name: string, sm: StringMatch): QueryParameterMatcher {
  if (isPresentMatch(sm)) {
    return { name, present_match: true }
  }
  const m = toStringMatcher(sm)
  return m === undefined ? { name } : { name, string_match: m }
}

/** True for `@request.auth.claims...` keys, which istio turns into JWT metadata matchers. */
function isClaim(name: string): boolean {
  return name.startsWith('@request.auth.claims.') || name.startsWith('@request.auth.claims[')
}

/**
 * The Envoy match for one Istio match (undefined: the rule has no match → prefix `/`). With
 * Gateway API semantics (a VirtualService istiod generated from an HTTPRoute) a prefix other
 * than `/` is segment-aware: `path_separated_prefix`, without a trailing `/`.
 */
export function translateRouteMatch(match: HTTPMatchRequest | undefined, gatewaySemantics = false): RouteMatch {
  if (match === undefined) {
    return { prefix: '/' }
  }
  const out: RouteMatch = {}
  const headers: HeaderMatcher[] = []
  const metadata: unknown[] = []
  for (const [name, sm] of Object.entries(match.headers ?? {})) {
    if (isClaim(name)) {
      metadata.push({ claim: name, ...(toStringMatcher(sm) ?? {}) })
    } else {
      headers.push(headerMatcher(name, sm))
    }
  }
  for (const [name, sm] of Object.entries(match.withoutHeaders ?? {})) {
    if (isClaim(name)) {
      metadata.push({ claim: name, invert: true, ...(toStringMatcher(sm) ?? {}) })
      continue
    }
    const h: HeaderMatcher = { ...headerMatcher(name, sm), invert_match: true }
    if (!isPresentMatch(sm)) {
      h.treat_missing_header_as_empty = true
    }
    headers.push(h)
  }
  headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const uri = match.uri
  if (uri?.exact !== undefined) {
    out.path = uri.exact
  } else if (uri?.prefix !== undefined) {
    if (gatewaySemantics && uri.prefix !== '/') {
      out.path_separated_prefix = uri.prefix.endsWith('/') ? uri.prefix.slice(0, -1) : uri.prefix
    } else {
      out.prefix = uri.prefix
    }
  } else if (uri?.regex !== undefined) {
    out.safe_regex = { regex: uri.regex }
  } else {
    out.prefix = '/'
  }
  out.case_sensitive = !(match.ignoreUriCase ?? false)
  if (match.method !== undefined) {
    headers.push(headerMatcher(':method', match.method))
  }
  if (match.authority !== undefined) {
    headers.push(headerMatcher(':authority', match.authority))
  }
  if (match.scheme !== undefined) {
    headers.push(headerMatcher(':scheme', match.scheme))
  }
  if (headers.length > 0) {
    out.headers = headers
  }
  const query = Object.entries(match.queryParams ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, sm]) => queryMatcher(name, sm))
  if (query.length > 0) {
    out.query_parameters = query
  }
  if (metadata.length > 0) {
    out.dynamic_metadata = metadata
  }
  return out
}

/** A route matching every path with no header, query or metadata condition (istio IsCatchAllRoute). */
export function isCatchAllRoute(route: Route): boolean {
  const m = route.match
  const pathAll = m.prefix === '/' || m.path_separated_prefix === '/' || m.safe_regex?.regex === '.*'
  return (
    pathAll &&
    (m.headers?.length ?? 0) === 0 &&
    (m.query_parameters?.length ?? 0) === 0 &&
    m.dynamic_metadata === undefined
  )
}
