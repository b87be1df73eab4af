// Renders clusters as `istioctl proxy-config clusters` prints them (SERVICE FQDN, PORT, SUBSET,
// DIRECTION, TYPE, DESTINATION RULE). Pure: returns the text, prints nothing.
import type { ClusterEntry } from './configdump-clusters.ts'
import { describeConfigPath } from './route-describe.ts'
import { formatTable } from './tabwriter.ts'

const HEADER = ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']

/** The parts of an Istio cluster name `direction|port|subset|fqdn`. */
export interface ClusterKey {
  direction: string
  port: number
  subset: string
  host: string
}

/**
 * Splits `outbound|8000||httpbin.default.svc.cluster.local`. Names with fewer than four parts
 * (`BlackHoleCluster`, `agent`) give the whole name as host and port 0, as istioctl sorts them.
 */
export function parseClusterName(name: string): ClusterKey & { isSubsetKey: boolean } {
  const parts = name.split('|')
  if (parts.length <= 3) {
    return { direction: '', port: 0, subset: '', host: name, isSubsetKey: false }
  }
  const [direction = '', port = '', subset = '', ...host] = parts
  const portNumber = /^[+-]?\d+$/.test(port) ? Number(port) : 0
  return { direction, port: portNumber, subset, host: host.join('|'), isSubsetKey: true }
}

/** The clusters table, sorted by host, subset, port and direction like istioctl. */
export function renderClustersTable(clusters: readonly ClusterEntry[]): string {
  const keyed = clusters.map((c) => ({ cluster: c, key: parseClusterName(c.name) }))
  keyed.sort(
    (a, b) =>
      compare(a.key.host, b.key.host) ||
      compare(a.key.subset, b.key.subset) ||
      a.key.port - b.key.port ||
      compare(a.key.direction, b.key.direction),
  )
  const rows: string[][] = [HEADER]
  for (const { cluster, key } of keyed) {
    const rule = describeConfigPath(cluster.configPath)
    rows.push(
      key.isSubsetKey
        ? [key.host, String(key.port), key.subset === '' ? '-' : key.subset, key.direction, cluster.type, rule]
        : [cluster.name, '-', '-', '-', cluster.type, rule],
    )
  }
  return formatTable(rows, { padding: 5 })
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
