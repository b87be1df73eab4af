// Routes → the internal VirtualServices istiod generates (spec rules 19-37): one per (listener,
// hostname) merging every HTTPRoute and GRPCRoute rule, each match its own Istio rule, sorted by
// Gateway API precedence; filters, weighted backends, 500 for missing backends; TCPRoute and
// TLSRoute as tcp/tls blocks (matches: route-matches.ts, header filters: route-filters.ts). Every generated rule remembers the route, rule and match it came
// from. The VirtualServices carry `internal.istio.io/route-semantics: gateway`, which the classic
// translator honours (path_separated_prefix, 500 for a missing cluster). Pure.
import { intersectHosts, isSubsetOf, isWildcard } from '../hosts.ts'
import type { SourceLocation } from '../findings.ts'
import type {
  HTTPRoute as IstioHTTPRoute,
  HTTPRouteDestination,
  RouteDestination,
  VirtualService,
} from '../model/index.ts'
import { compareText } from '../findings.ts'
import { timeOf } from '../translate/order.ts'
import type { BackendCheck } from './attach.ts'
import { type GatewayInfo, internalGatewayInfix, type ListenerInfo } from './gateways.ts'
import { mirrorsOf } from './mirror.ts'
import { headerOps } from './route-filters.ts'
import { escapeRegex, grpcMatch, httpMatch, type SortKey, trimSlash } from './route-matches.ts'
import type {
  AnyRoute,
  BackendObjectReference,
  BackendRef,
  GRPCRoute,
  HTTPRoute,
  HTTPRouteFilter,
  TCPRoute,
  TLSRoute,
} from './types.ts'

export const routeSemanticsAnnotation = 'internal.istio.io/route-semantics'

/** Where one generated rule (`spec.http[i]`, `spec.tcp[0]`, `spec.tls[0]`) came from. */
export interface GeneratedOrigin {
  route: { kind: string; namespace: string; name: string }
  /** `spec.rules[1].matches[0]`, or `spec.rules[1]`. */
  path: string
  source: SourceLocation
}

export interface GeneratedVirtualService {
  vs: VirtualService
  gateway: GatewayInfo
  listener: ListenerInfo
  /** By generated path (`spec.http[2]`). */
  origins: Map<string, GeneratedOrigin>
}

/** A route attached to one listener, with how its backends resolved. */
export interface Attached {
  route: AnyRoute
  listener: ListenerInfo
  backend: (ref: BackendObjectReference) => BackendCheck
  /** A hard conversion error dropped the whole route (spec rule 35). */
  dropped: boolean
}

interface Draft {
  rule: IstioHTTPRoute
  origin: GeneratedOrigin
  key: SortKey
}

/** Gateway API order of routes that merge: creation time, then namespace, then name (rule 20). */
export function compareRoutes(a: AnyRoute, b: AnyRoute): number {
  return (
    timeOf(a.metadata.creationTimestamp) - timeOf(b.metadata.creationTimestamp) ||
    compareText(a.metadata.namespace, b.metadata.namespace) ||
    compareText(a.metadata.name, b.metadata.name)
  )
}

/** The VirtualServices of one Gateway's listeners. */
export function buildVirtualServices(gw: GatewayInfo, attached: readonly Attached[]): GeneratedVirtualService[] {
  const out: GeneratedVirtualService[] = []
  for (const li of gw.listeners) {
    if (!li.valid) {
      continue
    }
    const here = attached.filter((a) => a.listener === li && !a.dropped).sort((a, b) => compareRoutes(a.route, b.route))
    const proto = li.listener.protocol
    if (proto === 'HTTP' || proto === 'HTTPS') {
      out.push(...httpVirtualServices(gw, li, here))
    } else {
      out.push(...l4VirtualServices(gw, li, here))
    }
  }
  return out
}

function gatewayRef(gw: GatewayInfo, li: ListenerInfo): string {
  return `${gw.gateway.metadata.namespace}/${gw.gateway.metadata.name}${internalGatewayInfix}${li.listener.name}`
}

