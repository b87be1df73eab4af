// Resolves VirtualServices as istiod's VirtualService controller does: short host names to FQDNs,
// gateway references to `ns/name`, delegate rules merged into their roots (spec rules 12, 15, 32).
// Keeps, for every rule, where it was written. Pure.
import { resolveShortName } from '../hosts.ts'
import type { HTTPMatchRequest, HTTPRoute, TCPRoute, TLSRoute, VirtualService } from '../model/index.ts'
import { mergeDelegateRule } from './delegate.ts'
import { resolveMirrorHosts } from './mirror.ts'
import { compareByCreation } from './order.ts'
import { isVisibleTo, normalizeExportTo } from './services.ts'

/** An http rule ready for translation, with its origin. */
export interface ResolvedRule {
  rule: HTTPRoute
  /** The VirtualService the rule is written in (the delegate, for delegated rules). */
  vs: VirtualService
  /** `spec.http[i]` inside `vs`. */
  path: string
  /** For delegated rules: the root VirtualService's rule that delegated. */
  root?: { vs: VirtualService; path: string }
}

export interface ResolvedVirtualService {
  vs: VirtualService
  /** `ns/name`. */
  key: string
  hosts: string[]
  /** Resolved gateway references; `['mesh']` when the field is absent. */
  gateways: string[]
  http: ResolvedRule[]
  tls: TLSRoute[]
  tcp: TCPRoute[]
  exportTo: string[]
  /** Root rules whose delegate was missing or not exported (rule 32). */
  droppedDelegates: Array<{ path: string; reason: string }>
}

/** istio resolveGatewayName: `name`/`./name` → `vsns/name`; legacy `name.ns[...]` → `ns/name`. */
export function resolveGatewayName(ref: string, namespace: string): string {
  if (ref === 'mesh') {
    return ref
  }
  const slash = ref.indexOf('/')
  if (slash >= 0) {
    return ref.slice(0, slash) === '.' ? `${namespace}/${ref.slice(slash + 1)}` : ref
  }
  const dot = ref.indexOf('.')
  if (dot < 0) {
    return `${namespace}/${ref}`
  }
  const rest = ref.slice(dot + 1)
  const next = rest.indexOf('.')
  return `${next < 0 ? rest : rest.slice(0, next)}/${ref.slice(0, dot)}`
}

/** Resolves every VirtualService with hosts, merging delegates; sorted by creation time. */
export function resolveVirtualServices(all: readonly VirtualService[], domainSuffix: string): ResolvedVirtualService[] {
  const delegates = new Map<string, VirtualService>()
  for (const vs of all) {
    if (vs.spec.hosts.length === 0) {
      delegates.set(`${vs.metadata.namespace}/${vs.metadata.name}`, vs)
    }
  }
  return all
    .filter((vs) => vs.spec.hosts.length > 0)
    .sort(compareByCreation)
    .map((vs) => resolveOne(vs, delegates, domainSuffix))
}

function resolveOne(
  vs: VirtualService,
  delegates: Map<string, VirtualService>,
  suffix: string,
): ResolvedVirtualService {
  const ns = vs.metadata.namespace
  const out: ResolvedVirtualService = {
    vs,
    key: `${ns}/${vs.metadata.name}`,
    hosts: vs.spec.hosts.map((h) => resolveShortName(h, ns, suffix)),
    gateways: (vs.spec.gateways ?? ['mesh']).map((g) => resolveGatewayName(g, ns)),
    http: [],
    tls: vs.spec.tls.map((t) => ({
      match: t.match.map((m) => withGateways(m, ns)),
      route: t.route.map((d) => resolveDest(d, ns, suffix)),
    })),
    tcp: vs.spec.tcp.map((t) => resolveTCP(t, ns, suffix)),
    exportTo: normalizeExportTo(vs.spec.exportTo, ns),
    droppedDelegates: [],
  }
  vs.spec.http.forEach((rule, i) => {
    const path = `spec.http[${i}]`
    if (rule.delegate === undefined) {
      out.http.push({ rule: resolveRule(rule, ns, suffix), vs, path })
      return
    }
    const dns = rule.delegate.namespace ?? ns
    const delegate = delegates.get(`${dns}/${rule.delegate.name}`)
    if (delegate === undefined) {
      out.droppedDelegates.push({
        path,
        reason: `delegate VirtualService ${dns}/${rule.delegate.name} does not exist (or has hosts, so it is not a delegate)`,
      })
      return
    }
    if (!isVisibleTo(normalizeExportTo(delegate.spec.exportTo, dns), ns)) {
      out.droppedDelegates.push({
        path,
        reason: `delegate VirtualService ${dns}/${rule.delegate.name} is not exported to namespace ${ns}`,
      })
      return
    }
    const root = resolveRule(rule, ns, suffix)
    delegate.spec.http.forEach((child, j) => {
      const merged = mergeDelegateRule(root, resolveRule(child, dns, suffix))
      if (merged !== undefined) {
        out.http.push({ rule: merged, vs: delegate, path: `spec.http[${j}]`, root: { vs, path } })
      }
    })
  })
  return out
}

/** The match with its gateway names resolved in `ns`; the same object when it names none. */
function withGateways<M extends { gateways?: string[] }>(m: M, ns: string): M {
  return m.gateways === undefined ? m : { ...m, gateways: m.gateways.map((g) => resolveGatewayName(g, ns)) }
}

/** The destination with its host resolved in `ns`; the same object when the host is already full. */
function resolveDest<T extends { destination: { host: string } }>(d: T, ns: string, suffix: string): T {
  const host = resolveShortName(d.destination.host, ns, suffix)
  return host === d.destination.host ? d : { ...d, destination: { ...d.destination, host } }
}

function resolveTCP(t: TCPRoute, ns: string, suffix: string): TCPRoute {
  const out: TCPRoute = { route: t.route.map((d) => resolveDest(d, ns, suffix)) }
  if (t.match !== undefined) {
    out.match = t.match.map((m) => withGateways(m, ns))
  }
  return out
}

/** A copy of an http rule with match gateways and destination hosts resolved in `ns`. */
function resolveRule(rule: HTTPRoute, ns: string, suffix: string): HTTPRoute {
  const out: HTTPRoute = { ...rule }
  if (rule.match !== undefined) {
    out.match = rule.match.map((m): HTTPMatchRequest => withGateways(m, ns))
  }
  if (rule.route !== undefined) {
    out.route = rule.route.map((d) => resolveDest(d, ns, suffix))
  }
  const other = resolveMirrorHosts(rule.other, ns, suffix)
  if (other !== undefined) {
    out.other = other
  }
  return out
}
