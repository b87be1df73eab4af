// Builds the Envoy routes of one VirtualService for one gateway server: one route per match,
// build-time filtering of matches (port, gateways, source), catch-all truncation (spec rules
// 21-24), with the provenance of every route and the reason for every dropped match. Pure.
import type { ResourceRef, SourceLocation } from '../findings.ts'
import type { Route } from '../envoy/types.ts'
import type { HTTPMatchRequest } from '../model/index.ts'
import { refOf } from '../model/index.ts'
import { selectorMatches } from './env.ts'
import {
  applyHeaderOps,
  type ServiceLookup,
  translateHeaders,
  translateRedirect,
  translateRouteAction,
} from './actions.ts'
import { isCatchAllRoute, translateRouteMatch } from './match.ts'
import type { ResolvedRule, ResolvedVirtualService } from './resolve-vs.ts'

/** Where a generated route came from. */
export interface RouteOrigin {
  /** The VirtualService the rule is written in (the delegate, for delegated rules). */
  virtualService: ResourceRef
  source: SourceLocation
  /** `spec.http[1].match[0]`, or `spec.http[1]` for a rule without match. */
  path: string
  /** For delegated rules, the root VirtualService and its delegating rule. */
  root?: { virtualService: ResourceRef; path: string }
  /** `ns/name` of the Gateway and the server index the route was built for. */
  gateway: string
  serverIndex: number
  serverPort: number
}

/** A match that produced no route, and why. */
export interface DroppedMatch {
  vs: ResolvedVirtualService
  virtualService: ResourceRef
  path: string
  reason: 'port' | 'gateways' | 'source' | 'after_catch_all' | 'redirect_code'
  detail: string
}

export interface RouteBuildContext {
  lookup: ServiceLookup
  isTLS: boolean
  proxyLabels: Record<string, string>
  proxyNamespace: string
  gatewayName: string
  serverIndex: number
  /** The Gateway server port (not the translated listener port). */
  port: number
}

export interface BuiltRoutes {
  routes: Route[]
  origins: RouteOrigin[]
  dropped: DroppedMatch[]
}

/** istio BuildHTTPRoutesForVirtualService for a gateway. */
export function buildRoutesForVirtualService(rvs: ResolvedVirtualService, ctx: RouteBuildContext): BuiltRoutes {
  const out: BuiltRoutes = { routes: [], origins: [], dropped: [] }
  let catchAll: string | undefined
  for (const rr of rvs.http) {
    if (catchAll !== undefined) {
      out.dropped.push(
        dropped(rvs, rr, rr.path, 'after_catch_all', `never translated: ${catchAll} already matches every request`),
      )
      continue
    }
    const matches: Array<HTTPMatchRequest | undefined> =
      rr.rule.match === undefined || rr.rule.match.length === 0 ? [undefined] : rr.rule.match
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]
      const path = m === undefined ? rr.path : `${rr.path}.match[${i}]`
      if (catchAll !== undefined) {
        out.dropped.push(
          dropped(rvs, rr, path, 'after_catch_all', `never translated: ${catchAll} already matches every request`),
        )
        continue
      }
      const skip = filterMatch(m, ctx)
      if (skip !== undefined) {
        out.dropped.push(dropped(rvs, rr, path, skip.reason, skip.detail))
        continue
      }
      const route = translateRoute(rvs, rr, m, ctx)
      out.routes.push(route)
      out.origins.push(originOf(rvs, rr, path, ctx))
      if (route.redirect === undefined && route.route === undefined && route.direct_response === undefined) {
        out.dropped.push(
          dropped(
            rvs,
            rr,
            `${rr.path}.redirect.redirectCode`,
            'redirect_code',
            'unsupported redirect code: the route has no action',
          ),
        )
      }
      if (m === undefined || isCatchAllRoute(route)) {
        catchAll = `${rr.vs.metadata.namespace}/${rr.vs.metadata.name} ${path}`
      }
    }
  }
  return out
}

function filterMatch(
  m: HTTPMatchRequest | undefined,
  ctx: RouteBuildContext,
): { reason: DroppedMatch['reason']; detail: string } | undefined {
  if (m === undefined) {
    return undefined
  }
  if (m.port && m.port !== ctx.port) {
    return { reason: 'port', detail: `match.port ${m.port} is not the Gateway server port ${ctx.port}` }
  }
  if (m.gateways !== undefined && m.gateways.length > 0) {
    return m.gateways.includes(ctx.gatewayName)
      ? undefined
      : { reason: 'gateways', detail: `match.gateways (${m.gateways.join(', ')}) does not list ${ctx.gatewayName}` }
  }
  if (!selectorMatches(m.sourceLabels, ctx.proxyLabels)) {
    return { reason: 'source', detail: 'match.sourceLabels do not select the ingress gateway pod' }
  }
  if (m.sourceNamespace && m.sourceNamespace !== ctx.proxyNamespace) {
    return {
      reason: 'source',
      detail: `match.sourceNamespace ${m.sourceNamespace} is not the gateway namespace ${ctx.proxyNamespace}`,
    }
  }
  return undefined
}

