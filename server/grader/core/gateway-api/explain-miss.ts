// Why a request to a Kubernetes Gateway's proxy finds no route: the field that kept each candidate
// route away (listener hostname, sectionName, allowedRoutes, a parentRef to no Gateway), from the
// conversion and its IST0171 findings. Pure.
import { isSubsetOf } from '../hosts.ts'
import { type ExplanationItem, hostWithoutPort } from '../simulate/request.ts'
import { routeHostnames } from './attach.ts'
import { type GatewayExplainInput, located, ref } from './explain-items.ts'
import type { GatewayInfo } from './gateways.ts'
import type { AnyRoute } from './types.ts'

/** Why no route of this Gateway serves the request's host: the field that kept each route away. */
export function whyNotServed(x: GatewayExplainInput, hostUnserved: boolean): ExplanationItem[] {
  const host = hostWithoutPort(x.request.host ?? x.request.headers?.['host'] ?? '')
  const gw = x.info
  const onPort = gw.listeners.filter((l) => envoyPort(gw, l.listener.port) === x.request.port && !l.conflicted)
  const out: ExplanationItem[] = []
  const accepting = onPort.filter(
    (l) => l.listener.hostname === undefined || host === l.listener.hostname || isSubsetOf(host, l.listener.hostname),
  )
  if (onPort.length > 0 && accepting.length === 0) {
    const l = onPort[0]!
    out.push(
      located(gw.gateway, `spec.listeners[${l.index}].hostname`, {
        hop: 'virtual_host',
        message: `No listener of Gateway ${gw.key} on port ${l.listener.port} accepts host ${host}: ${onPort.map((o) => `"${o.listener.name}" takes ${o.listener.hostname ?? '*'}`).join(', ')}`,
        cause: 'host-mismatch',
        hint: `Send the request with a host the listener accepts, or change the listener's hostname (a wildcard such as *.example.com covers one more label).`,
      }),
    )
    return out
  }
  for (const rc of x.conversion.routes) {
    const route = rc.route
    const hostnames = routeHostnames(route)
    if (route.kind === 'TCPRoute' || route.kind === 'TLSRoute') {
      continue
    }
    if (hostnames.length > 0 && !hostnames.some((h) => h === host || isSubsetOf(host, h))) {
      continue
    }
    const mine = rc.parents.filter((p) => p.gateway === gw)
    for (const p of mine) {
      if (p.accepted.status === 'False') {
        out.push(fromFinding(x, route, 'Accepted', `spec.parentRefs[${p.parentIndex}]`))
      }
    }
    if (mine.length > 0 && rc.dropped) {
      out.push(fromFinding(x, route, 'ResolvedRefs', 'spec.rules'))
    }
    if (mine.length === 0) {
      for (const p of rc.parents.filter((q) => q.gateway === undefined)) {
        const target = `${p.parentRef.namespace ?? route.metadata.namespace}/${p.parentRef.name}`
        out.push(
          located(route, `spec.parentRefs[${p.parentIndex}].name`, {
            hop: 'virtual_host',
            message: `${ref(route)} names ${p.parentRef.kind} ${target} as its parent, which Istio does not handle (no such Gateway of an Istio class), so the route is attached nowhere and gets no status`,
            cause: 'gateway-not-found',
            hint: `To serve it on Gateway ${gw.key}, set parentRefs[${p.parentIndex}] to {name: ${gw.gateway.metadata.name}, namespace: ${gw.gateway.metadata.namespace}}.`,
          }),
        )
      }
    }
  }
  if (out.length === 0 && hostUnserved) {
    out.push({
      hop: 'virtual_host',
      message: `No HTTPRoute attached to Gateway ${gw.key} serves host ${host} on port ${x.request.port}.`,
      cause: 'host-mismatch',
      resource: `Gateway ${gw.key}`,
      hint: `Add ${host} to spec.hostnames of an HTTPRoute whose parentRefs name Gateway ${gw.key} (a route without hostnames takes every host the listener accepts).`,
    })
  }
  return out
}

/** The Envoy port a listener port becomes on this Gateway's proxy (through an unmanaged Service). */
function envoyPort(gw: GatewayInfo, port: number): number {
  if (gw.managed) {
    return port
  }
  const p = gw.service?.spec.ports.find((s) => s.port === port)
  return typeof p?.targetPort === 'number' ? p.targetPort : port
}

/** The route's IST0171 finding for a condition, as an explanation item (same field, line and hint). */
function fromFinding(x: GatewayExplainInput, route: AnyRoute, type: string, fallback: string): ExplanationItem {
  const f = x.findings.find(
    (d) =>
      d.resource.kind === route.kind &&
      d.resource.namespace === route.metadata.namespace &&
      d.resource.name === route.metadata.name &&
      d.message.startsWith(`${type} is False`),
  )
  const path = f?.path ?? fallback
  const item = located(route, path, {
    hop: 'virtual_host',
    message: `${ref(route)} is not serving this request: ${f?.message ?? `${type} is False`}`,
    ...(f?.hint === undefined ? {} : { hint: f.hint }),
  })
  return f?.source?.line === undefined ? item : { ...item, line: f.source.line }
}
