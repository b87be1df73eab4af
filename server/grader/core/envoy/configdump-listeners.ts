// Reads the ListenersConfigDump section of an Envoy /config_dump into kindlab's listener summaries
// (address, port, filter chains with SNI, TLS mode, RDS name or tcp_proxy). Pure: parsed JSON in.
import {
  arrayField,
  expectObject,
  isObject,
  isTypeOf,
  numberField,
  objectField,
  stringArrayField,
  stringField,
  typeUrl,
  type JsonObject,
} from './configdump-json.ts'
import { readRouteConfiguration } from './configdump-routes.ts'
import type { FilterChainSummary, ListenerSummary, RouteConfiguration, TcpProxySummary } from './types.ts'

const HCM = 'envoy.filters.network.http_connection_manager'
const TCP_PROXY = 'envoy.filters.network.tcp_proxy'

/** A filter chain summary plus what only the readers and tables need. */
export interface FilterChainDetail {
  summary: FilterChainSummary
  /** Envoy's filter_chain_match, kept for the istioctl-style MATCH column. */
  match: JsonObject | undefined
  /** Which network filters the chain ends in. */
  kind: 'http' | 'tcp' | 'blackhole' | 'other'
  /** An HTTP connection manager's inline route config (static listeners). */
  inlineRouteConfig?: RouteConfiguration
}

/** One listener as Envoy holds it. */
export interface ListenerEntry {
  source: 'static' | 'dynamic'
  versionInfo?: string
  lastUpdated?: string
  listener: ListenerSummary
  chains: FilterChainDetail[]
  /**
   * A dynamic listener Envoy holds but does not serve yet (only a `warming_state`), e.g. while it
   * waits for an SDS certificate istiod cannot deliver: it accepts no connections.
   */
  warming?: true
  /**
   * A dynamic listener Envoy refused (only an `error_state`; e.g. two filter chains with the same
   * match): read from its `failed_configuration`. It accepts no connections.
   */
  rejected?: true
}

/**
 * Reads dynamic listeners (active ones; warming ones that have no active state, flagged `warming`;
 * refused ones that have only an error state, flagged `rejected`), then static ones; draining
 * states are skipped.
 */
export function readListenersSection(section: JsonObject, path: string): ListenerEntry[] {
  const entries: ListenerEntry[] = []
  arrayField(section, 'dynamic_listeners', path).forEach((raw, i) => {
    const entryPath = `${path}.dynamic_listeners[${i}]`
    const entry = expectObject(raw, entryPath)
    const active = objectField(entry, 'active_state', entryPath)
    const warming = active === undefined ? objectField(entry, 'warming_state', entryPath) : undefined
    const state = active ?? warming
    const statePath = `${entryPath}.${active === undefined ? 'warming_state' : 'active_state'}`
    const listener = state === undefined ? undefined : objectField(state, 'listener', statePath)
    if (state !== undefined && listener !== undefined) {
      const read = readEntry('dynamic', state, listener, statePath)
      entries.push(warming === undefined ? read : { ...read, warming: true })
      return
    }
    const failed = objectField(entry, 'error_state', entryPath)
    const config =
      failed === undefined ? undefined : objectField(failed, 'failed_configuration', `${entryPath}.error_state`)
    if (failed !== undefined && config !== undefined) {
      entries.push({ ...readEntry('dynamic', failed, config, `${entryPath}.error_state`), rejected: true })
    }
  })
  arrayField(section, 'static_listeners', path).forEach((raw, i) => {
    const entryPath = `${path}.static_listeners[${i}]`
    const entry = expectObject(raw, entryPath)
    const listener = objectField(entry, 'listener', entryPath)
    if (listener !== undefined) {
      entries.push(readEntry('static', entry, listener, entryPath))
    }
  })
  return entries
}

function readEntry(source: 'static' | 'dynamic', state: JsonObject, listener: JsonObject, path: string): ListenerEntry {
  const versionInfo = stringField(state, 'version_info', path)
  const lastUpdated = stringField(state, 'last_updated', path)
  const { summary, chains } = readListener(listener, `${path}.listener`)
  return {
    source,
    ...(versionInfo === undefined ? {} : { versionInfo }),
    ...(lastUpdated === undefined ? {} : { lastUpdated }),
    listener: summary,
    chains,
  }
}

