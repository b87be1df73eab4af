// Request mirroring as istiod writes it on a route action (istio route.go: MirrorPercent,
// MirrorPercentByPolicy, TranslateRequestMirrorPolicy): a VirtualService's `mirror` with
// `mirrorPercentage` (or the deprecated `mirrorPercent`), and each entry of `mirrors`; a Gateway
// API RequestMirror filter arrives here as a `mirrors` entry. Pure.
import { resolveShortName } from '../hosts.ts'
import type { Destination } from '../model/index.ts'

/** Envoy's RouteAction.RequestMirrorPolicy in config_dump JSON. */
export interface RequestMirrorPolicy {
  cluster: string
  runtime_fraction: { default_value: { numerator: number; denominator?: 'MILLION' } }
  trace_sampled: false
  /** istiod's DISABLE_SHADOW_HOST_SUFFIX, true by default. */
  disable_shadow_host_suffix_append: true
}

type Fraction = RequestMirrorPolicy['runtime_fraction']['default_value']

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

function asDestination(v: unknown): Destination | undefined {
  if (!isRecord(v) || typeof v['host'] !== 'string') {
    return undefined
  }
  const d: Destination = { host: v['host'] }
  if (typeof v['subset'] === 'string') {
    d.subset = v['subset']
  }
  const port = v['port']
  if (isRecord(port) && typeof port['number'] === 'number') {
    d.port = { number: port['number'] }
  }
  return d
}

/** A `Percent` ({value}): undefined when absent, null when zero (no mirroring), else a fraction. */
function percentage(v: unknown): Fraction | null | undefined {
  if (!isRecord(v)) {
    return undefined
  }
  const value = typeof v['value'] === 'number' ? v['value'] : 0
  // Go's uint32(p.Value * 10000): truncated toward zero, out of a million.
  return value > 0 ? { numerator: Math.trunc(value * 10000), denominator: 'MILLION' } : null
}

/** MirrorPercent: mirrorPercentage, else the deprecated integer mirrorPercent, else 100%. */
function legacyFraction(other: Record<string, unknown>): Fraction | undefined {
  const p = percentage(other['mirrorPercentage'])
  if (p !== undefined) {
    return p ?? undefined
  }
  const legacy = other['mirrorPercent']
  const n = isRecord(legacy) ? legacy['value'] : legacy
  if (typeof n === 'number') {
    return n > 0 ? { numerator: Math.trunc(n) } : undefined
  }
  return { numerator: 100 }
}

function policy(cluster: string, fraction: Fraction): RequestMirrorPolicy {
  return {
    cluster,
    runtime_fraction: { default_value: fraction },
    trace_sampled: false,
    disable_shadow_host_suffix_append: true,
  }
}

/**
 * The route action's `request_mirror_policies` for a rule's unmodelled fields; empty when none.
 * `clusterOf` names a destination's cluster as the route's own destinations are named.
 */
export function mirrorPolicies(
  other: Record<string, unknown> | undefined,
  clusterOf: (d: Destination) => string,
): RequestMirrorPolicy[] {
  if (other === undefined) {
    return []
  }
  const out: RequestMirrorPolicy[] = []
  const mirror = asDestination(other['mirror'])
  const fraction = mirror === undefined ? undefined : legacyFraction(other)
  if (mirror !== undefined && fraction !== undefined) {
    out.push(policy(clusterOf(mirror), fraction))
  }
  const list = other['mirrors']
  for (const m of Array.isArray(list) ? (list as unknown[]) : []) {
    const d = isRecord(m) ? asDestination(m['destination']) : undefined
    if (d === undefined) {
      continue
    }
    const p = percentage(isRecord(m) ? m['percentage'] : undefined)
    if (p !== null) {
      out.push(policy(clusterOf(d), p ?? { numerator: 100 }))
    }
  }
  return out
}

/** The rule's mirror hosts resolved in the VirtualService's namespace, as istiod resolves them. */
export function resolveMirrorHosts(
  other: Record<string, unknown> | undefined,
  ns: string,
  suffix: string,
): Record<string, unknown> | undefined {
  if (other === undefined || (other['mirror'] === undefined && other['mirrors'] === undefined)) {
    return other
  }
  const fix = (d: unknown): unknown =>
    isRecord(d) && typeof d['host'] === 'string' ? { ...d, host: resolveShortName(d['host'], ns, suffix) } : d
  const out = { ...other }
  if (other['mirror'] !== undefined) {
    out['mirror'] = fix(other['mirror'])
  }
  const list = other['mirrors']
  if (Array.isArray(list)) {
    out['mirrors'] = (list as unknown[]).map((m) => (isRecord(m) ? { ...m, destination: fix(m['destination']) } : m))
  }
  return out
}
