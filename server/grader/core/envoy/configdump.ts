// Reads an Envoy admin /config_dump (already parsed JSON) into typed routes, listener summaries and
// cluster names. Pure: no I/O. Sections other than routes, listeners and clusters are skipped.
import { ConfigDumpError, arrayField, expectObject, isObject, isTypeOf, typeUrl } from './configdump-json.ts'
import { readClustersSection, type ClusterEntry } from './configdump-clusters.ts'
import { readListenersSection, type ListenerEntry } from './configdump-listeners.ts'
import { readRoutesSection, type RouteConfigEntry } from './configdump-routes.ts'
import type { ListenerSummary, RouteConfiguration } from './types.ts'

export { ConfigDumpError } from './configdump-json.ts'
export type { ClusterEntry } from './configdump-clusters.ts'
export type { FilterChainDetail, ListenerEntry } from './configdump-listeners.ts'
export type { RouteConfigEntry } from './configdump-routes.ts'

/** What kindlab reads from one config dump. */
export interface ConfigDump {
  /** Dynamic then static route configs, in dump order within each (istioctl's collection order). */
  routeConfigs: RouteConfigEntry[]
  /** Dynamic listeners (active; only warming: `warming`; only refused: `rejected`), then static ones. */
  listeners: ListenerEntry[]
  /** Dynamic active clusters, then static ones. */
  clusters: ClusterEntry[]
  /** Which sections the dump had; a routes-only dump says nothing about listeners or clusters. */
  has: { routes: boolean; listeners: boolean; clusters: boolean }
}

/** The Envoy view in the shape of `kindlab simulate --json` (Envoy objects snake_case). */
export interface EnvoyView {
  listeners: ListenerSummary[]
  /** Dynamic (RDS) route configs by name; Envoy's own bootstrap configs are left out. */
  routeConfigs: Record<string, RouteConfiguration>
  /** Names of the clusters Envoy has, sorted. */
  clusters: string[]
  /** version_info of each dynamic route config, by name: it changes on every push from istiod. */
  routeConfigVersions: Record<string, string>
}

/**
 * Parses a config dump: `{configs: [...]}` where each entry has an `@type` such as
 * `type.googleapis.com/envoy.admin.v3.RoutesConfigDump`.
 * @throws ConfigDumpError when the value is not a config dump or a known section is malformed.
 * @example parseConfigDump(JSON.parse(await readFile('config_dump.json', 'utf8')))
 */
export function parseConfigDump(json: unknown): ConfigDump {
  if (!isObject(json) || !Array.isArray(json['configs'])) {
    throw new ConfigDumpError('', 'this is not an Envoy config dump (no "configs" array at the top level)')
  }
  const dump: ConfigDump = {
    routeConfigs: [],
    listeners: [],
    clusters: [],
    has: { routes: false, listeners: false, clusters: false },
  }
  arrayField(json, 'configs', '').forEach((raw, i) => {
    const path = `configs[${i}]`
    const section = expectObject(raw, path)
    const type = typeUrl(section)
    if (isTypeOf(type, 'RoutesConfigDump')) {
      dump.has.routes = true
      dump.routeConfigs.push(...readRoutesSection(section, path))
    } else if (isTypeOf(type, 'ListenersConfigDump')) {
      dump.has.listeners = true
      dump.listeners.push(...readListenersSection(section, path))
    } else if (isTypeOf(type, 'ClustersConfigDump')) {
      dump.has.clusters = true
      dump.clusters.push(...readClustersSection(section, path))
    } else if (type === undefined) {
      throw new ConfigDumpError(path, 'a config dump section has no "@type"')
    }
  })
  if (!dump.has.routes && !dump.has.listeners && !dump.has.clusters) {
    throw new ConfigDumpError('configs', 'the dump has no routes, listeners or clusters section')
  }
  return dump
}

/** The dump's dynamic, Istio-generated config in the CLI's JSON contract shape. */
export function toEnvoyView(dump: ConfigDump): EnvoyView {
  const routeConfigs: Record<string, RouteConfiguration> = {}
  const routeConfigVersions: Record<string, string> = {}
  for (const entry of dump.routeConfigs) {
    if (entry.source === 'dynamic') {
      routeConfigs[entry.config.name] = entry.config
      if (entry.versionInfo !== undefined) {
        routeConfigVersions[entry.config.name] = entry.versionInfo
      }
    }
  }
  // A warming listener is config istiod sent and Envoy holds (it serves nothing until it is active).
  return {
    listeners: dump.listeners.filter((l) => l.source === 'dynamic').map((l) => l.listener),
    routeConfigs,
    clusters: [...new Set(dump.clusters.map((c) => c.name))].sort(),
    routeConfigVersions,
  }
}

/** version_info of each dynamic route config, by name (what the live grader polls). */
export function routeConfigVersions(dump: ConfigDump): Map<string, string> {
  return new Map(toEntries(dump.routeConfigs))
}

function toEntries(entries: readonly RouteConfigEntry[]): Array<[string, string]> {
  return entries.flatMap((e) =>
    e.source === 'dynamic' && e.versionInfo !== undefined ? [[e.config.name, e.versionInfo] as [string, string]] : [],
  )
}
