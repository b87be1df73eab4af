// Envoy's virtual-host selection: exact domain, then the longest suffix wildcard, then the
// longest prefix wildcard, then `*`; case-insensitive, port ignored (spec rule 37.3). Domains are
// indexed once per route configuration so each lookup is O(labels). Pure.
import type { RouteConfiguration, VirtualHost } from '../envoy/types.ts'
import { hostWithoutPort } from './request.ts'

interface DomainIndex {
  exact: Map<string, VirtualHost>
  /** `*.foo.com` / `*foo.com`, longest first. */
  suffix: Array<{ suffix: string; vhost: VirtualHost }>
  /** `foo.*`, longest first. */
  prefix: Array<{ prefix: string; vhost: VirtualHost }>
  any?: VirtualHost
}

const cache = new WeakMap<RouteConfiguration, DomainIndex>()

function indexOf(rc: RouteConfiguration): DomainIndex {
  const hit = cache.get(rc)
  if (hit !== undefined) {
    return hit
  }
  const idx: DomainIndex = { exact: new Map(), suffix: [], prefix: [] }
  for (const vh of rc.virtual_hosts) {
    for (const raw of vh.domains) {
      const d = raw.toLowerCase()
      if (d === '*') {
        idx.any ??= vh
      } else if (d.startsWith('*')) {
        idx.suffix.push({ suffix: d.slice(1), vhost: vh })
      } else if (d.endsWith('*')) {
        idx.prefix.push({ prefix: d.slice(0, -1), vhost: vh })
      } else if (!idx.exact.has(d)) {
        idx.exact.set(d, vh)
      }
    }
  }
  idx.suffix.sort((a, b) => b.suffix.length - a.suffix.length)
  idx.prefix.sort((a, b) => b.prefix.length - a.prefix.length)
  cache.set(rc, idx)
  return idx
}

/** The vhost Envoy picks for a Host header, or undefined (404). */
export function matchVirtualHost(rc: RouteConfiguration, hostHeader: string): VirtualHost | undefined {
  const host = (rc.ignore_port_in_host_matching === true ? hostWithoutPort(hostHeader) : hostHeader).toLowerCase()
  const idx = indexOf(rc)
  const exact = idx.exact.get(host)
  if (exact !== undefined) {
    return exact
  }
  for (const s of idx.suffix) {
    if (host.length > s.suffix.length && host.endsWith(s.suffix)) {
      return s.vhost
    }
  }
  for (const p of idx.prefix) {
    if (host.length > p.prefix.length && host.startsWith(p.prefix)) {
      return p.vhost
    }
  }
  return idx.any
}
