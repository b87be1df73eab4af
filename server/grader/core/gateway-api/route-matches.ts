// Gateway API matches as Istio matches (spec rules 21-26): HTTPRoute path, header, query and method
// matches, GRPCRoute method matches as paths, and the key Gateway API precedence sorts them by. Pure.
import type { HTTPMatchRequest, StringMatch } from '../model/index.ts'
import type { GRPCRouteMatch, HTTPRouteMatch, NamedMatch } from './types.ts'

/** What Gateway API precedence compares between two matches (rule 21), most significant first. */
export interface SortKey {
  pathType: number
  pathLength: number
  method: number
  headers: number
  query: number
}

function stringMatch(m: NamedMatch | { type: string; value: string }): StringMatch {
  return m.type === 'RegularExpression' ? { regex: m.value } : { exact: m.value }
}

function namedMatches(list: readonly NamedMatch[]): Record<string, StringMatch> | undefined {
  if (list.length === 0) {
    return undefined
  }
  const out: Record<string, StringMatch> = {}
  for (const h of list) {
    Object.defineProperty(out, h.name, { value: stringMatch(h), enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** An HTTPRoute match as an Istio match, with its precedence key. */
export function httpMatch(m: HTTPRouteMatch): { match: HTTPMatchRequest; key: SortKey } {
  const match: HTTPMatchRequest = {}
  const key: SortKey = { pathType: 1, pathLength: 0, method: 0, headers: m.headers.length, query: m.queryParams.length }
  const p = m.path
  if (p !== undefined) {
    key.pathLength = p.value.length
    if (p.type === 'Exact') {
      match.uri = { exact: p.value }
      key.pathType = 0
    } else if (p.type === 'RegularExpression') {
      match.uri = { regex: p.value }
      key.pathType = 2
    } else {
      // istiod stores the prefix without a trailing `/`; precedence compares that length.
      match.uri = { prefix: trimSlash(p.value) }
      key.pathLength = match.uri.prefix!.length
    }
  }
  const headers = namedMatches(m.headers)
  if (headers !== undefined) {
    match.headers = headers
  }
  const query = namedMatches(m.queryParams)
  if (query !== undefined) {
    match.queryParams = query
  }
  if (m.method !== undefined) {
    match.method = { exact: m.method }
    key.method = 1
  }
  return { match, key }
}

/** GRPCRoute method matches as paths (rule 26). */
export function grpcMatch(m: GRPCRouteMatch | undefined): { match?: HTTPMatchRequest; key: SortKey } {
  const key: SortKey = { pathType: 1, pathLength: 1, method: 0, headers: m?.headers.length ?? 0, query: 0 }
  if (m === undefined) {
    return { key }
  }
  const match: HTTPMatchRequest = {}
  const mm = m.method
  if (mm !== undefined && (mm.service !== undefined || mm.method !== undefined)) {
    if (mm.type === 'RegularExpression') {
      match.uri = { regex: `/${mm.service ?? '[^/]+'}/${mm.method ?? '[^/]+'}` }
      key.pathType = 2
    } else if (mm.service !== undefined && mm.method !== undefined) {
      match.uri = { exact: `/${mm.service}/${mm.method}` }
      key.pathType = 0
    } else if (mm.service !== undefined) {
      match.uri = { prefix: `/${mm.service}/` }
    } else {
      match.uri = { regex: `/[^/]+/${mm.method}` }
      key.pathType = 2
    }
    key.pathLength = (match.uri.exact ?? match.uri.prefix ?? match.uri.regex ?? '').length
  }
  const headers = namedMatches(m.headers)
  if (headers !== undefined) {
    match.headers = headers
  }
  return { match, key }
}

/** A path without its trailing `/` (but `/` stays), as istiod stores prefixes. */
export function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p
}

/** `s` as a literal inside a regular expression. */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
