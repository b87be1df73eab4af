// Judges one outcome of a request (predicted or real Envoy) against what a route check expects:
// a destination Service (and port, and the path it receives), a status such as 404 or 301, or
// "unreachable". The same judge serves both layers, so they can only disagree about the config.
import type { Translation } from '../core/index.ts'
import type { Cause } from '../../checks/causes.ts'
import type { WeightedShare } from '../core/simulate/request.ts'
import { clusterIs, type ExpectedService, parseClusterName, serviceFqdn, shortCluster } from './request.ts'

/** What a route check expects. Exactly one of service, status or unreachable is meaningful. */
export interface RouteExpectation extends Partial<ExpectedService> {
  /** The path the destination must receive (after any rewrite). */
  path?: string
  status?: number
  /** Regular expression the redirect's Location must match. */
  location?: string
  /** True: no route at all (connection refused/reset, or 404). */
  unreachable?: boolean
}

/** The fields of a predicted SimResult or an EnvoyOutcome the judge reads. */
export interface Outcome {
  status: number | 'connection_reset'
  reason?: string | undefined
  cluster?: string | undefined
  weightedClusters?: WeightedShare[] | undefined
  upstreamPath?: string | undefined
  location?: string | undefined
}

/** A judgement: passed, and a sentence about what happened. */
export interface Judgement {
  passed: boolean
  message: string
}

/** The cluster carrying most of the traffic (the only one for a plain route). */
export function mainCluster(o: Outcome): string | undefined {
  if (o.cluster !== undefined) {
    return o.cluster
  }
  const sorted = [...(o.weightedClusters ?? [])].sort((a, b) => b.weight - a.weight)
  return sorted[0]?.name
}

/** The shares of a split that fail (their cluster does not exist), with their percent of traffic. */
export function failingShares(o: Outcome): Array<WeightedShare & { percent: number }> {
  const all = o.weightedClusters ?? []
  const total = all.reduce((s, c) => s + c.weight, 0)
  return all
    .filter((c) => c.status !== undefined)
    .map((c) => ({ ...c, percent: total === 0 ? 0 : Math.round((1000 * c.weight) / total) / 10 }))
}

/** Describes where an outcome went: `frontend.default:80`, `404`, `connection refused`. */
export function describeOutcome(o: Outcome): string {
  const failing = failingShares(o)
  if (o.status === 200 && failing.length > 0) {
    const rest = describeOutcome({
      ...o,
      weightedClusters: o.weightedClusters?.map(({ name, weight }) => ({ name, weight })),
    })
    const gone = failing.map(
      (c) =>
        `${c.percent}% answer ${c.status === 'connection_reset' ? 'connection reset' : c.status} (cluster ${shortCluster(c.name)} does not exist)`,
    )
    return `${rest}, but ${gone.join(' and ')}`
  }
  const target =
    o.weightedClusters !== undefined && o.weightedClusters.length > 0
      ? o.weightedClusters.map((c) => `${shortCluster(c.name)} ${c.weight}`).join(' / ')
      : o.cluster === undefined
        ? undefined
        : shortCluster(o.cluster)
  if ((o.status === 503 || o.reason === 'cluster_not_found') && target !== undefined) {
    // 503 on a VirtualService route, 500 on a Gateway API route, a reset for TCP.
    const gone =
      (o.weightedClusters?.length ?? 0) > 1
        ? `not every cluster of ${target} exists`
        : `cluster ${target} does not exist`
    return `${o.status === 'connection_reset' ? 'connection reset' : o.status} (${gone})`
  }
  if (o.status === 'connection_reset') {
    return o.reason === 'no_listener' ? 'connection refused (no listener)' : 'connection reset'
  }
  if (target !== undefined) {
    return `${target}${o.upstreamPath === undefined ? '' : ` as ${o.upstreamPath}`}`
  }
  if (o.location !== undefined) {
    return `${o.status} → ${o.location}`
  }
  return String(o.status)
}

