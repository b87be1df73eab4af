// istiod's admission validation of a Gateway (spec §44, istio pkg/config/validation): the errors
// that make the API server reject it. Returns problems with field paths; never throws. Pure.
import { isIPAddress } from '../hosts.ts'
import { checkWildcardDomain, isDNS1123Label } from './dns.ts'
import type { FieldProblem } from './reader.ts'
import type { Gateway, Server, ServerTLSSettings } from './types.ts'

const protocols = new Set([
  'tcp',
  'udp',
  'grpc',
  'grpc-web',
  'http',
  'http_proxy',
  'http2',
  'https',
  'tls',
  'mongo',
  'redis',
  'mysql',
])
const httpProtocols = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web'])

/** The Gateway validation errors (each one makes istiod reject the whole Gateway). */
export function validateGateway(gw: Gateway): FieldProblem[] {
  const out: FieldProblem[] = []
  if (!isDNS1123Label(gw.metadata.name)) {
    out.push({
      path: 'metadata.name',
      message: `invalid gateway name "${gw.metadata.name}": a Gateway name must be a DNS label (no dots).`,
    })
  }
  if (gw.spec.servers.length === 0) {
    out.push({ path: 'spec.servers', message: 'a Gateway must have at least one server.' })
  }
  const portNames = new Map<string, number>()
  gw.spec.servers.forEach((server, i) => {
    const path = `spec.servers[${i}]`
    out.push(...validateServer(server, path))
    const first = portNames.get(server.port.name)
    if (first !== undefined) {
      out.push({
        path: `${path}.port.name`,
        message: `port names in servers must be unique: "${server.port.name}" is also used by spec.servers[${first}].`,
      })
    } else {
      portNames.set(server.port.name, i)
    }
  })
  return out
}

function validateServer(server: Server, path: string): FieldProblem[] {
  const out: FieldProblem[] = []
  if (server.hosts.length === 0) {
    out.push({ path: `${path}.hosts`, message: 'a server must have at least one host.' })
  }
  server.hosts.forEach((h, i) => {
    const problem = checkServerHost(h)
    if (problem !== undefined) {
      out.push({ path: `${path}.hosts[${i}]`, message: problem })
    }
  })
  const protocol = server.port.protocol.toLowerCase()
  if (!protocols.has(protocol)) {
    out.push({
      path: `${path}.port.protocol`,
      message: `invalid protocol "${server.port.protocol}"; use HTTP, HTTPS, HTTP2, GRPC, TLS, TCP, MONGO, REDIS or MYSQL.`,
    })
  }
  const unix = server.bind?.startsWith('unix://') ?? false
  if ((server.port.number > 0 || !unix) && (server.port.number < 1 || server.port.number > 65535)) {
    out.push({
      path: `${path}.port.number`,
      message: `port number ${server.port.number} must be in the range 1..65535.`,
    })
  }
  if (server.port.targetPort !== undefined && server.port.targetPort > 0) {
    out.push({ path: `${path}.port.targetPort`, message: 'targetPort has no effect on Gateways; remove it.' })
  }
  if (server.port.name === '') {
    out.push({ path: `${path}.port.name`, message: 'the server port must have a name.' })
  }
  if (server.bind !== undefined && !unix && !isIPAddress(server.bind)) {
    out.push({ path: `${path}.bind`, message: `bind "${server.bind}" is not a valid IP address.` })
  }
  out.push(...validateServerTLS(server, protocol, path))
  return out
}

function checkServerHost(serverHost: string): string | undefined {
  const slash = serverHost.indexOf('/')
  let host = serverHost
  if (slash >= 0) {
    const ns = serverHost.slice(0, slash)
    host = serverHost.slice(slash + 1)
    if (ns === '' || host === '') {
      return `host "${serverHost}": namespace and DNS name cannot be empty.`
    }
    if (ns !== '*' && ns !== '.' && !isDNS1123Label(ns)) {
      return `host "${serverHost}": invalid namespace "${ns}".`
    }
  }
  if (host !== '*' && !host.includes('.')) {
    return `host "${serverHost}": short names are not allowed; use a fully qualified name.`
  }
  const problem = checkWildcardDomain(host)
  if (problem !== undefined && !isIPAddress(host)) {
    return `host "${serverHost}": ${problem}.`
  }
  if (host.includes('*') && host.length !== 1 && !host.startsWith('*.')) {
    return `host "${serverHost}": partial wildcards are not allowed.`
  }
  return undefined
}

function validateServerTLS(server: Server, protocol: string, path: string): FieldProblem[] {
  const tls = server.tls
  const isTLS = protocol === 'https' || protocol === 'tls'
  if (tls === undefined) {
    return isTLS ? [{ path: `${path}.tls`, message: `a ${server.port.protocol} server must have tls settings.` }] : []
  }
  const mode = (tls.mode ?? 'PASSTHROUGH').toUpperCase()
  const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH'
  const out: FieldProblem[] = []
  if (!isTLS && protocols.has(protocol)) {
    const hasCerts =
      tls.caCertificates !== undefined || tls.privateKey !== undefined || tls.serverCertificate !== undefined
    if (!httpProtocols.has(protocol)) {
      out.push({
        path: `${path}.tls`,
        message: `a ${server.port.protocol} server cannot have tls settings; use HTTPS or TLS.`,
      })
    } else if (!passthrough || hasCerts) {
      out.push({
        path: `${path}.tls`,
        message: 'a plain-text HTTP server can only have tls.httpsRedirect; use protocol HTTPS to terminate TLS.',
      })
    }
  }
  out.push(...validateCertificates(tls, mode, `${path}.tls`))
  return out
}

function validateCertificates(tls: ServerTLSSettings, mode: string, path: string): FieldProblem[] {
  const out: FieldProblem[] = []
  const credentials = tls.credentialName !== undefined || (tls.credentialNames?.length ?? 0) > 0
  if (mode === 'ISTIO_MUTUAL') {
    if (
      credentials ||
      tls.serverCertificate !== undefined ||
      tls.privateKey !== undefined ||
      tls.caCertificates !== undefined
    ) {
      out.push({ path, message: 'ISTIO_MUTUAL TLS cannot have certificates or a credentialName.' })
    }
    return out
  }
  const sources = [
    tls.serverCertificate !== undefined && tls.privateKey !== undefined,
    tls.credentialName !== undefined,
    (tls.credentialNames?.length ?? 0) > 0,
  ]
  if (sources.filter(Boolean).length > 1) {
    out.push({
      path,
      message: 'only one of credentialName, credentialNames or serverCertificate/privateKey may be set.',
    })
  }
  // istiod also requires certificate material for SIMPLE/MUTUAL without a credentialName; the
  // grader does not reject for that (spec §44 does not list it) so routing can still be explained.
  return out
}
