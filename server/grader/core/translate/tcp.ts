// Filter chains of TCP, TLS-terminating-to-TCP and PASSTHROUGH servers, built from VirtualService
// tcp and tls rules (spec rules 33-35, istio createGatewayTCPFilterChainOpts). Pure.
import type { TcpProxySummary } from '../envoy/types.ts'
import { hostsMatch, isSubsetOf, splitServerHost } from '../hosts.ts'
import type { L4MatchAttributes, RouteDestination } from '../model/index.ts'
import { destinationCluster } from './actions.ts'
import { isPassthrough, type MergedServer, tlsMode } from './merged.ts'
import type { ResolvedVirtualService } from './resolve-vs.ts'
import type { ServiceRegistry } from './services.ts'
import type { VirtualServiceIndex } from './vs-index.ts'

/** A TCP-level filter chain with the rule that produced it. */
export interface TcpChain {
  serverNames: string[]
  tls: 'terminate' | 'passthrough' | null
  tcpProxy: TcpProxySummary
  server: MergedServer
  /** The VirtualService rule, absent for AUTO_PASSTHROUGH chains. */
  origin?: { vs: ResolvedVirtualService; path: string }
}

export interface TcpContext {
  index: VirtualServiceIndex
  registry: ServiceRegistry
  /** listen port → SNI host → bind, shared across the servers of one translation. */
  sniByPort: Map<number, Map<string, string>>
}

/** Envoy server_names: none when any host is `*`, else sorted. */
export function serverNames(hosts: readonly string[]): string[] {
  return hosts.includes('*') ? [] : [...hosts].sort()
}

/** Chains for one non-HTTP server (empty when no rule fits: then the server has no listener). */
export function buildTcpChains(ms: MergedServer, ctx: TcpContext): TcpChain[] {
  const { server } = ms
  if (server.tls === undefined) {
    return firstTcpRule(ms, ctx, null, [])
  }
  if (!isPassthrough(server)) {
    return firstTcpRule(ms, ctx, 'terminate', serverNames(ms.sniHosts ?? []))
  }
  if (tlsMode(server) === 'AUTO_PASSTHROUGH') {
    return autoPassthrough(ms, ctx)
  }
  return passthroughChains(ms, ctx)
}

/** VirtualServices of the server's gateway whose hosts overlap the server hosts (namespace-aware). */
export function matchingVirtualServices(ms: MergedServer, index: VirtualServiceIndex): ResolvedVirtualService[] {
  return index.forGateway(ms.gatewayName).filter((rvs) =>
    rvs.hosts.some((vh) =>
      ms.server.hosts.some((sh) => {
        if (!sh.includes('/')) {
          return hostsMatch(sh, vh)
        }
        const { namespace, host } = splitServerHost(sh)
        return namespace === rvs.vs.metadata.namespace && hostsMatch(host, vh)
      }),
    ),
  )
}

function l4Matches(m: L4MatchAttributes, ms: MergedServer): boolean {
  const portOk = !m.port || m.port === ms.server.port.number
  const gws = m.gateways ?? []
  return portOk && (gws.length === 0 || gws.includes(ms.gatewayName))
}

function firstTcpRule(ms: MergedServer, ctx: TcpContext, tls: TcpChain['tls'], names: string[]): TcpChain[] {
  for (const rvs of matchingVirtualServices(ms, ctx.index)) {
    for (let i = 0; i < rvs.tcp.length; i++) {
      const rule = rvs.tcp[i]!
      const matches = rule.match ?? []
      if (matches.length > 0 && !matches.some((m) => l4Matches(m, ms))) {
        continue
      }
      if (rule.route.length === 0) {
        continue
      }
      return [
        {
          serverNames: names,
          tls,
          tcpProxy: tcpProxy(rule.route, ms, ctx.registry),
          server: ms,
          origin: { vs: rvs, path: `spec.tcp[${i}]` },
        },
      ]
    }
  }
  return []
}

function passthroughChains(ms: MergedServer, ctx: TcpContext): TcpChain[] {
  const out: TcpChain[] = []
  const known = ctx.sniByPort.get(ms.listenPort) ?? new Map<string, string>()
  ctx.sniByPort.set(ms.listenPort, known)
  for (const rvs of matchingVirtualServices(ms, ctx.index)) {
    rvs.tls.forEach((rule, i) => {
      if (rule.route.length === 0) {
        return
      }
      rule.match.forEach((m, j) => {
        if (!l4Matches(m, ms)) {
          return
        }
        if (m.sniHosts.some((h) => known.get(h) === ms.bind)) {
          return
        }
        for (const h of m.sniHosts) {
          known.set(h, ms.bind)
        }
        out.push({
          serverNames: serverNames(m.sniHosts),
          tls: 'passthrough',
          tcpProxy: tcpProxy(rule.route, ms, ctx.registry),
          server: ms,
          origin: { vs: rvs, path: `spec.tls[${i}].match[${j}]` },
        })
      })
    })
  }
  return out
}

function autoPassthrough(ms: MergedServer, ctx: TcpContext): TcpChain[] {
  const out: TcpChain[] = []
  for (const name of ctx.registry.clusterNames()) {
    const [, port, subset, host] = name.split('|')
    if (!(ms.sniHosts ?? []).some((h) => isSubsetOf(host ?? '', h))) {
      continue
    }
    const sni = `outbound_.${port}_.${subset ?? ''}_.${host}`
    out.push({ serverNames: [sni], tls: 'passthrough', tcpProxy: { cluster: name }, server: ms })
  }
  return out
}

/** tcp_proxy for the rule's destinations: one cluster, or weighted clusters (weight 0 skipped). */
function tcpProxy(route: readonly RouteDestination[], ms: MergedServer, registry: ServiceRegistry): TcpProxySummary {
  const port = ms.server.port.number
  if (route.length === 1) {
    const d = route[0]!.destination
    return { cluster: destinationCluster(d, registry.lookup(d.host), port) }
  }
  const clusters = route
    .filter((r) => (r.weight ?? 0) > 0)
    .map((r) => ({
      name: destinationCluster(r.destination, registry.lookup(r.destination.host), port),
      weight: r.weight ?? 0,
    }))
  return { weighted_clusters: { clusters } }
}
