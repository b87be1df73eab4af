// The arithmetic of the weights check: shares of weighted clusters in percent, the share of each
// backend in a sample of real responses, a binomial tolerance, and the hint naming the weight
// field to change. Pure.
import type { HttpProbeResult } from '../../checks/live-services.ts'
import type { GraderInput } from '../../checks/grader-input.ts'
import { describeOutcome, failingShares, type Judgement, type Outcome } from './judge.ts'
import { clusterIs, serviceFqdn } from './request.ts'

/** One expected backend of a split. */
export interface Backend {
  service: string
  namespace?: string
  port?: number
  subset?: string
  weight: number
  bodyMatches?: string
}

/** Percent per cluster name of an outcome (a plain route is 100% to its cluster). */
export function sharesOf(o: Outcome): Map<string, number> {
  const out = new Map<string, number>()
  if (o.cluster !== undefined) {
    out.set(o.cluster, 100)
    return out
  }
  const clusters = o.weightedClusters ?? []
  const total = clusters.reduce((s, c) => s + c.weight, 0)
  for (const c of clusters) {
    out.set(c.name, (out.get(c.name) ?? 0) + (total === 0 ? 0 : (100 * c.weight) / total))
  }
  return out
}

function shareFor(shares: Map<string, number>, b: Backend, ns: string): number {
  let sum = 0
  for (const [name, pct] of shares) {
    if (clusterIs(name, b, ns)) {
      sum += pct
    }
  }
  return sum
}

const pct = (n: number): string => `${Math.round(n * 10) / 10}%`
const label = (b: Backend): string => (b.subset === undefined ? b.service : `${b.service} (${b.subset})`)

/** Judges the weights of a predicted or real outcome. */
export function judgeWeights(o: Outcome, backends: readonly Backend[], tolerance: number, ns: string): Judgement {
  if (o.status !== 200) {
    return { passed: false, message: `the request is not split: ${describeOutcome(o)}` }
  }
  if (failingShares(o).length > 0) {
    return { passed: false, message: `a share of the split fails: ${describeOutcome(o)}` }
  }
  const shares = sharesOf(o)
  const got = backends.map((b) => ({ b, share: shareFor(shares, b, ns) }))
  const off = got.filter((g) => Math.abs(g.share - g.b.weight) > tolerance)
  const text = got.map((g) => `${label(g.b)} ${pct(g.share)}`).join(', ')
  if (off.length === 0) {
    return { passed: true, message: `split ${text}` }
  }
  return {
    passed: false,
    message: `split ${text}; expected ${backends.map((b) => `${label(b)} ${b.weight}%`).join(', ')}`,
  }
}

/**
 * The field to change: a single destination (no split), a missing or extra backend, or a weight
 * that is off, named by the VirtualService rule that produced the route.
 */
export function routeWeightHint(
  input: GraderInput,
  o: Outcome & { route?: { virtualService: string; path: string } },
  backends: readonly Backend[],
  ns: string,
): string | undefined {
  if (o.status !== 200) {
    return undefined
  }
  const rule =
    o.route === undefined
      ? 'the route'
      : `VirtualService ${o.route.virtualService} ${o.route.path.replace(/\.match\[\d+\]$/, '')}`
  const shares = sharesOf(o)
  if (o.cluster !== undefined) {
    const wanted = backends.map((b) => `${b.service} (weight ${b.weight})`).join(' and ')
    return `${rule} has a single destination, so every request goes to ${o.cluster}. A split needs one route list with several destinations: ${wanted}, each with its weight in .route[].weight.`
  }
  const parts: string[] = []
  for (const b of backends) {
    const share = shareFor(shares, b, ns)
    if (share === 0) {
      parts.push(
        `no destination of ${rule} is ${serviceFqdn(b, ns)}${b.port === undefined ? '' : ` port ${b.port}`}; add it with weight ${b.weight}`,
      )
    } else if (Math.abs(share - b.weight) > 0.5) {
      parts.push(`${label(b)} gets ${pct(share)}; set its weight to ${b.weight} in ${rule}.route`)
    }
  }
  return parts.length === 0 ? undefined : `${parts.join('; ')}.`
}

/** Which backend answered: the one whose body pattern matches, else the only unmarked one. */
export function classify(probe: HttpProbeResult, backends: readonly Backend[]): number | undefined {
  if (probe.status === undefined || probe.status >= 500) {
    return undefined
  }
  const marked = backends.findIndex(
    (b) => b.bodyMatches !== undefined && new RegExp(b.bodyMatches, 'i').test(probe.body),
  )
  if (marked >= 0) {
    return marked
  }
  const unmarked = backends.map((b, i) => (b.bodyMatches === undefined ? i : -1)).filter((i) => i >= 0)
  return unmarked.length === 1 ? unmarked[0] : undefined
}

/** Counts per backend plus failures. */
export function sampleShares(
  probes: readonly HttpProbeResult[],
  backends: readonly Backend[],
): { counts: number[]; failed: number; total: number } {
  const counts = backends.map(() => 0)
  let failed = 0
  for (const p of probes) {
    const i = classify(p, backends)
    if (i === undefined) {
      failed++
    } else {
      counts[i] = (counts[i] ?? 0) + 1
    }
  }
  return { counts, failed, total: probes.length }
}

/**
 * Each observed share must lie within the tolerance, widened to 3.29 standard errors of a
 * binomial share (two-sided 99.9%), so a correct split fails less than once in a thousand runs.
 */
export function judgeShares(
  s: { counts: number[]; failed: number; total: number },
  backends: readonly Backend[],
  tolerance: number,
): Judgement {
  if (s.total === 0) {
    return { passed: false, message: 'no request was sent' }
  }
  if (s.failed > s.total * 0.05) {
    return { passed: false, message: `${s.failed} of ${s.total} requests failed or could not be told apart` }
  }
  const n = s.total - s.failed
  const rows = backends.map((b, i) => {
    const observed = (100 * (s.counts[i] ?? 0)) / Math.max(n, 1)
    const p = b.weight / 100
    const allowed = Math.max(tolerance, 329 * Math.sqrt((p * (1 - p)) / Math.max(n, 1)))
    return { b, observed, ok: Math.abs(observed - b.weight) <= allowed }
  })
  const text = rows.map((r) => `${label(r.b)} ${pct(r.observed)}`).join(', ')
  return { passed: rows.every((r) => r.ok), message: `${n} responses: ${text}` }
}
