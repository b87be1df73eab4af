// The Envoy layer: the same request walked through the gateway's real /config_dump (listener by
// port, filter chain by SNI, virtual host, first matching route, cluster), using the grader core's
// matchers, so prediction and reality are judged by one set of rules. Pure: the dump is given.
import {
  type ConfigDump,
  parseConfigDump,
  type FilterChainDetail,
  type ListenerEntry,
} from '../core/envoy/configdump.ts'
import type { RouteConfiguration } from '../core/envoy/types.ts'
import { isSubsetOf } from '../core/hosts.ts'
import { applyRouteAction } from '../core/simulate/apply-action.ts'
import { matchRoute } from '../core/simulate/match-route.ts'
import { matchVirtualHost } from '../core/simulate/match-vhost.ts'
import { type NormalizedRequest, normalizeRequest, type WeightedShare } from '../core/simulate/request.ts'
import { tcpShares } from '../core/simulate/simulate.ts'
import type { GatewayRequest } from './request.ts'

/** What the real Envoy does with a request (a subset of the simulator's result). */
export interface EnvoyOutcome {
  status: number | 'connection_reset'
  reason?: string
  listener?: string
  routeConfig?: string
  virtualHost?: string
  cluster?: string
  weightedClusters?: WeightedShare[]
  upstreamPath?: string
  location?: string
}

/** Parsed dumps by the JSON they came from: checks pressed together share one dump (read-only). */
const parsed = new WeakMap<object, ConfigDump | string>()

/** Parses a dump, or returns the reason it cannot be read; the same JSON object is parsed once. */
export function readDump(json: unknown): ConfigDump | string {
  const key = typeof json === 'object' && json !== null ? json : undefined
  const hit = key === undefined ? undefined : parsed.get(key)
  if (hit !== undefined) {
    return hit
  }
  let result: ConfigDump | string
  try {
    result = parseConfigDump(json)
  } catch (err) {
    result = err instanceof Error ? err.message : String(err)
  }
  if (key !== undefined) {
    parsed.set(key, result)
  }
  return result
}

/** Walks `req` through the dump's dynamic listeners and routes on Envoy port `listenPort`. */
export function simulateOnDump(dump: ConfigDump, req: GatewayRequest, listenPort: number): EnvoyOutcome {
  const n = normalizeRequest({
    port: listenPort,
    host: req.host,
    path: req.path,
    method: req.method,
    headers: req.headers,
    tls: req.https,
    sni: req.sni,
    protocol: req.protocol,
  })
  // A warming listener (its TLS certificate never arrived) or a refused one accepts no connections.
  const listeners = dump.listeners.filter(
    (l) => l.source === 'dynamic' && l.warming !== true && l.rejected !== true && l.listener.port === listenPort,
  )
  const listener = listeners.find((l) => l.listener.address === '0.0.0.0') ?? listeners[0]
  if (listener === undefined) {
    return { status: 'connection_reset', reason: 'no_listener' }
  }
  const out: EnvoyOutcome = { status: 'connection_reset', listener: listener.listener.name }
  const chain = pickChain(listener, n)
  if (chain === undefined) {
    return { ...out, reason: 'no_filter_chain' }
  }
  const tls = chain.summary.tls
  if (tls === 'terminate' && !n.tls) {
    return { ...out, reason: 'tls_error' }
  }
  if (chain.kind === 'tcp' || tls === 'passthrough') {
    return tcpOutcome(out, chain, dump)
  }
  if (chain.kind !== 'http' || n.tls !== (tls === 'terminate') || n.protocol !== 'http') {
    return { ...out, reason: 'protocol_error' }
  }
  return httpOutcome(out, chain, n, dump)
}

function tcpOutcome(out: EnvoyOutcome, chain: FilterChainDetail, dump: ConfigDump): EnvoyOutcome {
  const tcp = chain.summary.tcp_proxy
  if (tcp?.cluster !== undefined) {
    out.cluster = tcp.cluster
  }
  if (tcp?.weighted_clusters !== undefined) {
    out.weightedClusters = tcpShares(tcp.weighted_clusters.clusters, (c) => clusterExists(dump, c))
  }
  const names = tcp?.cluster !== undefined ? [tcp.cluster] : (tcp?.weighted_clusters?.clusters ?? []).map((c) => c.name)
  if (names.every((c) => !clusterExists(dump, c))) {
    return { ...out, reason: 'cluster_not_found' }
  }
  return { ...out, status: 200 }
}

function httpOutcome(
  out: EnvoyOutcome,
  chain: FilterChainDetail,
  n: NormalizedRequest,
  dump: ConfigDump,
): EnvoyOutcome {
  const name = chain.summary.route_config_name ?? ''
  out.routeConfig = name
  const rc = routeConfig(dump, name) ?? chain.inlineRouteConfig
  const vhost = rc === undefined ? undefined : matchVirtualHost(rc, n.host)
  if (vhost === undefined) {
    return { ...out, status: 404, reason: 'no_virtual_host' }
  }
  out.virtualHost = vhost.name
  if (vhost.require_tls === 'ALL' && !n.tls) {
    return { ...out, status: 301, reason: 'tls_redirect' }
  }
  const hit = matchRoute(vhost.routes, n)
  if (hit === undefined) {
    return { ...out, status: 404, reason: 'no_route' }
  }
  const action = applyRouteAction(hit.route, n, (c) => clusterExists(dump, c))
  const result: EnvoyOutcome = { ...out, status: action.status }
  if (action.reason !== undefined) {
    result.reason = action.reason
  }
  if (action.cluster !== undefined) {
    result.cluster = action.cluster
  }
  if (action.weightedClusters !== undefined) {
    result.weightedClusters = action.weightedClusters
  }
  if (action.upstreamPath !== undefined) {
    result.upstreamPath = action.upstreamPath
  }
  if (action.location !== undefined) {
    result.location = action.location
  }
  return result
}

function routeConfig(dump: ConfigDump, name: string): RouteConfiguration | undefined {
  return dump.routeConfigs.find((e) => e.source === 'dynamic' && e.config.name === name)?.config
}

function clusterExists(dump: ConfigDump, name: string): boolean {
  return !dump.has.clusters || dump.clusters.some((c) => c.name === name)
}

/** Envoy's SNI match: exact server name first, then the longest wildcard, then chains without names. */
function pickChain(listener: ListenerEntry, n: NormalizedRequest): FilterChainDetail | undefined {
  const chains = listener.chains.filter((c) => c.kind !== 'blackhole')
  let best: FilterChainDetail | undefined
  let bestRank = 0
  for (const c of chains) {
    for (const name of c.summary.server_names) {
      const rank = name === n.sni ? Number.MAX_SAFE_INTEGER : n.sni !== '' && isSubsetOf(n.sni, name) ? name.length : 0
      if (rank > bestRank) {
        bestRank = rank
        best = c
      }
    }
  }
  return best ?? chains.find((c) => c.summary.server_names.length === 0)
}

/** One-line summary for comparing prediction and Envoy. */
export function outcomeKey(o: {
  status: number | string
  cluster?: string | undefined
  weightedClusters?: WeightedShare[] | undefined
  upstreamPath?: string | undefined
}): string {
  const target =
    o.cluster ??
    (o.weightedClusters ?? [])
      .map((c) => `${c.name}=${c.weight}${c.status === undefined ? '' : `(${c.status})`}`)
      .join(',')
  return `${o.status} ${target} ${o.upstreamPath ?? ''}`.trim()
}
