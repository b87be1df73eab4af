// istiod's Gateway API conversion, end to end: handled Gateways and their listeners, route
// attachment, the internal Istio Gateways and VirtualServices, and the status istiod writes on
// every object (spec: /work/shared/docs/gateway-api-semantics.md). Pure.
import type { ResourceModel } from '../model/index.ts'
import { type BackendCheck, checkBackend, evaluateParents, type ParentEvaluation } from './attach.ts'
import { type ConvertOptions, convertGateways, type GatewayInfo, istioClasses } from './gateways.ts'
import { NamespaceIndex } from './namespaces.ts'
import { routeRefs } from './route-refs.ts'
import { type Attached, buildVirtualServices, type GeneratedVirtualService } from './routes.ts'
import { controllerName, listenerConditions, ok, type RouteStatus, type StatusReport } from './status.ts'
import type { AnyRoute, BackendObjectReference, GatewayApiModel } from './types.ts'

export interface RouteConversion {
  route: AnyRoute
  parents: ParentEvaluation[]
  dropped: boolean
}

export interface GatewayApiConversion {
  gateways: GatewayInfo[]
  routes: RouteConversion[]
  virtualServices: GeneratedVirtualService[]
  status: StatusReport
  /** What could not be checked from the input, in plain words. */
  unverified: string[]
}

/** Every route of the model, HTTPRoute, GRPCRoute, TCPRoute, TLSRoute in that order. */
export function allRoutes(model: GatewayApiModel): AnyRoute[] {
  return [...model.httpRoutes, ...model.grpcRoutes, ...model.tcpRoutes, ...model.tlsRoutes]
}

/**
 * Converts the Gateway API objects as istiod does; `classic` supplies Services (backends,
 * unmanaged Gateways' Services) and the namespaces objects live in.
 * @example convertGatewayApi(parseGatewayApi(text), parseResources(text)).status.routes
 */
export function convertGatewayApi(
  model: GatewayApiModel,
  classic: ResourceModel,
  options: ConvertOptions = {},
): GatewayApiConversion {
  const suffix = options.domainSuffix ?? 'cluster.local'
  const namespaces = new NamespaceIndex(
    model,
    classic.services.map((s) => s.metadata.namespace),
  )
  const gateways = convertGateways(model, classic, namespaces, options)
  const byKey = new Map(gateways.map((g) => [g.key, g]))
  const routes: RouteConversion[] = []
  const attached = new Map<GatewayInfo, Attached[]>()
  const routeStatus: RouteStatus[] = []
  const counts = new Map<object, number>()
  for (const route of allRoutes(model)) {
    const parents = evaluateParents(route, byKey, namespaces)
    const cache = new Map<BackendObjectReference, BackendCheck>()
    const backend = (ref: BackendObjectReference): BackendCheck => {
      let c = cache.get(ref)
      if (c === undefined) {
        c = checkBackend(route, ref, model, classic, suffix)
        cache.set(ref, c)
      }
      return c
    }
    const refs = routeRefs(route, backend)
    const dropped = refs.fatal
    const seen = new Set<object>()
    for (const p of parents) {
      for (const li of p.listeners) {
        if (seen.has(li)) {
          continue
        }
        seen.add(li)
        counts.set(li, (counts.get(li) ?? 0) + 1)
        const list = attached.get(p.gateway!) ?? []
        list.push({ route, listener: li, backend, dropped })
        attached.set(p.gateway!, list)
      }
    }
    routes.push({ route, parents, dropped })
    routeStatus.push({
      resource: { kind: route.kind, namespace: route.metadata.namespace, name: route.metadata.name },
      parents: parents
        .filter((p) => p.gateway !== undefined)
        .map((p) => ({ parentRef: p.parentRef, controllerName, conditions: [p.accepted, refs.condition] })),
    })
  }
  const virtualServices = gateways.flatMap((g) => buildVirtualServices(g, attached.get(g) ?? []))
  const classes = istioClasses(model)
  const status: StatusReport = {
    gatewayClasses: model.gatewayClasses
      .filter((c) => classes.has(c.metadata.name))
      .map((c) => ({
        resource: { kind: 'GatewayClass', namespace: '', name: c.metadata.name },
        conditions: [ok('Accepted', 'Accepted', 'Handled by Istio controller')],
      })),
    gateways: gateways.map((g) => ({
      resource: { kind: 'Gateway', namespace: g.gateway.metadata.namespace, name: g.gateway.metadata.name },
      conditions: g.conditions,
      listeners: g.listeners.map((li) => ({
        name: li.listener.name,
        supportedKinds: li.supportedKinds,
        attachedRoutes: counts.get(li) ?? 0,
        conditions: listenerConditions(li.conditions, !li.conflicted),
      })),
    })),
    routes: routeStatus,
  }
  return { gateways, routes, virtualServices, status, unverified: gateways.flatMap((g) => g.unverified) }
}
