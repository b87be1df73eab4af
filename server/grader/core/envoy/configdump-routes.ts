// Reads the RoutesConfigDump section of an Envoy /config_dump into typed route configurations.
// Pure: takes parsed JSON; checks the shape the grader relies on and keeps every other field as is.
import {
  ConfigDumpError,
  arrayField,
  expectObject,
  objectField,
  stringArrayField,
  stringField,
  withoutTypeUrl,
  type JsonObject,
} from './configdump-json.ts'
import type { Route, RouteConfiguration, VirtualHost } from './types.ts'

/** One route configuration as Envoy holds it, with where it came from. */
export interface RouteConfigEntry {
  /** `static` from the bootstrap (no name on an Istio proxy), `dynamic` from RDS. */
  source: 'static' | 'dynamic'
  /** The xDS version of a dynamic config; it changes on every push, so the grader polls it. */
  versionInfo?: string
  lastUpdated?: string
  config: RouteConfiguration
}

/**
 * Reads dynamic then static route configs of one RoutesConfigDump (the order istioctl collects
 * them in), keeping dump order within each.
 */
export function readRoutesSection(section: JsonObject, path: string): RouteConfigEntry[] {
  const entries: RouteConfigEntry[] = []
  for (const source of ['dynamic', 'static'] as const) {
    const key = `${source}_route_configs`
    arrayField(section, key, path).forEach((raw, i) => {
      const entryPath = `${path}.${key}[${i}]`
      const entry = expectObject(raw, entryPath)
      const routeConfig = objectField(entry, 'route_config', entryPath)
      if (routeConfig === undefined) {
        return // Envoy lists a requested but not yet received config without route_config.
      }
      const versionInfo = stringField(entry, 'version_info', entryPath)
      const lastUpdated = stringField(entry, 'last_updated', entryPath)
      entries.push({
        source,
        ...(versionInfo === undefined ? {} : { versionInfo }),
        ...(lastUpdated === undefined ? {} : { lastUpdated }),
        config: readRouteConfiguration(routeConfig, `${entryPath}.route_config`),
      })
    })
  }
  return entries
}

/** Checks and types one RouteConfiguration (also used for inline HCM route configs). */
export function readRouteConfiguration(raw: JsonObject, path: string): RouteConfiguration {
  const name = stringField(raw, 'name', path) ?? ''
  const virtualHosts = arrayField(raw, 'virtual_hosts', path).map((vh, i) =>
    readVirtualHost(expectObject(vh, `${path}.virtual_hosts[${i}]`), `${path}.virtual_hosts[${i}]`),
  )
  return { ...(withoutTypeUrl(raw) as Partial<RouteConfiguration>), name, virtual_hosts: virtualHosts }
}

function readVirtualHost(raw: JsonObject, path: string): VirtualHost {
  const name = stringField(raw, 'name', path)
  if (name === undefined) {
    throw new ConfigDumpError(path, 'a virtual host has no name')
  }
  const domains = stringArrayField(raw, 'domains', path)
  const routes = arrayField(raw, 'routes', path).map((r, i) =>
    readRoute(expectObject(r, `${path}.routes[${i}]`), `${path}.routes[${i}]`),
  )
  return { ...(raw as Partial<VirtualHost>), name, domains, routes }
}

function readRoute(raw: JsonObject, path: string): Route {
  const match = objectField(raw, 'match', path)
  if (match === undefined) {
    throw new ConfigDumpError(path, 'a route has no match')
  }
  for (const action of ['route', 'redirect', 'direct_response'] as const) {
    objectField(raw, action, path)
  }
  return { ...raw, match }
}