/** Hostnames a route serves on a listener (rule 19), minus listener isolation (rule 21). */
export function hostsOnListener(gw: GatewayInfo, li: ListenerInfo, hostnames: readonly string[]): string[] {
  const listenerHost = li.listener.hostname ?? '*'
  const hosts = intersectHosts([listenerHost], hostnames.length === 0 ? ['*'] : hostnames)
  if (li.listener.hostname !== undefined && !isWildcard(li.listener.hostname)) {
    return hosts
  }
  const others = gw.listeners.filter(
    (o) =>
      o !== li &&
      o.valid &&
      o.listener.port === li.listener.port &&
      o.listener.protocol === li.listener.protocol &&
      o.listener.hostname !== undefined &&
      (li.listener.hostname === undefined || isSubsetOf(o.listener.hostname, li.listener.hostname)) &&
      o.listener.hostname !== li.listener.hostname,
  )
  return hosts.filter((h) => !others.some((o) => isSubsetOf(h, o.listener.hostname!)))
}

function httpVirtualServices(
  gw: GatewayInfo,
  li: ListenerInfo,
  attached: readonly Attached[],
): GeneratedVirtualService[] {
  // Keyed by the hostname as the route writes it (`*` for none), which also names the
  // VirtualService; its host is that name intersected with the listener's (seen in istiod 1.31).
  const byHost = new Map<string, { host: string; list: Attached[] }>()
  for (const a of attached) {
    if (a.route.kind !== 'HTTPRoute' && a.route.kind !== 'GRPCRoute') {
      continue
    }
    const written = a.route.spec.hostnames.length === 0 ? ['*'] : a.route.spec.hostnames
    for (const raw of written) {
      const host = hostsOnListener(gw, li, [raw])[0]
      if (host === undefined) {
        continue
      }
      const entry = byHost.get(raw) ?? { host, list: [] }
      entry.list.push(a)
      byHost.set(raw, entry)
    }
  }
  const out: GeneratedVirtualService[] = []
  for (const [raw, { host, list }] of byHost) {
    const drafts: Draft[] = []
    for (const a of list) {
      drafts.push(...(a.route.kind === 'HTTPRoute' ? httpDrafts(a.route, a) : grpcDrafts(a.route as GRPCRoute, a)))
    }
    const sorted = stableSort(drafts)
    const first = list[0]!.route
    const name = `${gw.gateway.metadata.namespace}~${gw.gateway.metadata.name}${internalGatewayInfix}${li.listener.name}~${raw}`
    const origins = new Map<string, GeneratedOrigin>()
    sorted.forEach((d, i) => origins.set(`spec.http[${i}]`, d.origin))
    out.push({
      vs: virtualService(name, first, list, {
        hosts: [host],
        gateways: [gatewayRef(gw, li)],
        http: sorted.map((d) => d.rule),
        tls: [],
        tcp: [],
      }),
      gateway: gw,
      listener: li,
      origins,
    })
  }
  return out
}

function virtualService(
  name: string,
  first: AnyRoute,
  list: readonly Attached[],
  spec: VirtualService['spec'],
): VirtualService {
  return {
    kind: 'VirtualService',
    apiVersion: 'networking.istio.io/v1',
    metadata: {
      name,
      namespace: first.metadata.namespace,
      labels: {},
      annotations: {
        [routeSemanticsAnnotation]: 'gateway',
        'internal.istio.io/parents': list
          .map((a) => `${a.route.kind}/${a.route.metadata.name}.${a.route.metadata.namespace}`)
          .join(','),
      },
      ...(first.metadata.creationTimestamp === undefined
        ? {}
        : { creationTimestamp: first.metadata.creationTimestamp }),
    },
    source: first.source,
    spec,
  }
}