function dropped(
  rvs: ResolvedVirtualService,
  rr: ResolvedRule,
  path: string,
  reason: DroppedMatch['reason'],
  detail: string,
): DroppedMatch {
  return { vs: rvs, virtualService: refOf(rr.vs), path, reason, detail }
}

function originOf(rvs: ResolvedVirtualService, rr: ResolvedRule, path: string, ctx: RouteBuildContext): RouteOrigin {
  const line = rr.vs.fieldLines?.[path] ?? rr.vs.fieldLines?.[rr.path]
  const source = line === undefined ? rr.vs.source : { ...rr.vs.source, line }
  const o: RouteOrigin = {
    virtualService: refOf(rr.vs),
    source,
    path,
    gateway: ctx.gatewayName,
    serverIndex: ctx.serverIndex,
    serverPort: ctx.port,
  }
  if (rr.root !== undefined) {
    o.root = { virtualService: refOf(rr.root.vs), path: rr.root.path }
  } else if (rr.vs !== rvs.vs) {
    o.root = { virtualService: refOf(rvs.vs), path: rr.path }
  }
  return o
}

/** istio TranslateRoute for one (rule, match). */
function translateRoute(
  rvs: ResolvedVirtualService,
  rr: ResolvedRule,
  m: HTTPMatchRequest | undefined,
  ctx: RouteBuildContext,
): Route {
  const rule = rr.rule
  const gatewaySemantics = usesGatewaySemantics(rvs)
  const route: Route = { match: translateRouteMatch(m, gatewaySemantics) }
  const ops = translateHeaders(rule.headers)
  applyHeaderOps(route, ops)
  if (rule.redirect !== undefined) {
    const redirect = translateRedirect(rule.redirect, ctx.port, ctx.isTLS)
    if (redirect !== undefined) {
      route.redirect = redirect
    }
  } else if (rule.directResponse !== undefined) {
    const body = rule.directResponse.body
    route.direct_response = { status: rule.directResponse.status }
    if (body?.string !== undefined) {
      route.direct_response.body = { inline_string: body.string }
    } else if (body?.bytes !== undefined) {
      route.direct_response.body = { inline_bytes: body.bytes }
    }
  } else {
    route.route = translateRouteAction(route, rule, ops.authority, ctx.lookup, ctx.port)
    if (gatewaySemantics) {
      route.route['cluster_not_found_response_code'] = 'INTERNAL_SERVER_ERROR'
    }
  }
  const ns = rvs.vs.metadata.namespace
  route.metadata = {
    filter_metadata: {
      istio: { config: `/apis/networking.istio.io/v1/namespaces/${ns}/virtual-service/${rvs.vs.metadata.name}` },
    },
  }
  route.decorator = { operation: routeOperation(route, rvs.vs.metadata.name, ctx.port) }
  const name = (rule.name ?? '') + (m?.name ? `.${m.name}` : '')
  if (name !== '') {
    route.name = name
  }
  return route
}

/** A VirtualService istiod generated from Gateway API routes (`internal.istio.io/route-semantics: gateway`). */
export function usesGatewaySemantics(rvs: ResolvedVirtualService): boolean {
  return rvs.vs.metadata.annotations['internal.istio.io/route-semantics'] === 'gateway'
}

/** istio GetRouteOperation: `host:port/path` for one cluster, else `vsName:port/path`. */
function routeOperation(route: Route, vsName: string, port: number): string {
  const m = route.match
  let path = '/*'
  if (m.prefix !== undefined) {
    path = `${m.prefix}*`
  } else if (m.path !== undefined) {
    path = m.path
  } else if (m.safe_regex !== undefined) {
    path = m.safe_regex.regex
  }
  const cluster = route.route?.cluster
  if (cluster !== undefined) {
    const parts = cluster.split('|')
    if (parts.length === 4 && parts[0] === 'outbound' && /^\d+$/.test(parts[1] ?? '')) {
      return `${parts[3]}:${parts[1]}${path}`
    }
  }
  return `${vsName}:${port}${path}`
}
