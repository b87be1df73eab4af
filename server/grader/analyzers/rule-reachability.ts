// Which VirtualService rules and matches can never be used, as istiod's validation warns
// (pkg/config/validation analyzeUnreachable*Rules): rules after a match-less rule, matches that
// repeat earlier ones, and uri prefixes covered by an earlier prefix. Pure; returns plain records.
import type { HTTPMatchRequest, HTTPRoute, L4MatchAttributes } from '../core/model/index.ts'
import { coveringPrefix, type PrefixMatch, toPrefixMatch } from './prefix-overlap.ts'

/** A rule that receives no traffic (IST0130). */
export interface UnreachableRule {
  kind: 'unreachable'
  rule: number
  /** `"name"` for a named http rule, else `#<index>`. */
  ruleLabel: string
  reason: 'after-catch-all' | 'second-catch-all' | 'all-matches-duplicated'
  /** The earlier rule without match, for the first two reasons. */
  catchAll?: number
}

/** A match that is never used (IST0131). */
export interface IneffectiveMatch {
  kind: 'ineffective'
  rule: number
  ruleLabel: string
  match: number
  matchLabel: string
  /** The earlier rule that takes the traffic, and its match when the cause is a covering prefix. */
  byRule: number
  byRuleLabel: string
  byMatchLabel?: string
  /** Set for a covering prefix: the later and the earlier prefix. */
  prefixes?: { covered: string; covering: string }
}

export type RuleProblem = UnreachableRule | IneffectiveMatch

interface Rule<M> {
  name?: string | undefined
  match?: readonly M[] | undefined
}

/** What the scan has seen so far, rule by rule. */
interface ScanState<M> {
  rules: readonly Rule<M>[]
  http: boolean
  out: RuleProblem[]
  /** Match key → first rule that used it. */
  seen: Map<string, number>
  prefixes: PrefixMatch[]
  /** Index of the first rule without match, or -1. */
  catchAll: number
}

/** Problems of a list of http, tls or tcp rules; only http rules have names and prefix checks. */
export function analyzeRules<M extends HTTPMatchRequest | L4MatchAttributes>(
  rules: readonly Rule<M>[],
  http: boolean,
): RuleProblem[] {
  const state: ScanState<M> = { rules, http, out: [], seen: new Map(), prefixes: [], catchAll: -1 }
  rules.forEach((rule, r) => scanRule(state, rule, r))
  return [...state.out, ...coveredPrefixes(state.prefixes)]
}

function scanRule<M extends HTTPMatchRequest | L4MatchAttributes>(state: ScanState<M>, rule: Rule<M>, r: number): void {
  const ruleLabel = labelOf(state.http ? rule.name : undefined, r)
  const matches = rule.match ?? []
  if (matches.length === 0) {
    if (state.catchAll >= 0) {
      state.out.push({ kind: 'unreachable', rule: r, ruleLabel, reason: 'second-catch-all', catchAll: state.catchAll })
    }
    state.catchAll = r
    return
  }
  const duplicates = matches.filter((match, m) => scanMatch(state, match, r, ruleLabel, m)).length
  if (duplicates === matches.length) {
    state.out.push({ kind: 'unreachable', rule: r, ruleLabel, reason: 'all-matches-duplicated' })
  }
}

/** Records what one match tells; returns true when it repeats an earlier match. */
function scanMatch<M extends HTTPMatchRequest | L4MatchAttributes>(
  state: ScanState<M>,
  match: M,
  r: number,
  ruleLabel: string,
  m: number,
): boolean {
  if (state.catchAll >= 0) {
    state.out.push({ kind: 'unreachable', rule: r, ruleLabel, reason: 'after-catch-all', catchAll: state.catchAll })
    return false
  }
  const key = matchKey(match)
  const earlier = state.seen.get(key)
  const matchLabel = labelOf(state.http ? (match as HTTPMatchRequest).name : undefined, m)
  if (earlier !== undefined) {
    const byRuleLabel = labelOf(state.http ? state.rules[earlier]?.name : undefined, earlier)
    state.out.push({ kind: 'ineffective', rule: r, ruleLabel, match: m, matchLabel, byRule: earlier, byRuleLabel })
    return true
  }
  state.seen.set(key, r)
  const prefix = state.http ? toPrefixMatch(match, { rule: r, ruleLabel, match: m, matchLabel }) : undefined
  if (prefix !== undefined) {
    state.prefixes.push(prefix)
  }
  return false
}

/** Every later prefix match covered by an earlier one (distinct prefixes only). */
function coveredPrefixes(prefixes: readonly PrefixMatch[]): IneffectiveMatch[] {
  const out: IneffectiveMatch[] = []
  prefixes.forEach((a, i) => {
    for (const b of prefixes.slice(i + 1)) {
      if (b.prefix !== a.prefix && coveringPrefix(a, b)) {
        out.push({
          kind: 'ineffective',
          rule: b.at.rule,
          ruleLabel: b.at.ruleLabel,
          match: b.at.match,
          matchLabel: b.at.matchLabel,
          byRule: a.at.rule,
          byRuleLabel: a.at.ruleLabel,
          byMatchLabel: a.at.matchLabel,
          prefixes: { covered: b.prefix, covering: a.prefix },
        })
      }
    }
  })
  return out
}

/** istiod's labels: `"name"` (Go %q) when named, else `#index`. */
function labelOf(name: string | undefined, index: number): string {
  return name ? JSON.stringify(name) : `#${index}`
}

/** A canonical JSON of a match without its name: equal keys mean the same traffic. */
export function matchKey(match: object): string {
  return canonicalObject(match as Record<string, unknown>, 'name') ?? '{}'
}

/** Sorted keys; empty values dropped, as Go's encoding/json does with `omitempty` fields. */
function canonical(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) {
    return undefined
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return undefined
    }
    let out = '['
    for (let i = 0; i < value.length; i++) {
      out += `${i > 0 ? ',' : ''}${canonical(value[i]) ?? 'null'}`
    }
    return `${out}]`
  }
  if (typeof value === 'object') {
    return canonicalObject(value as Record<string, unknown>)
  }
  return JSON.stringify(value)
}

function canonicalObject(value: Record<string, unknown>, skip?: string): string | undefined {
  let out = ''
  for (const k of Object.keys(value).sort()) {
    const v = k === skip ? undefined : canonical(value[k])
    if (v !== undefined) {
      out += `${out === '' ? '{' : ','}${JSON.stringify(k)}:${v}`
    }
  }
  return out === '' ? undefined : `${out}}`
}

/** Convenience for the analyzer: problems of a VirtualService's http rules. */
export function analyzeHTTPRules(rules: readonly HTTPRoute[]): RuleProblem[] {
  return analyzeRules(rules, true)
}
