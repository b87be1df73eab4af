// Explains the route hop: which VirtualService rule matched (and that earlier rules did not), or
// why no route matched: path/header/query conditions, rules hidden by catch-all truncation,
// matches dropped at build time (port, gateways), an empty or blackhole vhost. Pure.
import type { Route } from '../envoy/types.ts'
import { routeMiss } from '../simulate/match-route.ts'
import type { ExplanationItem } from '../simulate/request.ts'
import type { DroppedMatch } from '../translate/http-route.ts'
import { translateRouteMatch } from '../translate/match.ts'
import { hostWithoutPort } from '../simulate/request.ts'
import { type ExplainContext, item, list } from './context.ts'
import { whyHostUnattached } from './explain-vhost.ts'

function describeOrigin(ctx: ExplainContext, route: Route): { text: string; resource?: string; path?: string } {
  const o = ctx.t.origins.get(route)
  if (o === undefined) {
    return { text: 'a route' }
  }
  const resource = `VirtualService ${o.virtualService.namespace}/${o.virtualService.name}`
  return { text: `${resource} ${o.path}`, resource, path: o.path }
}

/** Why none of the vhost's routes matched. */
export function explainNoRoute(ctx: ExplainContext): ExplanationItem[] {
  const { trace, result } = ctx
  const vhost = trace.vhost
  if (vhost === undefined) {
    return []
  }
  const req = trace.request
  if (vhost.routes.length === 0) {
    const why = vhost.name.startsWith('blackhole:')
      ? `Route config ${result.routeConfig} has no virtual hosts because no VirtualService is attached to the Gateway servers on this port, so every request gets 404.`
      : `Virtual host ${vhost.name} has no routes: no VirtualService bound to the Gateway provides routes for it.`
    const causes = whyHostUnattached(ctx, hostWithoutPort(req.host).toLowerCase())
    return [
      item(
        'route',
        why,
        causes.length > 0
          ? {}
          : { hint: 'Bind a VirtualService with this host to the Gateway (spec.gateways) and give it an http rule.' },
      ),
      ...causes,
    ]
  }
  const out: ExplanationItem[] = [
    item(
      'route',
      `No route of virtual host ${vhost.name} matches ${req.method} ${req.path}${req.query ? `?${req.query}` : ''}; Envoy answers 404.`,
    ),
  ]
  for (const route of vhost.routes.slice(0, 8)) {
    const miss = routeMiss(route, req)
    if (miss === undefined) {
      continue
    }
    const o = describeOrigin(ctx, route)
    out.push(
      item('route', `${o.text} requires ${miss.detail}.`, {
        resource: o.resource,
        path: o.path,
        hint:
          miss.kind === 'path' ? `Change the match (or the request path) so that ${req.path} is covered.` : undefined,
      }),
    )
  }
  if (vhost.routes.length > 8) {
    out.push(item('route', `${vhost.routes.length - 8} more routes do not match either.`))
  }
  out.push(...hiddenRules(ctx))
  return out
}

/** Rules that were dropped at build time but would have matched this request. */
export function hiddenRules(ctx: ExplainContext): ExplanationItem[] {
  const { trace } = ctx
  const vhost = trace.vhost
  if (vhost === undefined) {
    return []
  }
  const owners = new Set(
    vhost.routes
      .map((r) => ctx.t.origins.get(r))
      .filter((o) => o !== undefined)
      .map((o) => `${o.virtualService.namespace}/${o.virtualService.name}`),
  )
  const out: ExplanationItem[] = []
  const seen = new Set<string>()
  for (const d of ctx.t.dropped) {
    const key = `${d.virtualService.namespace}/${d.virtualService.name}`
    if (!owners.has(key) && !owners.has(d.vs.key)) {
      continue
    }
    if (seen.has(`${key}|${d.path}`) || !wouldMatch(d, ctx)) {
      continue
    }
    seen.add(`${key}|${d.path}`)
    const resource = `VirtualService ${key}`
    const hint =
      d.reason === 'after_catch_all'
        ? 'Move the catch-all rule (prefix / or no match) to the end of spec.http, or narrow it.'
        : d.reason === 'port'
          ? 'Set match.port to the Gateway server port or remove it.'
          : d.reason === 'gateways'
            ? 'List this Gateway in match.gateways or remove the field.'
            : undefined
    out.push(
      item('route', `${resource} ${d.path} would match this request but was not translated: ${d.detail}.`, {
        resource,
        path: d.path,
        hint,
      }),
    )
  }
  return out
}

function wouldMatch(d: DroppedMatch, ctx: ExplainContext): boolean {
  const m = /^spec\.http\[(\d+)\](?:\.match\[(\d+)\])?$/.exec(d.path)
  if (m === null) {
    return false
  }
  const vs = d.vs.http.find(
    (r) =>
      r.path === `spec.http[${m[1]}]` &&
      `${r.vs.metadata.namespace}/${r.vs.metadata.name}` === `${d.virtualService.namespace}/${d.virtualService.name}`,
  )
  if (vs === undefined) {
    return false
  }
  const match = m[2] === undefined ? undefined : vs.rule.match?.[Number(m[2])]
  if (m[2] === undefined && (vs.rule.match?.length ?? 0) > 0) {
    return vs.rule.match!.some((x) => routeMiss({ match: translateRouteMatch(x) }, ctx.trace.request) === undefined)
  }
  return routeMiss({ match: translateRouteMatch(match) }, ctx.trace.request) === undefined
}

/** The matched route, the routes before it that did not match, and any rule it shadows. */
export function explainMatchedRoute(ctx: ExplainContext): ExplanationItem[] {
  const { trace, result } = ctx
  const tcp = trace.chain?.tcp
  if (tcp !== undefined) {
    const target = result.cluster ?? list((result.weightedClusters ?? []).map((c) => `${c.name} (${c.weight})`))
    const from =
      tcp.origin === undefined ? 'AUTO_PASSTHROUGH' : `VirtualService ${tcp.origin.vs.key} ${tcp.origin.path}`
    const resource = tcp.origin === undefined ? undefined : `VirtualService ${tcp.origin.vs.key}`
    return [
      item(
        'cluster',
        `${result.listener} → filter chain ${(result.filterChain ?? 0) + 1} (${tcp.tls ?? 'plain TCP'}) → tcp_proxy to ${target}, from ${from}.`,
        { resource, path: tcp.origin?.path },
      ),
    ]
  }
  const route = trace.route
  if (route === undefined || trace.vhost === undefined) {
    return []
  }
  const o = describeOrigin(ctx, route)
  const what =
    route.redirect !== undefined
      ? 'redirects'
      : route.direct_response !== undefined
        ? `answers ${route.direct_response.status} directly`
        : result.cluster !== undefined
          ? `forwards to ${result.cluster}`
          : `splits across ${list((result.weightedClusters ?? []).map((c) => `${c.name} (${c.weight})`))}`
  const out = [
    item(
      'route',
      `${result.listener} → ${result.routeConfig} → virtual host ${result.virtualHost} → route ${(trace.routeIndex ?? 0) + 1} from ${o.text}, which ${what}.`,
      { resource: o.resource, path: o.path },
    ),
  ]
  out.push(...hiddenRules(ctx).filter((h) => h.path !== o.path))
  return out
}
