// istiod's admission validation of a VirtualService (spec §44, istio pkg/config/validation):
// errors that make the API server reject it. Warnings (IST0133, IST0130/0131) belong to the
// analyzers, not here. Returns problems with field paths; never throws. Pure.
import { hostsMatch, isIPAddress, isSubsetOf } from '../hosts.ts'
import { checkWildcardDomain } from './dns.ts'
import type { FieldProblem } from './reader.ts'
import type { VirtualService } from './types.ts'
import { validateHTTPRoute, validateRouteDestinations } from './validate-http-route.ts'
import { validateExportTo, validateGatewayNames } from './validate-refs.ts'

/** The VirtualService validation errors (each one makes istiod reject the resource). */
export function validateVirtualService(vs: VirtualService): FieldProblem[] {
  const { spec } = vs
  const out: FieldProblem[] = []
  const isDelegate = spec.hosts.length === 0
  if (isDelegate) {
    if (spec.gateways !== undefined) {
      out.push({ path: 'spec.gateways', message: 'a delegate VirtualService (no hosts) must not list gateways.' })
    }
    if (spec.tls.length > 0) {
      out.push({ path: 'spec.tls', message: 'a delegate VirtualService (no hosts) cannot have tls routes.' })
    }
    if (spec.tcp.length > 0) {
      out.push({ path: 'spec.tcp', message: 'a delegate VirtualService (no hosts) cannot have tcp routes.' })
    }
  }
  const gateways = spec.gateways ?? []
  out.push(...validateGatewayNames(gateways, 'spec.gateways'))
  const appliesToGateway = gateways.length > 0 && !gateways.includes('mesh')
  out.push(...validateHosts(vs, appliesToGateway))
  if (spec.http.length === 0 && spec.tcp.length === 0 && spec.tls.length === 0) {
    out.push({ path: 'spec', message: 'a VirtualService must have http, tcp or tls routes.' })
  }
  spec.http.forEach((route, i) => out.push(...validateHTTPRoute(route, `spec.http[${i}]`, isDelegate)))
  spec.tls.forEach((route, i) => {
    const path = `spec.tls[${i}]`
    if (route.match.length === 0) {
      out.push({ path: `${path}.match`, message: 'a tls route must have at least one match.' })
    }
    route.match.forEach((m, j) => {
      if (m.sniHosts.length === 0) {
        out.push({ path: `${path}.match[${j}].sniHosts`, message: 'a tls match must have at least one SNI host.' })
      }
      m.sniHosts.forEach((sni, k) => {
        const problem = checkWildcardDomain(sni)
        if (problem !== undefined && !isIPAddress(sni)) {
          out.push({ path: `${path}.match[${j}].sniHosts[${k}]`, message: `${problem}.` })
        } else if (problem === undefined && !spec.hosts.some((h) => isSubsetOf(sni, h))) {
          out.push({
            path: `${path}.match[${j}].sniHosts[${k}]`,
            message: `SNI host "${sni}" is not covered by any of the VirtualService hosts (${spec.hosts.join(', ')}).`,
          })
        }
      })
      out.push(...validateGatewayNames(m.gateways ?? [], `${path}.match[${j}].gateways`))
    })
    if (route.route.length === 0) {
      out.push({ path: `${path}.route`, message: 'a tls rule needs a route.' })
    }
    out.push(...validateRouteDestinations(route.route, `${path}.route`))
  })
  spec.tcp.forEach((route, i) => {
    const path = `spec.tcp[${i}]`
    route.match?.forEach((m, j) => out.push(...validateGatewayNames(m.gateways ?? [], `${path}.match[${j}].gateways`)))
    if (route.route.length === 0) {
      out.push({ path: `${path}.route`, message: 'a tcp rule needs a route.' })
    }
    out.push(...validateRouteDestinations(route.route, `${path}.route`))
  })
  out.push(...validateExportTo(spec.exportTo ?? [], vs.metadata.namespace))
  return out
}

function validateHosts(vs: VirtualService, appliesToGateway: boolean): FieldProblem[] {
  const out: FieldProblem[] = []
  const appliesToMesh = !appliesToGateway
  let allValid = true
  vs.spec.hosts.forEach((host, i) => {
    const problem = checkWildcardDomain(host)
    if (problem !== undefined) {
      if (!isIPAddress(host)) {
        out.push({ path: `spec.hosts[${i}]`, message: `${problem}.` })
        allValid = false
      }
    } else if (appliesToMesh && host === '*') {
      out.push({
        path: `spec.hosts[${i}]`,
        message:
          'the wildcard host * is not allowed for a VirtualService bound to the mesh (no gateways, or mesh listed).',
      })
      allValid = false
    }
  })
  if (!allValid) {
    return out
  }
  const hosts = vs.spec.hosts
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (hostsMatch(hosts[i] ?? '', hosts[j] ?? '')) {
        out.push({
          path: `spec.hosts[${j}]`,
          message: `duplicate hosts in the VirtualService: ${hosts[i]} and ${hosts[j]} overlap.`,
        })
      }
    }
  }
  return out
}
