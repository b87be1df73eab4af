// Whether an earlier http match with a uri prefix covers a later one, as istiod's validation
// decides it (coveredValidation): same port, and method, authority, headers, query params and
// withoutHeaders equal or "prefix-compatible". Only uri.prefix matches take part. Pure.
import type { HTTPMatchRequest, StringMatch } from '../core/model/index.ts'

/** Where a match sits, for messages. */
export interface MatchLocation {
  rule: number
  ruleLabel: string
  match: number
  matchLabel: string
}

/** The parts of a uri-prefix match that the overlap check compares. */
export interface PrefixMatch {
  at: MatchLocation
  prefix: string
  port: number
  /** `exact:GET`-style strings; a match without method counts as `exact:GET`. */
  method: string
  authority: string
  headers: ReadonlyMap<string, string>
  queryParams: ReadonlyMap<string, string>
  withoutHeaders: ReadonlyMap<string, string>
}

/** The comparable form of a match with `uri.prefix`, or undefined for other matches. */
export function toPrefixMatch(match: HTTPMatchRequest, at: MatchLocation): PrefixMatch | undefined {
  const prefix = match.uri?.prefix
  if (prefix === undefined || prefix === '') {
    return undefined
  }
  return {
    at,
    prefix,
    port: match.port ?? 0,
    method: describe(match.method) || 'exact:GET',
    authority: describe(match.authority),
    headers: describeAll(match.headers),
    queryParams: describeAll(match.queryParams),
    withoutHeaders: describeAll(match.withoutHeaders),
  }
}

/**
 * True when `a` (earlier) leaves nothing for `b` (later): b's prefix starts with a's, same port,
 * and each other condition of `a` equal to b's or starting with it (istiod's exact check).
 */
export function coveringPrefix(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) {
    return false
  }
  return (
    compatible(a.method, b.method) &&
    compatible(a.authority, b.authority) &&
    mapsCompatible(a.headers, b.headers) &&
    mapsCompatible(a.queryParams, b.queryParams) &&
    mapsCompatible(a.withoutHeaders, b.withoutHeaders)
  )
}

function compatible(a: string, b: string): boolean {
  return a === b || a.startsWith(b)
}

function mapsCompatible(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) {
    return false
  }
  for (const [key, value] of a) {
    const other = b.get(key)
    if (other === undefined || !compatible(value, other)) {
      return false
    }
  }
  return true
}

/** `exact:x` or `prefix:x`; regex and absent matches are the empty string, as in istiod. */
function describe(match: StringMatch | undefined): string {
  if (match?.exact) {
    return `exact:${match.exact}`
  }
  if (match?.prefix) {
    return `prefix:${match.prefix}`
  }
  return ''
}

const NO_CONDITIONS: ReadonlyMap<string, string> = new Map()

function describeAll(matches: Readonly<Record<string, StringMatch>> | undefined): ReadonlyMap<string, string> {
  if (matches === undefined) {
    return NO_CONDITIONS
  }
  return new Map(Object.entries(matches).map(([k, v]) => [k, describe(v)]))
}
