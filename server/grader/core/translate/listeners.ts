// Listeners and filter chains of the gateway (spec rules 4-7, 36): one listener per (bind,
// listen port), an HCM chain for plain HTTP, one SNI chain per terminating HTTPS server, and
// tcp_proxy chains from tcp/tls rules. Listeners without chains do not exist. Pure.
import type { FilterChainSummary, ListenerSummary } from '../envoy/types.ts'
import { isHTTPProtocol, isHTTPSTerminating, type MergedGateway, type MergedServer } from './merged.ts'
import { buildTcpChains, serverNames, type TcpChain, type TcpContext } from './tcp.ts'

/** A filter chain with what the simulator and the explainer need to know about it. */
export interface ChainInfo {
  summary: FilterChainSummary
  kind: 'http' | 'https' | 'tcp'
  servers: MergedServer[]
  tcp?: TcpChain
}

export interface ListenerInfo {
  summary: ListenerSummary
  chains: ChainInfo[]
  /** Envoy reads SNI only when some chain matches on server names (istio adds a TLS inspector). */
  hasTlsInspector: boolean
}

/** Builds every listener, ordered by port then address. */
export function buildListeners(merged: MergedGateway, tcpCtx: TcpContext): ListenerInfo[] {
  const byName = new Map<string, ListenerInfo>()
  for (const port of merged.ports) {
    const address = port.bind === '' ? '0.0.0.0' : port.bind
    const name = `${address}_${port.number}`
    const chains = chainsForPort(port.protocol, port.servers, port.routeName, tcpCtx)
    const sni = chains.some((c) => c.summary.tls !== null)
    const existing = byName.get(name)
    if (existing !== undefined) {
      existing.chains.push(...chains)
      existing.summary.filter_chains.push(...chains.map((c) => c.summary))
      existing.hasTlsInspector ||= sni
      continue
    }
    byName.set(name, {
      summary: { name, address, port: port.number, filter_chains: chains.map((c) => c.summary) },
      chains,
      hasTlsInspector: sni,
    })
  }
  return [...byName.values()]
    .filter((l) => l.chains.length > 0)
    .sort(
      (a, b) =>
        a.summary.port - b.summary.port ||
        (a.summary.address < b.summary.address ? -1 : a.summary.address > b.summary.address ? 1 : 0),
    )
}

function chainsForPort(protocol: string, servers: MergedServer[], routeName: string, tcpCtx: TcpContext): ChainInfo[] {
  if (isHTTPProtocol(protocol)) {
    return [{ summary: { server_names: [], tls: null, route_config_name: routeName }, kind: 'http', servers }]
  }
  const out: ChainInfo[] = []
  for (const ms of servers) {
    if (isHTTPSTerminating(ms.server)) {
      out.push({
        summary: { server_names: serverNames(ms.sniHosts ?? []), tls: 'terminate', route_config_name: ms.routeName },
        kind: 'https',
        servers: [ms],
      })
      continue
    }
    for (const chain of buildTcpChains(ms, tcpCtx)) {
      out.push({
        summary: { server_names: chain.serverNames, tls: chain.tls, tcp_proxy: chain.tcpProxy },
        kind: 'tcp',
        servers: [ms],
        tcp: chain,
      })
    }
  }
  return out
}