/** Stable sort by Gateway API precedence (rule 24). */
function stableSort(drafts: readonly Draft[]): Draft[] {
  return drafts
    .map((d, i) => ({ d, i }))
    .sort(
      (x, y) =>
        x.d.key.pathType - y.d.key.pathType ||
        y.d.key.pathLength - x.d.key.pathLength ||
        y.d.key.method - x.d.key.method ||
        y.d.key.headers - x.d.key.headers ||
        y.d.key.query - x.d.key.query ||
        x.i - y.i,
    )
    .map((x) => x.d)
}

function originOf(route: AnyRoute, path: string, rulePath: string): GeneratedOrigin {
  const line = route.fieldLines?.[path] ?? route.fieldLines?.[rulePath]
  return {
    route: { kind: route.kind, namespace: route.metadata.namespace, name: route.metadata.name },
    path,
    source: line === undefined ? { ...route.source } : { ...route.source, line },
  }
}

function httpDrafts(route: HTTPRoute, a: Attached): Draft[] {
  const out: Draft[] = []
  route.spec.rules.forEach((rule, i) => {
    const rulePath = `spec.rules[${i}]`
    rule.matches.forEach((m, j) => {
      const { match, key } = httpMatch(m)
      const istio = baseRule(
        route,
        i,
        rule.filters,
        rule.backendRefs,
        a,
        m.path?.type === 'PathPrefix' ? m.path.value : undefined,
      )
      istio.match = [match]
      if (rule.timeouts?.request !== undefined) {
        istio.timeout = rule.timeouts.request
      }
      out.push({ rule: istio, origin: originOf(route, `${rulePath}.matches[${j}]`, rulePath), key })
    })
  })
  return out
}

function grpcDrafts(route: GRPCRoute, a: Attached): Draft[] {
  const out: Draft[] = []
  route.spec.rules.forEach((rule, i) => {
    const rulePath = `spec.rules[${i}]`
    const matches = rule.matches.length === 0 ? [undefined] : rule.matches
    matches.forEach((m, j) => {
      const { match, key } = grpcMatch(m)
      const istio = baseRule(route, i, rule.filters, rule.backendRefs, a, match?.uri?.prefix)
      if (match !== undefined) {
        istio.match = [match]
      }
      out.push({
        rule: istio,
        origin: originOf(route, m === undefined ? rulePath : `${rulePath}.matches[${j}]`, rulePath),
        key,
      })
    })
  })
  return out
}

/** Filters and destinations of one rule (rules 28-34). */
function baseRule(
  route: AnyRoute,
  index: number,
  filters: readonly HTTPRouteFilter[],
  backends: readonly BackendRef[],
  a: Attached,
  prefix: string | undefined,
): IstioHTTPRoute {
  const rule: IstioHTTPRoute = { name: `${route.metadata.namespace}.${route.metadata.name}.${index}` }
  const headers = headerOps(filters)
  if (headers !== undefined) {
    rule.headers = headers
  }
  const redirect = filters.find((f) => f.requestRedirect !== undefined)?.requestRedirect
  if (redirect !== undefined) {
    rule.redirect = { redirectCode: redirect.statusCode }
    if (redirect.scheme !== undefined) {
      rule.redirect.scheme = redirect.scheme
    }
    if (redirect.hostname !== undefined) {
      rule.redirect.authority = redirect.hostname
    }
    if (redirect.port !== undefined) {
      rule.redirect.port = redirect.port
    } else if (redirect.scheme === undefined) {
      rule.redirect.derivePort = 'FROM_REQUEST_PORT'
    }
    if (redirect.path?.type === 'ReplaceFullPath' && redirect.path.replaceFullPath !== undefined) {
      rule.redirect.uri = redirect.path.replaceFullPath
    } else if (redirect.path?.type === 'ReplacePrefixMatch' && redirect.path.replacePrefixMatch !== undefined) {
      rule.redirect.prefixRewrite = redirect.path.replacePrefixMatch
    }
    return rule
  }
  const rewrite = filters.find((f) => f.urlRewrite !== undefined)?.urlRewrite
  if (rewrite !== undefined) {
    rule.rewrite = {}
    if (rewrite.hostname !== undefined) {
      rule.rewrite.authority = rewrite.hostname
    }
    const p = rewrite.path
    if (p?.type === 'ReplaceFullPath' && p.replaceFullPath !== undefined) {
      rule.rewrite.uriRegexRewrite = { match: '/.*', rewrite: p.replaceFullPath }
    } else if (p?.type === 'ReplacePrefixMatch' && p.replacePrefixMatch !== undefined) {
      if (p.replacePrefixMatch === '/' && prefix !== undefined && prefix !== '/') {
        rule.rewrite.uriRegexRewrite = { match: `^${escapeRegex(trimSlash(prefix))}(/?)(.*)`, rewrite: '/\\2' }
      } else {
        rule.rewrite.uri = trimSlash(p.replacePrefixMatch)
      }
    }
  }
  const mirrors = mirrorsOf(filters, a.backend)
  if (mirrors.length > 0) {
    rule.other = { mirrors }
  }
  const dests: HTTPRouteDestination[] = []
  for (const b of backends) {
    if (b.weight === 0) {
      continue
    }
    const check = a.backend(b)
    const d: HTTPRouteDestination = {
      destination: { host: check.host, ...(b.port === undefined ? {} : { port: { number: b.port } }) },
      weight: b.weight,
    }
    const h = headerOps(b.filters)
    if (h !== undefined) {
      d.headers = h
    }
    dests.push(d)
  }
  if (dests.length === 0) {
    rule.directResponse = { status: 500 }
  } else {
    rule.route = dests
  }
  return rule
}

