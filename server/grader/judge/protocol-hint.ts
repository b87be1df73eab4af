// Hints the grader core's explanation cannot give because it does not know what the learner meant
// to send: a server whose protocol does not fit the request (TCP for web traffic, HTTP for Redis,
// plain HTTP or PASSTHROUGH where TLS should end), a Gateway port the gateway Service never
// forwards, and VirtualServices with http rules where a TCP server needs tcp rules.
import type { Translation } from '../core/index.ts'
import { isHTTPProtocol, isPassthrough, type MergedServer } from '../core/translate/merged.ts'
import type { Cause } from '../../checks/causes.ts'
import type { ServiceHop } from './predict.ts'
import type { GatewayRequest } from './request.ts'

function where(ms: MergedServer): string {
  return `Gateway ${ms.gateway.metadata.namespace}/${ms.gateway.metadata.name} spec.servers[${ms.index}]`
}

/** A hint with the cause it names. */
export interface CausedHint {
  hint: string
  cause: Cause
}

const mismatch = (hint: string): CausedHint => ({ hint, cause: 'protocol-mismatch' })

/** The most specific protocol or port hint for a request that got nowhere, if any. */
export function protocolHint(t: Translation, req: GatewayRequest, hop: ServiceHop): CausedHint | undefined {
  const servers = t.merged.servers.filter((ms) => ms.listenPort === hop.listenPort)
  for (const ms of servers) {
    const protocol = ms.server.port.protocol.toUpperCase()
    if (req.protocol === 'tcp' && isHTTPProtocol(protocol)) {
      return mismatch(
        `${where(ms)}.port.protocol is ${protocol}, so Envoy expects HTTP on port ${ms.server.port.number}; a TCP service such as Redis needs protocol TCP (and a tcp rule in the VirtualService).`,
      )
    }
    if (req.protocol === 'http' && !req.https && !isHTTPProtocol(protocol)) {
      return mismatch(
        `${where(ms)}.port.protocol is ${protocol}: Envoy does not read HTTP there, so it cannot route by host or path. Use protocol HTTP for plain web traffic.`,
      )
    }
    if (req.https && isHTTPProtocol(protocol)) {
      return mismatch(
        `${where(ms)} on port ${ms.server.port.number} has protocol ${protocol}, so a TLS client fails the handshake. Use protocol HTTPS with tls.mode SIMPLE and tls.credentialName naming your TLS Secret.`,
      )
    }
    if (req.https && isPassthrough(ms.server)) {
      return mismatch(
        `${where(ms)}.tls.mode is ${ms.server.tls?.mode ?? 'missing (which means PASSTHROUGH)'}: the gateway passes the encrypted bytes on and never sees the HTTP request. Set tls.mode SIMPLE and tls.credentialName to terminate TLS at the gateway.`,
      )
    }
  }
  return unforwardedPort(t, hop) ?? httpRulesOnTcp(t, req, servers)
}

/** A selected Gateway server whose port the gateway Service does not forward. */
function unforwardedPort(t: Translation, hop: ServiceHop): CausedHint | undefined {
  if (hop.listenPort === undefined || t.merged.servers.some((ms) => ms.listenPort === hop.listenPort)) {
    return undefined
  }
  const forwarded = new Set(hop.known.map((k) => k.targetPort))
  const stray = t.merged.servers.find((ms) => !forwarded.has(ms.listenPort))
  if (stray === undefined) {
    return undefined
  }
  return {
    hint: `${where(stray)}.port.number is ${stray.server.port.number}, but the istio-ingressgateway Service does not forward that port, so no traffic ever reaches it. The Service forwards port ${hop.port} to ${hop.listenPort}: use port ${hop.port} in the Gateway server (and in the VirtualService match).`,
    cause: 'port-not-on-service',
  }
}

/** A TCP server whose bound VirtualService has only http rules, or tcp rules for another port. */
function httpRulesOnTcp(t: Translation, req: GatewayRequest, servers: readonly MergedServer[]): CausedHint | undefined {
  if (req.protocol !== 'tcp') {
    return undefined
  }
  for (const ms of servers.filter((s) => !isHTTPProtocol(s.server.port.protocol))) {
    const bound = t.virtualServices.filter((r) => r.gateways.includes(ms.gatewayName))
    const httpOnly = bound.find((r) => r.vs.spec.tcp.length === 0 && r.vs.spec.http.length > 0)
    if (httpOnly !== undefined) {
      return mismatch(
        `VirtualService ${httpOnly.vs.metadata.namespace}/${httpOnly.vs.metadata.name} has http rules, but ${where(ms)} is a ${ms.server.port.protocol} server: it uses only spec.tcp rules (match port ${ms.server.port.number}, route to the Service).`,
      )
    }
    for (const r of bound) {
      const i = r.vs.spec.tcp.findIndex(
        (rule) =>
          (rule.match ?? []).length > 0 &&
          (rule.match ?? []).every((m) => m.port !== undefined && m.port !== ms.server.port.number),
      )
      const port = r.vs.spec.tcp[i]?.match?.[0]?.port
      if (i >= 0 && port !== undefined) {
        return {
          hint: `VirtualService ${r.vs.metadata.namespace}/${r.vs.metadata.name} spec.tcp[${i}].match[0].port is ${port}, but ${where(ms)} listens on port ${ms.server.port.number}: the rule never fits, so Envoy gets no listener. Match port ${ms.server.port.number}.`,
          cause: 'no-route',
        }
      }
    }
  }
  return undefined
}
