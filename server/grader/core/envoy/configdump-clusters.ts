// Reads the ClustersConfigDump section of an Envoy /config_dump: the clusters Envoy has (names,
// discovery type, owning DestinationRule). Pure: parsed JSON in; endpoints are not read here.
import { arrayField, expectObject, objectField, stringField, type JsonObject } from './configdump-json.ts'

/** One cluster Envoy has. */
export interface ClusterEntry {
  /** `static` from the bootstrap, `dynamic` from CDS (active clusters only). */
  source: 'static' | 'dynamic'
  /** e.g. `outbound|8000||httpbin.default.svc.cluster.local`, `BlackHoleCluster`, `agent`. */
  name: string
  /** Envoy's discovery type (EDS, STRICT_DNS, STATIC, ORIGINAL_DST, ...); absent means STATIC. */
  type: string
  versionInfo?: string
  /** `filter_metadata.istio.config` when a DestinationRule shaped this cluster. */
  configPath?: string
}

/** Reads dynamic active clusters, then static clusters; warming clusters are not used yet. */
export function readClustersSection(section: JsonObject, path: string): ClusterEntry[] {
  const entries: ClusterEntry[] = []
  for (const [key, source] of [
    ['dynamic_active_clusters', 'dynamic'],
    ['static_clusters', 'static'],
  ] as const) {
    arrayField(section, key, path).forEach((raw, i) => {
      const entryPath = `${path}.${key}[${i}]`
      const entry = expectObject(raw, entryPath)
      const cluster = objectField(entry, 'cluster', entryPath)
      if (cluster !== undefined) {
        entries.push(readCluster(source, entry, cluster, entryPath))
      }
    })
  }
  return entries
}

function readCluster(source: 'static' | 'dynamic', entry: JsonObject, cluster: JsonObject, path: string): ClusterEntry {
  const clusterPath = `${path}.cluster`
  const versionInfo = stringField(entry, 'version_info', path)
  const metadata = objectField(cluster, 'metadata', clusterPath)
  const filterMetadata =
    metadata === undefined ? undefined : objectField(metadata, 'filter_metadata', `${clusterPath}.metadata`)
  const istio =
    filterMetadata === undefined
      ? undefined
      : objectField(filterMetadata, 'istio', `${clusterPath}.metadata.filter_metadata`)
  const configPath =
    istio === undefined ? undefined : stringField(istio, 'config', `${clusterPath}.metadata.filter_metadata.istio`)
  return {
    source,
    name: stringField(cluster, 'name', clusterPath) ?? '',
    type: stringField(cluster, 'type', clusterPath) ?? 'STATIC',
    ...(versionInfo === undefined ? {} : { versionInfo }),
    ...(configPath === undefined ? {} : { configPath }),
  }
}
