// Finds the Service or ServiceEntry a VirtualService destination host refers to, with the
// visibility rules of istioctl's analyzers (analyzers/util/service_lookup.go): exportTo of
// ServiceEntries, the networking.istio.io/exportTo annotation of Services. Pure.
import type { ResourceModel, Service, ServiceEntry } from '../core/model/index.ts'

const CLUSTER_SUFFIX = 'svc.cluster.local'
const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo'

/** A host that exists, with its ports and the object that declares it. */
export interface KnownHost {
  ports: number[]
  owner: Service | ServiceEntry
}

/** Host index keyed by `<scope>/<fqdn>`, where scope is `*` or the namespace that may see it. */
export type HostIndex = Map<string, KnownHost>

/** `reviews` in `default` → `reviews.default.svc.cluster.local`; wildcards and dotted names stay. */
export function toFQDN(namespace: string, host: string): string {
  return host.startsWith('*') || host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_SUFFIX}`
}

/** Indexes ServiceEntry hosts (per exportTo) and Services (per exportTo annotation). */
export function buildHostIndex(model: Pick<ResourceModel, 'serviceEntries' | 'services'>): HostIndex {
  const index: HostIndex = new Map()
  for (const se of model.serviceEntries) {
    const known: KnownHost = { ports: se.spec.ports.map((p) => p.number), owner: se }
    const exportTo = se.spec.exportTo ?? []
    for (const host of se.spec.hosts) {
      const fqdn = toFQDN(se.metadata.namespace, host)
      for (const scope of serviceEntryScopes(exportTo, se.metadata.namespace)) {
        index.set(`${scope}/${fqdn}`, known)
      }
    }
  }
  for (const svc of model.services) {
    const known: KnownHost = { ports: svc.spec.ports.map((p) => p.port), owner: svc }
    const fqdn = toFQDN(svc.metadata.namespace, svc.metadata.name)
    for (const scope of serviceScopes(svc)) {
      index.set(`${scope}/${fqdn}`, known)
    }
  }
  return index
}

/** Scopes of a ServiceEntry: `*` when exported to all (or no exportTo), else the listed namespaces. */
function serviceEntryScopes(exportTo: readonly string[], namespace: string): string[] {
  if (exportTo.length === 0) {
    return ['*']
  }
  const scopes: string[] = []
  for (const entry of exportTo) {
    scopes.push(entry === '.' ? namespace : entry)
    if (entry === '*') {
      break
    }
  }
  return scopes
}

function serviceScopes(svc: Service): string[] {
  const annotation = svc.metadata.annotations[EXPORT_TO_ANNOTATION] ?? ''
  if (annotation === '') {
    return ['*']
  }
  return annotation.split(',').map((ns) => {
    const trimmed = ns.trim()
    return trimmed === '.' ? svc.metadata.namespace : trimmed
  })
}

/**
 * The host a destination in namespace `vsNamespace` reaches: exported to all, then scoped by the
 * VirtualService's exportTo (its own namespace when empty), then wildcard ServiceEntry hosts.
 */
export function findDestinationHost(
  index: HostIndex,
  vsNamespace: string,
  vsExportTo: readonly string[],
  host: string,
): KnownHost | undefined {
  const fqdn = toFQDN(vsNamespace, host)
  const exported = index.get(`*/${fqdn}`)
  if (exported !== undefined) {
    return exported
  }
  if (vsExportTo.length === 0) {
    const own = index.get(`${vsNamespace}/${fqdn}`)
    if (own !== undefined) {
      return own
    }
  }
  for (const e of vsExportTo) {
    const known = index.get(`${e === '.' ? vsNamespace : e}/${fqdn}`)
    if (known !== undefined) {
      return known
    }
  }
  const bare = host.startsWith('*') ? host.slice(1) : host
  for (const [key, known] of index) {
    const slash = key.indexOf('/')
    const scope = key.slice(0, slash)
    const seHost = key.slice(slash + 1)
    if (seHost.startsWith('*') && (scope === '*' || scope === vsNamespace) && bare.endsWith(seHost.slice(1))) {
      return known
    }
  }
  return undefined
}

/** `Service default/reviews` or `ServiceEntry default/external`, for messages. */
export function describeOwner(known: KnownHost): string {
  return `${known.owner.kind} ${known.owner.metadata.namespace}/${known.owner.metadata.name}`
}
