// Walks one request through the translated gateway the way Envoy does: listener by port, filter
// chain by SNI, vhost, require_tls, first matching route, action (spec rule 37, istio
// pilot/pkg/simulation/traffic.go). Returns the result and a trace for explanations. Pure.
import type { Route, VirtualHost } from '../envoy/types.ts'
import { isSubsetOf, isWildcard } from '../hosts.ts'
import type { ChainInfo, ListenerInfo } from '../translate/listeners.ts'
import type { BuiltRouteConfig } from '../translate/route-config.ts'
import type { Translation } from '../translate/translate.ts'
import { applyRouteAction, httpsRedirectLocation } from './apply-action.ts'
import { matchRoute } from './match-route.ts'
import { matchVirtualHost } from './match-vhost.ts'
import {
  type NormalizedRequest,
  normalizeRequest,
  type RouteProvenance,
  type SimRequest,
  type SimResult,
  type WeightedShare,
} from './request.ts'

/** What the walk met at each hop, for the explainer. */
export interface SimTrace {
  request: NormalizedRequest
  listener?: ListenerInfo
  chain?: ChainInfo
  routeConfig?: BuiltRouteConfig
  vhost?: VirtualHost
  route?: Route
  routeIndex?: number
}

/** Simulates one request; `explanation` is left empty for the explainer to fill. */
export function simulateRequest(t: Translation, input: SimRequest): { result: SimResult; trace: SimTrace } {
  const req = normalizeRequest(input)
  const trace: SimTrace = { request: req }
  const result: SimResult = { status: 'connection_reset', explanation: [], explanationItems: [] }
  const listener =
    t.listeners.find((l) => l.summary.port === req.port && l.summary.address === req.address) ??
    t.listeners.find((l) => l.summary.port === req.port && l.summary.address === '0.0.0.0')
  if (listener === undefined) {
    return miss(result, trace, 'no_listener')
  }
  trace.listener = listener
  result.listener = listener.summary.name
  const picked = pickChain(listener, req)
  if (picked === 'multiple') {
    return miss(result, trace, 'multiple_filter_chains')
  }
  if (picked === undefined) {
    return miss(result, trace, 'no_filter_chain')
  }
  trace.chain = picked
  result.filterChain = listener.chains.indexOf(picked)
  if (picked.summary.tls === 'terminate' && !req.tls) {
    return miss(result, trace, 'tls_error')
  }
  if (picked.kind !== 'tcp') {
    return simulateHTTP(t, picked, req, result, trace)
  }
  const tcp = picked.summary.tcp_proxy
  if (tcp?.cluster !== undefined) {
    result.cluster = tcp.cluster
  }
  if (tcp?.weighted_clusters !== undefined) {
    result.weightedClusters = tcpShares(tcp.weighted_clusters.clusters, (n) => t.registry.clusterExists(n))
  }
  const names = tcp?.cluster !== undefined ? [tcp.cluster] : (tcp?.weighted_clusters?.clusters ?? []).map((c) => c.name)
  if (names.every((n) => !t.registry.clusterExists(n))) {
    return miss(result, trace, 'cluster_not_found')
  }
  result.status = 200
  return { result, trace }
}

/** A TCP split: a connection that lands on a missing cluster is reset, only for that share. */
export function tcpShares(
  clusters: ReadonlyArray<{ name: string; weight: number }>,
  exists: (name: string) => boolean,
): WeightedShare[] {
  return clusters.map((c) =>
    exists(c.name)
      ? { name: c.name, weight: c.weight }
      : { name: c.name, weight: c.weight, status: 'connection_reset' as const },
  )
}

function simulateHTTP(
  t: Translation,
  chain: ChainInfo,
  req: NormalizedRequest,
  result: SimResult,
  trace: SimTrace,
): { result: SimResult; trace: SimTrace } {
  if ((req.tls && chain.summary.tls !== 'terminate') || req.protocol !== 'http') {
    return miss(result, trace, 'protocol_error')
  }
  const name = chain.summary.route_config_name ?? ''
  result.routeConfig = name
  const rc = t.routeConfigs.get(name)
  if (rc === undefined) {
    return miss(result, trace, 'no_virtual_host', 404)
  }
  trace.routeConfig = rc
  const vhost = matchVirtualHost(rc.config, req.host)
  if (vhost === undefined) {
    return miss(result, trace, 'no_virtual_host', 404)
  }
  trace.vhost = vhost
  result.virtualHost = vhost.name
  if (vhost.require_tls === 'ALL' && !req.tls) {
    result.location = httpsRedirectLocation(req)
    return miss(result, trace, 'tls_redirect', 301)
  }
  const hit = matchRoute(vhost.routes, req)
  if (hit === undefined) {
    return miss(result, trace, 'no_route', 404)
  }
  trace.route = hit.route
  trace.routeIndex = hit.index
  const origin = t.origins.get(hit.route)
  if (origin !== undefined) {
    result.route = provenance(origin)
  }
  Object.assign(
    result,
    applyRouteAction(hit.route, req, (c) => t.registry.clusterExists(c)),
  )
  return { result, trace }
}

