// Renders route configs as `istioctl proxy-config routes` prints them (NAME, VHOST NAME, DOMAINS,
// MATCH, VIRTUAL SERVICE), same row order and padding. Pure: returns the text, prints nothing.
import { describeManagement, describeMatch, describeRouteDomains, isPassthroughRoute } from './route-describe.ts'
import { formatTable } from './tabwriter.ts'
import type { RouteConfiguration } from './types.ts'

const HEADER = ['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']

/**
 * The routes table for route configs in istioctl's collection order (dynamic, then static; see
 * `ConfigDump.routeConfigs`). One row per route (PassthroughCluster routes are skipped), and a
 * `/*` → `404` row for a virtual host without routes.
 * @example renderRoutesTable(parseConfigDump(json).routeConfigs.map((e) => e.config))
 */
export function renderRoutesTable(configs: readonly RouteConfiguration[]): string {
  const rows: string[][] = [HEADER]
  for (const config of sortLikeIstioctl(configs)) {
    for (const vhost of config.virtual_hosts) {
      const domains = describeRouteDomains(vhost.domains)
      for (const route of vhost.routes) {
        if (!isPassthroughRoute(route)) {
          rows.push([config.name, vhost.name, domains, describeMatch(route.match), describeManagement(route)])
        }
      }
      if (vhost.routes.length === 0) {
        rows.push([config.name, vhost.name, domains, '/*', '404'])
      }
    }
  }
  return formatTable(rows, { padding: 5 })
}

/**
 * istioctl sorts with `sort.Slice` and a "less" that is true only when both names are integers
 * (sidecar route configs such as `8080`) and the first is smaller. Go sorts up to 12 elements by
 * insertion sort, which this reproduces: named gateway configs keep their dump order.
 */
export function sortLikeIstioctl(configs: readonly RouteConfiguration[]): RouteConfiguration[] {
  const out = [...configs]
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && numericLess(out[j], out[j - 1]); j--) {
      const tmp = out[j] as RouteConfiguration
      out[j] = out[j - 1] as RouteConfiguration
      out[j - 1] = tmp
    }
  }
  return out
}

function numericLess(a: RouteConfiguration | undefined, b: RouteConfiguration | undefined): boolean {
  const x = asInteger(a?.name)
  const y = asInteger(b?.name)
  return x !== undefined && y !== undefined && x < y
}

/** Go's strconv.Atoi: optional sign and decimal digits only. */
function asInteger(name: string | undefined): number | undefined {
  return name !== undefined && /^[+-]?\d+$/.test(name) ? Number(name) : undefined
}
