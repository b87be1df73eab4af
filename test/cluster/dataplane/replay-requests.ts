// Requests that exercise a config with no request table of its own (the istiod scenarios): for each
// VirtualService bound to a Gateway, every host it names (a wildcard filled in) on every port of the
// Gateways it is bound to, at `/` and at each path its rules match; TCP rules get a raw connection;
// plus one host nobody serves. Test code only.
import type { KubernetesObject } from '@kubernetes/client-node'
import type { SimRequest } from '../../../server/grader/core/simulate/request.ts'

type Json = Record<string, unknown>
const asJson = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {})
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** `*` → any.example.com, `*.x` → any.x, `ns/host` → host. */
const concrete = (host: string): string => {
  const bare = host.replace(/^.*\//, '')
  return bare === '*' ? 'any.example.com' : bare.replace(/^\*\./, 'any.')
}

/** Paths a rule's matches name (prefix, exact; regexes are skipped), always with `/`. */
function pathsOf(rules: unknown[]): string[] {
  const paths = new Set(['/'])
  for (const rule of rules) {
    for (const m of list(asJson(rule)['match'])) {
      const uri = asJson(asJson(m)['uri'])
      for (const k of ['prefix', 'exact']) {
        if (typeof uri[k] === 'string') {
          paths.add(uri[k])
        }
      }
    }
  }
  return [...paths]
}

export function requestsFor(objects: readonly KubernetesObject[]): SimRequest[] {
  const gateways = objects.filter((o) => o.kind === 'Gateway')
  const out: SimRequest[] = []
  const seen = new Set<string>()
  const push = (r: SimRequest): void => {
    const k = JSON.stringify(r)
    if (!seen.has(k)) {
      seen.add(k)
      out.push(r)
    }
  }
  for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
    const spec = asJson(asJson(vs)['spec'])
    const ns = vs.metadata?.namespace ?? 'default'
    const bound = gateways.filter((g) =>
      list(spec['gateways']).some(
        (ref) => ref === g.metadata?.name || ref === `${g.metadata?.namespace}/${g.metadata?.name}`,
      ),
    )
    // An unbound VirtualService still gets its requests, on the ports of the Gateways of its namespace.
    const candidates = bound.length > 0 ? bound : gateways.filter((g) => g.metadata?.namespace === ns)
    const servers = candidates.flatMap((g) => list(asJson(asJson(g)['spec'])['servers']).map(asJson))
    for (const server of servers) {
      const port = Number(asJson(server['port'])['number'])
      const declared = asJson(server['port'])['protocol']
      const protocol = typeof declared === 'string' ? declared.toUpperCase() : 'HTTP'
      if (protocol === 'TCP') {
        push({ port, protocol: 'tcp' })
        continue
      }
      const tls = protocol === 'HTTPS'
      for (const host of list(spec['hosts']).map(String)) {
        for (const path of pathsOf(list(spec['http']))) {
          push({ port, host: concrete(host), path, ...(tls ? { tls: true } : {}) })
        }
      }
      push({ port, host: 'nobody-serves.example.org', ...(tls ? { tls: true } : {}) })
    }
  }
  return out
}