function miss(
  result: SimResult,
  trace: SimTrace,
  reason: NonNullable<SimResult['reason']>,
  status: SimResult['status'] = 'connection_reset',
) {
  result.status = status
  result.reason = reason
  return { result, trace }
}

function provenance(o: NonNullable<ReturnType<Translation['origins']['get']>>): RouteProvenance {
  const p: RouteProvenance = {
    virtualService: `${o.virtualService.namespace}/${o.virtualService.name}`,
    path: o.path,
    gateway: o.gateway,
  }
  if (o.source.file !== undefined) {
    p.file = o.source.file
  }
  if (o.source.document !== undefined) {
    p.document = o.source.document
  }
  if (o.source.line !== undefined) {
    p.line = o.source.line
  }
  if (o.root !== undefined) {
    p.root = { virtualService: `${o.root.virtualService.namespace}/${o.root.virtualService.name}`, path: o.root.path }
  }
  return p
}

/** Envoy's filter-chain sieve as far as gateways use it: server names (SNI), best rank wins. */
function pickChain(listener: ListenerInfo, req: NormalizedRequest): ChainInfo | 'multiple' | undefined {
  let chains = listener.chains
  const sni = listener.hasTlsInspector ? req.sni : ''
  const index = sniIndexOf(listener)
  if (index !== undefined) {
    // An exact server name outranks every wildcard; otherwise the longest matching wildcard wins.
    let ranked = index.exact.get(sni)
    if (ranked === undefined) {
      let best = 0
      ranked = []
      for (const { chain, wildcards } of index.wildcards) {
        const rank = sniRank(wildcards, sni)
        if (rank > best) {
          best = rank
          ranked = [chain]
        } else if (rank === best && rank > 0) {
          ranked.push(chain)
        }
      }
      if (best === 0) {
        ranked = index.withoutNames
      }
    }
    chains = ranked
  }
  if (chains.length > 1) {
    return 'multiple'
  }
  return chains[0]
}

/** A listener's filter chains by exact server name, and those with wildcard names, in order. */
interface SniIndex {
  exact: Map<string, ChainInfo[]>
  wildcards: Array<{ chain: ChainInfo; wildcards: string[] }>
  withoutNames: ChainInfo[]
}

const sniIndexes = new WeakMap<ListenerInfo, SniIndex | undefined>()

/** Built once per listener; undefined when no chain has server names. */
function sniIndexOf(listener: ListenerInfo): SniIndex | undefined {
  if (sniIndexes.has(listener)) {
    return sniIndexes.get(listener)
  }
  let index: SniIndex | undefined
  if (listener.chains.some((c) => c.summary.server_names.length > 0)) {
    index = { exact: new Map(), wildcards: [], withoutNames: [] }
    for (const chain of listener.chains) {
      const names = chain.summary.server_names
      if (names.length === 0) {
        index.withoutNames.push(chain)
      }
      const wildcards: string[] = []
      for (const name of names) {
        if (isWildcard(name)) {
          wildcards.push(name)
        }
        const list = index.exact.get(name)
        if (list === undefined) {
          index.exact.set(name, [chain])
        } else if (list[list.length - 1] !== chain) {
          list.push(chain)
        }
      }
      if (wildcards.length > 0) {
        index.wildcards.push({ chain, wildcards })
      }
    }
  }
  sniIndexes.set(listener, index)
  return index
}

function sniRank(names: readonly string[], sni: string): number {
  let best = 0
  for (const n of names) {
    if (n === sni) {
      return Number.MAX_SAFE_INTEGER
    }
    if (sni !== '' && isSubsetOf(sni, n)) {
      best = Math.max(best, n.length)
    }
  }
  return best
}
