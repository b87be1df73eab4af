// Types of the merged gateway (servers grouped into listener ports) and the protocol predicates
// istio uses to classify servers (pkg/config/gateway, pkg/config/protocol). Pure.
import type { Gateway, Server } from '../model/index.ts'

/** A Gateway server as placed on a listener port. */
export interface MergedServer {
  /** The server with namespace-scoped hosts sanitised (`./h` → `gwns/h`, `*\/h` → `h`). */
  server: Server
  gateway: Gateway
  /** `ns/name` of the Gateway. */
  gatewayName: string
  /** Index of the server in `spec.servers`. */
  index: number
  /** The port Envoy listens on (the Service targetPort when translated). */
  listenPort: number
  bind: string
  /** RDS name for HTTP and terminating HTTPS servers; '' otherwise. */
  routeName: string
  /** SNI names for servers with tls settings. */
  sniHosts?: string[]
}

/** Servers sharing (listen port, protocol, bind). */
export interface MergedPort {
  number: number
  protocol: string
  bind: string
  servers: MergedServer[]
  routeName: string
}

export interface DroppedServer {
  server: MergedServer
  reason: string
}

export interface MergedGateway {
  /** In the order istio creates them. */
  ports: MergedPort[]
  /** RDS name → servers (insertion order). */
  byRouteName: Map<string, MergedServer[]>
  /** Every kept server. */
  servers: MergedServer[]
  dropped: DroppedServer[]
}

const http = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web'])

/** HTTP, HTTP2, HTTP_PROXY, GRPC, GRPC-WEB (case-insensitive). */
export function isHTTPProtocol(protocol: string): boolean {
  return http.has(protocol.toLowerCase())
}

/** TLS mode with the proto default (PASSTHROUGH) applied. */
export function tlsMode(server: Server): string {
  return (server.tls?.mode ?? 'PASSTHROUGH').toUpperCase()
}

/** PASSTHROUGH or AUTO_PASSTHROUGH. */
export function isPassthrough(server: Server): boolean {
  if (server.tls === undefined) {
    return false
  }
  const mode = tlsMode(server)
  return mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH'
}

/** A non-HTTP server with tls settings (termination or passthrough). */
export function isTLSServer(server: Server): boolean {
  return server.tls !== undefined && !isHTTPProtocol(server.port.protocol)
}

/** HTTPS with tls settings that are not passthrough. */
export function isHTTPSTerminating(server: Server): boolean {
  return server.tls !== undefined && server.port.protocol.toLowerCase() === 'https' && !isPassthrough(server)
}

/** HTTP-family, or HTTPS that terminates TLS. */
export function isHTTPServer(server: Server): boolean {
  return (
    isHTTPProtocol(server.port.protocol) || (server.port.protocol.toLowerCase() === 'https' && !isPassthrough(server))
  )
}

/** Reference text for a server: `Gateway ns/name spec.servers[i]`. */
export function serverLabel(ms: { gateway: Gateway; index: number }): string {
  return `Gateway ${ms.gateway.metadata.namespace}/${ms.gateway.metadata.name} spec.servers[${ms.index}]`
}
