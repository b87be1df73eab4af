// The service registry istiod sees: Kubernetes Services and ServiceEntry hosts by FQDN, their
// visibility to the gateway (exportTo), DestinationRule subsets, and which Envoy clusters exist
// (spec §1.7, §26). Pure; built once per translation and indexed by host.
import { hostsMatch, isWildcard, resolveShortName } from '../hosts.ts'
import type { ResourceModel, Service, ServiceEntry } from '../model/index.ts'
import type { GatewayEnvironment } from './env.ts'

/** One service as the registry holds it (a Kubernetes Service, or one host of a ServiceEntry). */
export interface RegistryService {
  hostname: string
  namespace: string
  ports: Array<{ name?: string; port: number; protocol: string }>
  exportTo: string[]
  resource: Service | ServiceEntry
}

const exportToAnnotation = 'networking.istio.io/exportTo'

/** Services indexed by hostname, with visibility and cluster existence for one gateway. */
export class ServiceRegistry {
  private readonly byHost = new Map<string, RegistryService[]>()
  private readonly subsets = new Map<string, Set<string>>()
  private readonly wildcardSubsets: Array<{ host: string; names: Set<string> }> = []
  private readonly proxyNamespace: string

  constructor(model: ResourceModel, env: GatewayEnvironment) {
    this.proxyNamespace = env.pod.namespace
    for (const svc of model.services) {
      this.add(fromService(svc, env.domainSuffix))
    }
    for (const se of model.serviceEntries) {
      for (const host of se.spec.hosts) {
        this.add(fromServiceEntry(se, host))
      }
    }
    for (const dr of model.destinationRules) {
      const exportTo = normalizeExportTo(dr.spec.exportTo, dr.metadata.namespace)
      if (!isVisibleTo(exportTo, this.proxyNamespace)) {
        continue
      }
      const host = resolveShortName(dr.spec.host, dr.metadata.namespace, env.domainSuffix)
      const names = new Set(dr.spec.subsets.map((s) => s.name))
      if (isWildcard(host)) {
        this.wildcardSubsets.push({ host, names })
      } else {
        this.subsets.set(host, new Set([...(this.subsets.get(host) ?? []), ...names]))
      }
    }
  }

  private add(s: RegistryService): void {
    const list = this.byHost.get(s.hostname)
    if (list === undefined) {
      this.byHost.set(s.hostname, [s])
    } else {
      list.push(s)
    }
  }

  /** True when the service is exported to the gateway's namespace. */
  isVisible(s: RegistryService): boolean {
    return isVisibleTo(s.exportTo, this.proxyNamespace)
  }

  /** Every service with this hostname, visible or not. */
  all(hostname: string): RegistryService[] {
    return this.byHost.get(hostname) ?? []
  }

  /**
   * The service a destination host resolves to: the one in `preferNamespace` when visible, else
   * the first visible one (istio buildNameToServiceMapForHTTPRoutes).
   */
  lookup(hostname: string, preferNamespace?: string): RegistryService | undefined {
    const list = this.byHost.get(hostname)
    if (list === undefined) {
      return undefined
    }
    let firstVisible: RegistryService | undefined
    for (const s of list) {
      if (this.isVisible(s)) {
        if (s.namespace === preferNamespace) {
          return s
        }
        firstVisible ??= s
      }
    }
    return firstVisible
  }

  /** Subset names a visible DestinationRule defines for `hostname`. */
  subsetsFor(hostname: string): Set<string> {
    const exact = this.subsets.get(hostname)
    if (exact !== undefined) {
      return exact
    }
    const wild = this.wildcardSubsets.find((w) => hostsMatch(w.host, hostname))
    return wild?.names ?? new Set()
  }

  /** True when Envoy has the cluster `outbound|port|subset|host` (spec §1.7). */
  clusterExists(clusterName: string): boolean {
    const parsed = parseClusterName(clusterName)
    if (parsed === undefined) {
      return false
    }
    const svc = this.lookup(parsed.host)
    if (svc === undefined || !svc.ports.some((p) => p.port === parsed.port && p.protocol !== 'UDP')) {
      return false
    }
    return parsed.subset === '' || this.subsetsFor(parsed.host).has(parsed.subset)
  }

  /** Every cluster name the gateway's Envoy would have, sorted. */
  clusterNames(): string[] {
    const out = new Set<string>()
    for (const [host, list] of this.byHost) {
      const svc = list.find((s) => this.isVisible(s))
      if (svc === undefined) {
        continue
      }
      for (const p of svc.ports) {
        if (p.protocol === 'UDP') {
          continue
        }
        out.add(`outbound|${p.port}||${host}`)
        for (const subset of this.subsetsFor(host)) {
          out.add(`outbound|${p.port}|${subset}|${host}`)
        }
      }
    }
    return [...out].sort()
  }
}

/** `outbound|80|v1|reviews.default.svc.cluster.local` → its parts. */
export function parseClusterName(name: string): { port: number; subset: string; host: string } | undefined {
  const parts = name.split('|')
  if (parts.length !== 4 || parts[0] !== 'outbound') {
    return undefined
  }
  const port = Number(parts[1])
  if (!Number.isInteger(port)) {
    return undefined
  }
  return { port, subset: parts[2] ?? '', host: parts[3] ?? '' }
}

/** exportTo with `.` replaced by the namespace; absent means `*`. */
export function normalizeExportTo(exportTo: readonly string[] | undefined, namespace: string): string[] {
  if (exportTo === undefined || exportTo.length === 0) {
    return ['*']
  }
  return exportTo.map((e) => (e === '.' ? namespace : e))
}

/** True when a normalized exportTo list makes the object visible in `namespace`. */
export function isVisibleTo(exportTo: readonly string[], namespace: string): boolean {
  return exportTo.includes('*') || exportTo.includes(namespace)
}

function fromService(svc: Service, domainSuffix: string): RegistryService {
  const annotation = svc.metadata.annotations[exportToAnnotation]
  const exportTo =
    annotation === undefined
      ? undefined
      : annotation
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
  return {
    hostname: `${svc.metadata.name}.${svc.metadata.namespace}.svc.${domainSuffix}`,
    namespace: svc.metadata.namespace,
    ports: svc.spec.ports.map((p) =>
      p.name === undefined
        ? { port: p.port, protocol: p.protocol }
        : { name: p.name, port: p.port, protocol: p.protocol },
    ),
    exportTo: normalizeExportTo(exportTo, svc.metadata.namespace),
    resource: svc,
  }
}

function fromServiceEntry(se: ServiceEntry, host: string): RegistryService {
  return {
    hostname: host,
    namespace: se.metadata.namespace,
    ports: se.spec.ports.map((p) => ({
      ...(p.name === undefined ? {} : { name: p.name }),
      port: p.number,
      protocol: (p.protocol ?? 'TCP').toUpperCase(),
    })),
    exportTo: normalizeExportTo(se.spec.exportTo, se.metadata.namespace),
    resource: se,
  }
}