function readListener(raw: JsonObject, path: string): { summary: ListenerSummary; chains: FilterChainDetail[] } {
  const name = stringField(raw, 'name', path) ?? ''
  const address = objectField(raw, 'address', path)
  const socket = address === undefined ? undefined : objectField(address, 'socket_address', `${path}.address`)
  const pipe = address === undefined ? undefined : objectField(address, 'pipe', `${path}.address`)
  const host = socket !== undefined ? stringField(socket, 'address', `${path}.address.socket_address`) : undefined
  const port = socket !== undefined ? numberField(socket, 'port_value', `${path}.address.socket_address`) : undefined
  const rawChains = arrayField(raw, 'filter_chains', path).map((c, i) => expectObject(c, `${path}.filter_chains[${i}]`))
  const defaultChain = objectField(raw, 'default_filter_chain', path)
  const chains = rawChains.map((c, i) => readFilterChain(c, `${path}.filter_chains[${i}]`))
  if (defaultChain !== undefined) {
    chains.push(readFilterChain(defaultChain, `${path}.default_filter_chain`))
  }
  const pipePath = pipe === undefined ? undefined : stringField(pipe, 'path', `${path}.address.pipe`)
  const summary: ListenerSummary = {
    name,
    address: host ?? pipePath ?? '',
    port: port ?? 0,
    filter_chains: chains.map((c) => c.summary),
  }
  return { summary, chains }
}

function readFilterChain(raw: JsonObject, path: string): FilterChainDetail {
  const match = objectField(raw, 'filter_chain_match', path)
  const serverNames = match === undefined ? [] : stringArrayField(match, 'server_names', `${path}.filter_chain_match`)
  const transportProtocol =
    match === undefined ? undefined : stringField(match, 'transport_protocol', `${path}.filter_chain_match`)
  const socket = objectField(raw, 'transport_socket', path)
  const terminates = socket !== undefined && isTlsTransportSocket(socket)
  const tls = terminates ? 'terminate' : serverNames.length > 0 || transportProtocol === 'tls' ? 'passthrough' : null
  const detail: FilterChainDetail = { summary: { server_names: serverNames, tls }, match, kind: 'other' }
  arrayField(raw, 'filters', path).forEach((f, i) =>
    readFilter(expectObject(f, `${path}.filters[${i}]`), `${path}.filters[${i}]`, detail),
  )
  return detail
}

function isTlsTransportSocket(socket: JsonObject): boolean {
  const config = isObject(socket['typed_config']) ? socket['typed_config'] : undefined
  return (
    isTypeOf(typeUrl(config), 'DownstreamTlsContext') ||
    socket['name'] === 'envoy.transport_sockets.tls' ||
    socket['name'] === 'tls'
  )
}

/** Fills the chain's RDS name or tcp_proxy from the first HTTP or TCP proxy filter. */
function readFilter(filter: JsonObject, path: string, detail: FilterChainDetail): void {
  if (detail.kind === 'http' || detail.kind === 'tcp') {
    return
  }
  const name = stringField(filter, 'name', path)
  const config = objectField(filter, 'typed_config', path) ?? {}
  const configPath = `${path}.typed_config`
  if (name === HCM || isTypeOf(typeUrl(config), 'HttpConnectionManager')) {
    detail.kind = 'http'
    const rds = objectField(config, 'rds', configPath)
    const routeConfigName = rds === undefined ? undefined : stringField(rds, 'route_config_name', `${configPath}.rds`)
    if (routeConfigName !== undefined) {
      detail.summary.route_config_name = routeConfigName
    }
    const inline = objectField(config, 'route_config', configPath)
    if (inline !== undefined) {
      detail.inlineRouteConfig = readRouteConfiguration(inline, `${configPath}.route_config`)
    }
  } else if (name === TCP_PROXY || isTypeOf(typeUrl(config), 'TcpProxy')) {
    const tcpProxy = readTcpProxy(config, configPath)
    if (tcpProxy.cluster === 'BlackHoleCluster') {
      detail.kind = 'blackhole'
      return
    }
    detail.kind = 'tcp'
    detail.summary.tcp_proxy = tcpProxy
  }
}

function readTcpProxy(config: JsonObject, path: string): TcpProxySummary {
  const cluster = stringField(config, 'cluster', path)
  const weighted = objectField(config, 'weighted_clusters', path)
  if (weighted === undefined) {
    return cluster === undefined ? {} : { cluster }
  }
  const clusters = arrayField(weighted, 'clusters', `${path}.weighted_clusters`).map((c, i) => {
    const cPath = `${path}.weighted_clusters.clusters[${i}]`
    const entry = expectObject(c, cPath)
    return { name: stringField(entry, 'name', cPath) ?? '', weight: numberField(entry, 'weight', cPath) ?? 0 }
  })
  return { ...(cluster === undefined ? {} : { cluster }), weighted_clusters: { clusters } }
}
