// Builds one HTTP RouteConfiguration (`http.8080`, `https.443.https.gw.ns`) the way istio
// buildGatewayHTTPRouteConfig does: vhost per intersecting host, routes per (gateway,
// VirtualService), httpsRedirect, blackhole, collapse, catch-alls last, vhosts by name
// (spec rules 8-11, 17-20, 25). Pure.
import type { Route, RouteConfiguration, VirtualHost } from '../envoy/types.ts'
import { compareSpecificity, intersectHosts, serverHostsForNamespace } from '../hosts.ts'
import { type BuiltRoutes, buildRoutesForVirtualService, type DroppedMatch, type RouteOrigin } from './http-route.ts'
import { isCatchAllRoute } from './match.ts'
import type { MergedServer } from './merged.ts'
import type { ResolvedVirtualService } from './resolve-vs.ts'
import type { ServiceRegistry } from './services.ts'
import type { VirtualServiceIndex } from './vs-index.ts'

/** How a VirtualService fared on one server of a route config. */
export interface Attachment {
  server: MergedServer
  vs: ResolvedVirtualService
  /** Intersecting hosts (lowercased); empty when none of its hosts fit the server. */
  hosts: string[]
  /** True when it contributed routes to the vhosts of `hosts`. */
  attached: boolean
}

export interface BuiltRouteConfig {
  config: RouteConfiguration
  origins: Map<Route, RouteOrigin>
  attachments: Attachment[]
  dropped: DroppedMatch[]
}

export interface RouteConfigContext {
  index: VirtualServiceIndex
  registry: ServiceRegistry
  proxyLabels: Record<string, string>
  proxyNamespace: string
}

interface VhostDraft {
  vhost: VirtualHost
  blocks: string[]
}

/** Builds the route configuration `name` served by `servers`. */
export function buildRouteConfig(
  name: string,
  servers: readonly MergedServer[],
  ctx: RouteConfigContext,
): BuiltRouteConfig {
  const out: BuiltRouteConfig = {
    config: { name, virtual_hosts: [] },
    origins: new Map(),
    attachments: [],
    dropped: [],
  }
  const cache = new Map<string, BuiltRoutes | null>()
  const drafts = new Map<string, VhostDraft>()
  for (const ms of servers) {
    const port = ms.server.port.number
    const redirect = ms.server.tls?.httpsRedirect === true
    for (const rvs of ctx.index.forGateway(ms.gatewayName)) {
      const hosts = intersectHosts(
        serverHostsForNamespace(ms.server.hosts, rvs.vs.metadata.namespace, ms.gateway.metadata.namespace),
        rvs.hosts,
      )
      const attachment: Attachment = { server: ms, vs: rvs, hosts: hosts.map((h) => h.toLowerCase()), attached: false }
      out.attachments.push(attachment)
      if (hosts.length === 0) {
        continue
      }
      const key = `${ms.gatewayName}|${rvs.key}`
      let built = cache.get(key)
      if (built === undefined) {
        built = buildFor(rvs, ms, ctx)
        out.dropped.push(...built.dropped)
        for (let i = 0; i < built.routes.length; i++) {
          out.origins.set(built.routes[i]!, built.origins[i]!)
        }
        built = built.routes.length === 0 ? null : built
        cache.set(key, built)
      }
      if (built === null) {
        continue
      }
      attachment.attached = true
      for (const h of attachment.hosts) {
        addToVhost(drafts, h, port, key, built.routes, redirect)
      }
    }
    if (!redirect) {
      continue
    }
    for (const h of ms.server.hosts.map((x) => x.toLowerCase())) {
      const d = drafts.get(h)
      if (d !== undefined) {
        d.vhost.require_tls = 'ALL'
      } else {
        drafts.set(h, {
          vhost: {
            name: vhostName(h, port),
            domains: [h],
            routes: [],
            include_request_attempt_count: true,
            require_tls: 'ALL',
          },
          blocks: [],
        })
      }
    }
  }
  out.config.virtual_hosts = finishVhosts(drafts, servers[0]?.server.port.number ?? 0)
  out.config.validate_clusters = false
  out.config.max_direct_response_body_size_bytes = 1048576
  out.config.ignore_port_in_host_matching = true
  return out
}

function buildFor(rvs: ResolvedVirtualService, ms: MergedServer, ctx: RouteConfigContext): BuiltRoutes {
  const ns = rvs.vs.metadata.namespace
  return buildRoutesForVirtualService(rvs, {
    lookup: (host) => ctx.registry.lookup(host, ns),
    isTLS: ms.server.tls !== undefined,
    proxyLabels: ctx.proxyLabels,
    proxyNamespace: ctx.proxyNamespace,
    gatewayName: ms.gatewayName,
    serverIndex: ms.index,
    port: ms.server.port.number,
  })
}

function addToVhost(
  drafts: Map<string, VhostDraft>,
  host: string,
  port: number,
  key: string,
  routes: Route[],
  redirect: boolean,
): void {
  const d = drafts.get(host)
  if (d !== undefined) {
    d.vhost.routes.push(...routes)
    d.blocks.push(key)
    if (redirect) {
      d.vhost.require_tls = 'ALL'
    }
    return
  }
  const vhost: VirtualHost = {
    name: vhostName(host, port),
    domains: [host],
    routes: [...routes],
    include_request_attempt_count: true,
  }
  if (redirect) {
    vhost.require_tls = 'ALL'
  }
  drafts.set(host, { vhost, blocks: [key] })
}

/** istio util.DomainName: `host:port`, brackets for IPv6. */
export function vhostName(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Collapse identical vhosts, move catch-alls last, sort by name; blackhole when empty. */
function finishVhosts(drafts: Map<string, VhostDraft>, firstPort: number): VirtualHost[] {
  if (drafts.size === 0) {
    return [{ name: vhostName('blackhole', firstPort), domains: ['*'], routes: [] }]
  }
  const keep: VirtualHost[] = []
  const known = new Map<string, VhostDraft>()
  for (const host of [...drafts.keys()].sort(compareSpecificity)) {
    const d = drafts.get(host)!
    const sig = `${d.blocks.join('\u0000')}\u0001${d.vhost.require_tls ?? ''}`
    const primary = known.get(sig)
    if (primary !== undefined) {
      primary.vhost.domains.push(...d.vhost.domains)
      continue
    }
    known.set(sig, d)
    keep.push(d.vhost)
  }
  for (const v of keep) {
    v.routes = [...v.routes.filter((r) => !isCatchAllRoute(r)), ...v.routes.filter(isCatchAllRoute)]
  }
  return keep.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
