// Renders listeners as `istioctl proxy-config listeners` prints them (ADDRESSES, PORT, MATCH,
// DESTINATION), one row per filter chain. Pure: returns the text, prints nothing.
import { isObject, type JsonObject } from './configdump-json.ts'
import type { FilterChainDetail, ListenerEntry } from './configdump-listeners.ts'
import { describeInlineRouteConfig } from './route-describe.ts'
import { formatTable } from './tabwriter.ts'

const HEADER = ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION']

/** ALPN lists istioctl names instead of printing them. */
const KNOWN_ALPNS: ReadonlyArray<[string, readonly string[]]> = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
]

/**
 * The listeners table: listeners sorted by port, address and type; within a listener, chains by
 * DESTINATION, descending.
 */
export function renderListenersTable(listeners: readonly ListenerEntry[]): string {
  const sorted = [...listeners].sort(
    (a, b) =>
      a.listener.port - b.listener.port ||
      compare(a.listener.address, b.listener.address) ||
      compare(listenerType(a), listenerType(b)),
  )
  const rows: string[][] = [HEADER]
  for (const entry of sorted) {
    const chains = entry.chains
      .map((c) => ({ match: describeChainMatch(c.match), destination: describeDestination(c) }))
      .sort((a, b) => compare(b.destination, a.destination))
    for (const chain of chains) {
      rows.push([entry.listener.address, String(entry.listener.port), chain.match, chain.destination])
    }
  }
  return formatTable(rows, { padding: 1 })
}

/** istioctl's listener TYPE: HTTP, TCP, HTTP+TCP or UNKNOWN (blackhole TCP proxies do not count). */
export function listenerType(entry: ListenerEntry): string {
  const http = entry.chains.some((c) => c.kind === 'http')
  const tcp = entry.chains.some((c) => c.kind === 'tcp')
  if (http) {
    return tcp ? 'HTTP+TCP' : 'HTTP'
  }
  return tcp ? 'TCP' : 'UNKNOWN'
}

/** The MATCH column for one filter chain: SNI, transport, ALPN and destination port, or ALL. */
export function describeChainMatch(match: JsonObject | undefined): string {
  const m = match ?? {}
  const parts: string[] = []
  const serverNames = strings(m['server_names'])
  if (serverNames.length > 0) {
    parts.push(`SNI: ${serverNames.join(',')}`)
  }
  if (typeof m['transport_protocol'] === 'string' && m['transport_protocol'] !== '') {
    parts.push(`Trans: ${m['transport_protocol']}`)
  }
  const alpns = strings(m['application_protocols'])
  if (alpns.length > 0) {
    const known = KNOWN_ALPNS.find(([, list]) => list.length === alpns.length && list.every((p, i) => p === alpns[i]))
    parts.push(known?.[0] ?? `App: ${alpns.join(',')}`)
  }
  const port = typeof m['destination_port'] === 'number' ? `:${m['destination_port']}` : ''
  const ranges = Array.isArray(m['prefix_ranges']) ? m['prefix_ranges'].filter(isObject) : []
  if (ranges.length > 0) {
    const cidrs = ranges.map(
      (r) => `${typeof r['address_prefix'] === 'string' ? r['address_prefix'] : ''}/${Number(r['prefix_len'] ?? 0)}`,
    )
    parts.push(`Addr: ${cidrs.join(',')}${port}`)
  } else if (port !== '') {
    parts.push(`Addr: *${port}`)
  }
  return parts.length === 0 ? 'ALL' : parts.join('; ')
}

function describeDestination(chain: FilterChainDetail): string {
  if (chain.kind === 'http') {
    if (chain.inlineRouteConfig !== undefined) {
      return describeInlineRouteConfig(chain.inlineRouteConfig)
    }
    const rds = chain.summary.route_config_name
    return rds ? `Route: ${rds}` : 'HTTP'
  }
  if (chain.kind === 'tcp') {
    const weighted = chain.summary.tcp_proxy?.weighted_clusters?.clusters
    if (weighted !== undefined) {
      // istioctl prints an empty "Cluster: " here; kindlab names the clusters and their weights.
      return `Weighted Clusters: ${weighted.map((c) => `${c.name} ${c.weight}`).join(', ')}`
    }
    const cluster = chain.summary.tcp_proxy?.cluster ?? ''
    return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`
  }
  return 'Non-HTTP/Non-TCP'
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** Go's byte-wise string comparison. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