/** Judges `o` against `e`. */
export function judgeRoute(o: Outcome, e: RouteExpectation, learnerNamespace: string): Judgement {
  const got = describeOutcome(o)
  if (e.unreachable === true) {
    const passed = o.status === 'connection_reset' || o.status === 404
    return { passed, message: passed ? `no route (${got})` : `it is routed: ${got}` }
  }
  if (e.status !== undefined) {
    const statusOk = o.status === e.status
    const locationOk = e.location === undefined || (o.location !== undefined && new RegExp(e.location).test(o.location))
    return {
      passed: statusOk && locationOk,
      message:
        statusOk && locationOk
          ? `answers ${got}`
          : `expected ${e.status}${e.location === undefined ? '' : ' to the expected location'}, got ${got}`,
    }
  }
  if (e.service === undefined) {
    return { passed: false, message: 'the check names no expectation' }
  }
  const want = {
    service: e.service,
    ...(e.namespace === undefined ? {} : { namespace: e.namespace }),
    ...(e.port === undefined ? {} : { port: e.port }),
  }
  const wanted = `${serviceFqdn(want, learnerNamespace).replace(/\.svc\.cluster\.local$/, '')}${e.port === undefined ? '' : `:${e.port}`}`
  if (!clusterIs(mainCluster(o), want, learnerNamespace)) {
    return { passed: false, message: `expected ${wanted}, got ${got}` }
  }
  if (o.status !== 200 || failingShares(o).length > 0) {
    return { passed: false, message: `routed to ${wanted}, but ${got}` }
  }
  if (e.path !== undefined && o.upstreamPath !== undefined && o.upstreamPath.split('?')[0] !== e.path) {
    return { passed: false, message: `routed to ${wanted}, but the path arrives as ${o.upstreamPath}, not ${e.path}` }
  }
  return { passed: true, message: `routed to ${wanted}${o.upstreamPath === undefined ? '' : ` as ${o.upstreamPath}`}` }
}

/**
 * Extra explanation when the request was routed, but not as expected: the destination field that
 * sent it elsewhere, or the rewrite that changed the path. The core explains misses; this explains
 * "wrong turns".
 */
export function wrongTurnHint(
  t: Translation,
  o: Outcome & { route?: { virtualService: string; path: string; file?: string; line?: number } },
  e: RouteExpectation,
  learnerNamespace: string,
): string | undefined {
  const where =
    o.route === undefined
      ? undefined
      : `VirtualService ${o.route.virtualService} ${rulePath(o.route.path)}${o.route.file === undefined ? '' : ` (${o.route.file}${o.route.line === undefined ? '' : `:${o.route.line}`})`}`
  if (e.service === undefined) {
    if (o.status !== 'connection_reset' && o.status !== 404 && (e.unreachable === true || e.status === 404)) {
      const hosts = t.virtualServices.find(
        (r) => `${r.vs.metadata.namespace}/${r.vs.metadata.name}` === o.route?.virtualService,
      )?.vs.spec.hosts
      const its =
        hosts === undefined
          ? 'Its hosts are'
          : `Its hosts (spec.hosts: ${hosts.map((h) => JSON.stringify(h)).join(', ')}) are`
      return `${where ?? 'A route'} takes this request (${describeOutcome(o)}). ${its} too broad: a wildcard host such as "*" also matches this name. List only the host names you mean, in the Gateway server and in the VirtualService.`
    }
    return undefined
  }
  const cluster = mainCluster(o)
  const parsed = cluster === undefined ? undefined : parseClusterName(cluster)
  if (parsed === undefined || (o.status === 'connection_reset' && o.reason !== 'cluster_not_found')) {
    return undefined
  }
  const wantHost = serviceFqdn(
    { service: e.service, ...(e.namespace === undefined ? {} : { namespace: e.namespace }) },
    learnerNamespace,
  )
  if (parsed.host !== wantHost) {
    return `${where ?? 'The route'} sends the request to ${parsed.host}; it should go to ${wantHost}. Short host names resolve in the VirtualService's own namespace.`
  }
  if (e.port !== undefined && parsed.port !== e.port) {
    const known = t.registry
      .all(wantHost)[0]
      ?.ports.map((p) => p.port)
      .join(', ')
    return `${where ?? 'The route'} uses port ${parsed.port} of ${wantHost}; use destination.port.number ${e.port}${known === undefined ? '' : ` (the Service's ports: ${known})`}.`
  }
  if (e.path !== undefined && o.upstreamPath !== undefined && o.upstreamPath.split('?')[0] !== e.path) {
    return `${where ?? 'The route'} rewrites the path to ${o.upstreamPath}, but the destination serves it under ${e.path}: keep the prefix and remove rewrite.uri.`
  }
  return undefined
}

/**
 * The cause behind {@link wrongTurnHint}: a wildcard host that takes a request it should not, a
 * destination host or port the Service does not have, or simply another destination.
 */
export function wrongTurnCause(t: Translation, o: Outcome, e: RouteExpectation): Cause {
  if (e.service === undefined) {
    return 'host-too-broad'
  }
  const cluster = mainCluster(o)
  const parsed = cluster === undefined ? undefined : parseClusterName(cluster)
  if (parsed === undefined) {
    return 'wrong-destination'
  }
  const service = t.registry.all(parsed.host)[0]
  if (service === undefined) {
    return 'destination-not-found'
  }
  if (!service.ports.some((p) => p.port === parsed.port)) {
    return 'port-not-on-service'
  }
  return 'wrong-destination'
}

function rulePath(path: string): string {
  return path.replace(/\.match\[\d+\]$/, '')
}
