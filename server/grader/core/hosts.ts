// Istio host-name semantics: wildcard matching, subset, intersection, short-name expansion and
// namespace-scoped Gateway server hosts (`ns/host`, `./host`, `*/host`). Pure string functions,
// mirroring istio pkg/config/host; never lowercases or validates on its own.

/** True for a wildcarded host (`*` or `*.suffix`). */
export function isWildcard(host: string): boolean {
  return host.length > 0 && host.charCodeAt(0) === 42 /* '*' */
}

/**
 * True when the two hosts overlap in either direction: equal concrete names, or one is a
 * wildcard covering the other (`*.com` ~ `foo.com`, `*` ~ anything, `*.com` ~ `*.foo.com`).
 */
export function hostsMatch(a: string, b: string): boolean {
  const aw = isWildcard(a)
  const bw = isWildcard(b)
  if (aw && bw) {
    return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1))
  }
  if (aw) {
    return b.endsWith(a.slice(1))
  }
  if (bw) {
    return a.endsWith(b.slice(1))
  }
  return a === b
}

/** True when every name `a` covers is also covered by `b` (`a` ⊆ `b`). */
export function isSubsetOf(a: string, b: string): boolean {
  const aw = isWildcard(a)
  const bw = isWildcard(b)
  if (aw) {
    if (!bw) {
      return false
    }
    return a.length >= b.length && a.slice(1).endsWith(b.slice(1))
  }
  if (bw) {
    return a.endsWith(b.slice(1))
  }
  return a === b
}

/**
 * Istio's Names.Intersection: for every pair, the narrower host when one contains the other.
 * Keeps first-seen order and drops duplicates.
 */
export function intersectHosts(hosts: readonly string[], other: readonly string[]): string[] {
  const out: string[] = []
  for (const h of hosts) {
    for (const o of other) {
      const pick = isSubsetOf(h, o) ? h : isSubsetOf(o, h) ? o : undefined
      if (pick !== undefined && !out.includes(pick)) {
        out.push(pick)
      }
    }
  }
  return out
}

/** A Gateway server host split into its namespace scope and DNS part. */
export interface ScopedHost {
  /** `*` (any namespace), `.` (the Gateway's own namespace) or a namespace name. */
  namespace: string
  host: string
}

/** Splits `ns/host`, `./host`, `*\/host` or a plain `host` (which means any namespace). */
export function splitServerHost(serverHost: string): ScopedHost {
  const slash = serverHost.indexOf('/')
  if (slash < 0) {
    return { namespace: '*', host: serverHost }
  }
  return { namespace: serverHost.slice(0, slash), host: serverHost.slice(slash + 1) }
}

/**
 * The server hosts a VirtualService in `vsNamespace` may attach to (namespace prefix stripped).
 * `./host` belongs to `gatewayNamespace`; `*\/host` and plain hosts to every namespace.
 */
export function serverHostsForNamespace(
  serverHosts: readonly string[],
  vsNamespace: string,
  gatewayNamespace: string,
): string[] {
  const out: string[] = []
  for (const sh of serverHosts) {
    const { namespace, host } = splitServerHost(sh)
    const ns = namespace === '.' ? gatewayNamespace : namespace
    if (ns === '*' || ns === vsNamespace) {
      out.push(host)
    }
  }
  return out
}

/** Server hosts with any namespace prefix removed (used for SNI and vhost domains). */
export function stripNamespaces(serverHosts: readonly string[]): string[] {
  return serverHosts.map((h) => splitServerHost(h).host)
}

/** True when `s` looks like an IPv4 or IPv6 address. */
export function isIPAddress(s: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s)) {
    return true
  }
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && (s.match(/::/g)?.length ?? 0) <= 1
}

/**
 * Expands a short name to its FQDN (`reviews` in `ns` → `reviews.ns.svc.cluster.local`).
 * `*`, wildcards, IP addresses and dotted names are left alone (spec §15).
 */
export function resolveShortName(host: string, namespace: string, domainSuffix = 'cluster.local'): string {
  if (host === '' || host.includes('.') || isWildcard(host) || isIPAddress(host)) {
    return host
  }
  return `${host}.${namespace}.svc.${domainSuffix}`
}

/**
 * Istio's MoreSpecific ordering: concrete names before wildcards, longer before shorter, then
 * byte order. Usable as a sort comparator.
 */
export function compareSpecificity(a: string, b: string): number {
  const aw = isWildcard(a)
  const bw = isWildcard(b)
  if (aw !== bw) {
    return aw ? 1 : -1
  }
  if (a.length !== b.length) {
    return b.length - a.length
  }
  return a < b ? -1 : a > b ? 1 : 0
}
