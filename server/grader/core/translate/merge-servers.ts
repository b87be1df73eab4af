// Merges the servers of every selected Gateway into listener ports, as istio mergeGateways does:
// host sanitising, port resolution, RDS names, SNI duplicates and protocol conflicts (spec
// rules 3-7). Records every dropped server with the reason, for explanations. Pure.
import { splitServerHost } from '../hosts.ts'
import type { Gateway, Server } from '../model/index.ts'
import { type GatewaySelection, resolvePorts } from './gateway-select.ts'
import {
  isHTTPProtocol,
  isHTTPServer,
  isHTTPSTerminating,
  isTLSServer,
  type MergedGateway,
  type MergedPort,
  type MergedServer,
} from './merged.ts'

/** Builds the merged view of all selected gateways, in processing order. */
export function mergeGateways(selections: readonly GatewaySelection[]): MergedGateway {
  const merged: MergedGateway = { ports: [], byRouteName: new Map(), servers: [], dropped: [] }
  const state = {
    gatewayPorts: new Set<number>(),
    plainText: new Map<number, MergedPort>(),
    tlsHosts: new Map<number, Map<string, string>>(),
    portMap: new Map<string, MergedPort>(),
  }
  for (const sel of selections) {
    if (!sel.selected) {
      continue
    }
    sel.gateway.spec.servers.forEach((raw, index) => {
      const server = sanitizeServer(raw, sel.gateway.metadata.namespace)
      for (const listenPort of resolvePorts(server.port.number, sel)) {
        const ms = makeMergedServer(sel, server, index, listenPort)
        const reason = place(merged, state, ms)
        if (reason !== undefined) {
          merged.dropped.push({ server: ms, reason })
        } else {
          merged.servers.push(ms)
        }
      }
    })
  }
  return merged
}

function makeMergedServer(sel: GatewaySelection, server: Server, index: number, listenPort: number): MergedServer {
  const ms: MergedServer = {
    server,
    gateway: sel.gateway,
    gatewayName: sel.name,
    index,
    listenPort,
    bind: server.bind ?? '',
    routeName: routeName(server, listenPort, sel.gateway),
  }
  if (server.tls !== undefined) {
    ms.sniHosts = sniHosts(server)
  }
  return ms
}

type MergeState = {
  gatewayPorts: Set<number>
  plainText: Map<number, MergedPort>
  tlsHosts: Map<number, Map<string, string>>
  portMap: Map<string, MergedPort>
}

/** Places one server; returns why it was dropped, or undefined when kept. */
function place(merged: MergedGateway, st: MergeState, ms: MergedServer): string | undefined {
  const { server, listenPort } = ms
  if (server.tls !== undefined) {
    const known = st.tlsHosts.get(listenPort) ?? new Map<string, string>()
    st.tlsHosts.set(listenPort, known)
    const dups = server.hosts.filter((h) => known.get(h) === ms.bind)
    if (dups.length > 0) {
      return `another TLS server on port ${listenPort} already serves ${dups.join(', ')}`
    }
    for (const h of server.hosts) {
      known.set(h, ms.bind)
    }
  }
  if (!st.gatewayPorts.has(listenPort)) {
    st.gatewayPorts.add(listenPort)
    addPort(merged, st, ms)
    return undefined
  }
  const current = st.plainText.get(listenPort)
  if (current !== undefined) {
    const sameBind = current.bind === ms.bind
    if (!canMerge(server.port.protocol, current.protocol) && sameBind) {
      return `port ${listenPort} is already used by a ${current.protocol} server of Gateway ${current.servers[0]?.gatewayName ?? '?'}; ${server.port.protocol} and ${current.protocol} cannot share a port`
    }
    if (ms.routeName === '' && sameBind) {
      return `port ${listenPort} is already used by another ${current.protocol} server`
    }
    const target = sameBind ? current : st.portMap.get(portKey(listenPort, server.port.protocol, ms.bind))
    if (target === undefined) {
      addPort(merged, st, ms)
    } else {
      appendServer(merged, target, ms)
    }
    return undefined
  }
  if (!isTLSServer(server)) {
    const port = newPort(merged, st, ms)
    st.plainText.set(listenPort, port)
    return undefined
  }
  if (isHTTPServer(server)) {
    if (ms.routeName === '') {
      return 'it has no route name'
    }
    if (merged.byRouteName.has(ms.routeName)) {
      return `route ${ms.routeName} already exists (duplicate HTTPS port name)`
    }
    merged.byRouteName.set(ms.routeName, [ms])
  }
  const existing = st.portMap.get(portKey(listenPort, server.port.protocol, ms.bind))
  if (existing === undefined) {
    newPort(merged, st, ms, false)
  } else {
    existing.servers.push(ms)
  }
  return undefined
}

function addPort(merged: MergedGateway, st: MergeState, ms: MergedServer): void {
  const port = newPort(merged, st, ms)
  if (!isTLSServer(ms.server)) {
    st.plainText.set(ms.listenPort, port)
  }
}

function newPort(merged: MergedGateway, st: MergeState, ms: MergedServer, registerRoute = true): MergedPort {
  const port: MergedPort = {
    number: ms.listenPort,
    protocol: ms.server.port.protocol,
    bind: ms.bind,
    servers: [ms],
    routeName: ms.routeName,
  }
  if (registerRoute && isHTTPServer(ms.server)) {
    merged.byRouteName.set(ms.routeName, [ms])
  }
  merged.ports.push(port)
  st.portMap.set(portKey(port.number, port.protocol, port.bind), port)
  return port
}

function appendServer(merged: MergedGateway, port: MergedPort, ms: MergedServer): void {
  port.servers.push(ms)
  const list = merged.byRouteName.get(ms.routeName)
  if (list === undefined) {
    merged.byRouteName.set(ms.routeName, [ms])
  } else {
    list.push(ms)
  }
}

function portKey(number: number, protocol: string, bind: string): string {
  return `${number}|${protocol}|${bind}`
}

function canMerge(incoming: string, existing: string): boolean {
  return (isHTTPProtocol(incoming) || incoming.toLowerCase() === existing.toLowerCase()) && isHTTPProtocol(existing)
}

/** istio sanitizeServerHostNamespace: `./h` → `gwns/h`, `*\/h` → `h`, `*\/*` → `*`. */
export function sanitizeServer(server: Server, namespace: string): Server {
  if (!server.hosts.some((h) => h.includes('/'))) {
    return server
  }
  if (server.hosts.includes('*/*')) {
    return { ...server, hosts: ['*'] }
  }
  const hosts = server.hosts.map((h) => {
    const { namespace: ns, host } = splitServerHost(h)
    if (!h.includes('/')) {
      return h
    }
    if (ns === '.') {
      return `${namespace}/${host}`
    }
    return ns === '*' ? host : h
  })
  return { ...server, hosts }
}

/** RDS name of a server (rule 6): `http.<listenPort>[.bind]` or `https.<port>.<portName>.<gw>.<ns>[.bind]`. */
export function routeName(server: Server, listenPort: number, gw: Gateway): string {
  const bind = server.bind ? `.${server.bind}` : ''
  if (isHTTPProtocol(server.port.protocol)) {
    return `http.${listenPort}${bind}`
  }
  if (isHTTPSTerminating(server)) {
    return `https.${server.port.number}.${server.port.name}.${gw.metadata.name}.${gw.metadata.namespace}${bind}`
  }
  return ''
}

/** SNI names of a TLS server: hosts without namespace, deduplicated and sorted. */
export function sniHosts(server: Server): string[] {
  return [...new Set(server.hosts.map((h) => splitServerHost(h).host))].sort()
}
