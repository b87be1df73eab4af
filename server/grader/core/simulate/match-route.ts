// Envoy's route matching for one request: path (prefix, exact, whole-string regex, case
// sensitivity), header matchers (present, invert, missing-as-empty) and query parameters
// (spec rule 37.5). Says which condition failed, for explanations. Pure.
import type { HeaderMatcher, QueryParameterMatcher, Route, RouteMatch, StringMatcher } from '../envoy/types.ts'
import type { NormalizedRequest } from './request.ts'

/** Why one route did not match, or undefined when it matched. */
export type RouteMiss = { kind: 'path' | 'header' | 'query' | 'metadata'; detail: string }

const regexCache = new Map<string, RegExp | null>()

/** A whole-string RE2-like regex (null when JavaScript cannot compile it). */
export function fullRegex(pattern: string, ignoreCase = false): RegExp | null {
  const key = `${ignoreCase ? 'i' : 's'}:${pattern}`
  let re = regexCache.get(key)
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, ignoreCase ? 'iu' : 'u')
    } catch {
      re = null
    }
    regexCache.set(key, re)
  }
  return re
}

function matchPath(m: RouteMatch, path: string): boolean {
  const cs = m.case_sensitive !== false
  const p = cs ? path : path.toLowerCase()
  const norm = (s: string): string => (cs ? s : s.toLowerCase())
  if (m.prefix !== undefined) {
    return p.startsWith(norm(m.prefix))
  }
  if (m.path !== undefined) {
    return p === norm(m.path)
  }
  if (m.safe_regex !== undefined) {
    return fullRegex(m.safe_regex.regex)?.test(path) ?? false
  }
  if (m.path_separated_prefix !== undefined) {
    const sp = norm(m.path_separated_prefix)
    return p === sp || p.startsWith(`${sp}/`)
  }
  return false
}

/** Envoy StringMatcher semantics. */
export function matchString(sm: StringMatcher, value: string): boolean {
  const ic = sm.ignore_case === true
  const v = ic ? value.toLowerCase() : value
  const n = (s: string): string => (ic ? s.toLowerCase() : s)
  if (sm.exact !== undefined) {
    return v === n(sm.exact)
  }
  if (sm.prefix !== undefined) {
    return v.startsWith(n(sm.prefix))
  }
  if (sm.suffix !== undefined) {
    return v.endsWith(n(sm.suffix))
  }
  if (sm.contains !== undefined) {
    return v.includes(n(sm.contains))
  }
  if (sm.safe_regex !== undefined) {
    return fullRegex(sm.safe_regex.regex)?.test(value) ?? false
  }
  return false
}

function headerValue(req: NormalizedRequest, name: string): string | undefined {
  switch (name.toLowerCase()) {
    case ':authority':
    case 'host':
      return req.host
    case ':method':
      return req.method
    case ':scheme':
      return req.tls ? 'https' : 'http'
    case ':path':
      return req.query === '' ? req.path : `${req.path}?${req.query}`
    default: {
      // Own headers only: a header named __proto__ or constructor is absent unless sent.
      const key = name.toLowerCase()
      return Object.hasOwn(req.headers, key) ? req.headers[key] : undefined
    }
  }
}

/** Envoy HeaderUtility::matchHeaders for one matcher. */
export function matchHeader(h: HeaderMatcher, req: NormalizedRequest): boolean {
  const value = headerValue(req, h.name)
  const invert = h.invert_match === true
  if (value === undefined && h.treat_missing_header_as_empty !== true) {
    return invert && h.present_match === true
  }
  const v = value ?? ''
  let match = true
  if (h.string_match !== undefined) {
    match = matchString(h.string_match, v)
  }
  return match !== invert
}

function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of query.split('&')) {
    if (part === '') {
      continue
    }
    const eq = part.indexOf('=')
    const k = decodeSafe(eq < 0 ? part : part.slice(0, eq))
    if (!out.has(k)) {
      out.set(k, decodeSafe(eq < 0 ? '' : part.slice(eq + 1)))
    }
  }
  return out
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

function matchQuery(q: QueryParameterMatcher, params: Map<string, string>): boolean {
  const v = params.get(q.name)
  if (v === undefined) {
    return false
  }
  if (q.present_match === true) {
    return true
  }
  return q.string_match === undefined ? true : matchString(q.string_match, v)
}

/** Why `route` does not match `req`, or undefined when it does. */
export function routeMiss(route: Route, req: NormalizedRequest): RouteMiss | undefined {
  const m = route.match
  if (!matchPath(m, req.path)) {
    return { kind: 'path', detail: describePath(m) }
  }
  for (const h of m.headers ?? []) {
    if (!matchHeader(h, req)) {
      return { kind: 'header', detail: describeHeader(h) }
    }
  }
  if ((m.query_parameters?.length ?? 0) > 0) {
    const params = parseQuery(req.query)
    for (const q of m.query_parameters ?? []) {
      if (!matchQuery(q, params)) {
        return {
          kind: 'query',
          detail: `query parameter ${q.name}${q.string_match ? ` ${describeString(q.string_match)}` : ' present'}`,
        }
      }
    }
  }
  if ((m.dynamic_metadata?.length ?? 0) > 0) {
    return { kind: 'metadata', detail: 'a JWT claim match (needs a validated token)' }
  }
  return undefined
}

/** The first matching route and its index. */
export function matchRoute(
  routes: readonly Route[],
  req: NormalizedRequest,
): { route: Route; index: number } | undefined {
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!
    if (routeMiss(route, req) === undefined) {
      return { route, index: i }
    }
  }
  return undefined
}

/** `prefix /api`, `exact path /login`, `regex ^/v[0-9]+$` (with case note). */
export function describePath(m: RouteMatch): string {
  const ci = m.case_sensitive === false ? ' (case-insensitive)' : ''
  if (m.prefix !== undefined) {
    return `prefix ${m.prefix}${ci}`
  }
  if (m.path !== undefined) {
    return `exact path ${m.path}${ci}`
  }
  if (m.safe_regex !== undefined) {
    return `regex ${m.safe_regex.regex} (whole path)`
  }
  if (m.path_separated_prefix !== undefined) {
    return `path prefix ${m.path_separated_prefix}${ci}`
  }
  return 'no path'
}

function describeString(sm: StringMatcher): string {
  if (sm.exact !== undefined) {
    return `= "${sm.exact}"`
  }
  if (sm.prefix !== undefined) {
    return `starts with "${sm.prefix}"`
  }
  if (sm.suffix !== undefined) {
    return `ends with "${sm.suffix}"`
  }
  if (sm.contains !== undefined) {
    return `contains "${sm.contains}"`
  }
  if (sm.safe_regex !== undefined) {
    return `matches /${sm.safe_regex.regex}/`
  }
  return ''
}

function describeHeader(h: HeaderMatcher): string {
  const cond = h.string_match !== undefined ? describeString(h.string_match) : 'present'
  return `header ${h.name} ${h.invert_match === true ? 'not ' : ''}${cond}`
}