/** TCP and TLS listeners (rules 33, 36, 37). */
function l4VirtualServices(
  gw: GatewayInfo,
  li: ListenerInfo,
  attached: readonly Attached[],
): GeneratedVirtualService[] {
  const out: GeneratedVirtualService[] = []
  const passthrough = li.listener.protocol === 'TLS' && li.tls?.mode === 'PASSTHROUGH'
  for (const a of attached) {
    const route = a.route
    if (route.kind !== 'TCPRoute' && route.kind !== 'TLSRoute') {
      continue
    }
    const hosts = route.kind === 'TLSRoute' ? hostsOnListener(gw, li, route.spec.hostnames) : ['*']
    if (hosts.length === 0) {
      continue
    }
    const dests = l4Destinations(route, a)
    const name = `${gw.gateway.metadata.namespace}~${gw.gateway.metadata.name}${internalGatewayInfix}${li.listener.name}~${route.metadata.namespace}~${route.metadata.name}`
    const spec: VirtualService['spec'] = { hosts, gateways: [gatewayRef(gw, li)], http: [], tls: [], tcp: [] }
    const section = passthrough && route.kind === 'TLSRoute' ? 'tls' : 'tcp'
    if (section === 'tls') {
      spec.tls = [{ match: [{ sniHosts: hosts }], route: dests }]
    } else {
      spec.tcp = [{ route: dests }]
    }
    out.push({
      vs: virtualService(name, route, [a], spec),
      gateway: gw,
      listener: li,
      origins: new Map([[`spec.${section}[0]`, originOf(route, 'spec.rules[0]', 'spec.rules[0]')]]),
    })
  }
  return out
}

function l4Destinations(route: TCPRoute | TLSRoute, a: Attached): RouteDestination[] {
  const dests: RouteDestination[] = []
  for (const b of route.spec.rules[0]?.backendRefs ?? []) {
    if (b.weight === 0) {
      continue
    }
    const check = a.backend(b)
    dests.push({
      destination: { host: check.host, ...(b.port === undefined ? {} : { port: { number: b.port } }) },
      weight: b.weight,
    })
  }
  if (dests.length === 0) {
    return [{ destination: { host: 'internal.cluster.local', subset: 'zero-weight', port: { number: 65535 } } }]
  }
  return dests.length === 1 ? [{ destination: dests[0]!.destination }] : dests
}
