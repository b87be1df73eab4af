// The learner's resources as the cluster has them (live mode): Istio Gateways, VirtualServices,
// DestinationRules and ServiceEntries (networking.istio.io/v1), the Kubernetes Gateway API's
// Gateways, routes and ReferenceGrants (gateway.networking.k8s.io/v1) when a check asks for them,
// plus Services, Pods, ConfigMaps and Secrets (keys only, never values), as plain API objects for the
// grader: the lists' JSON as the API server sent it (kube-api.ts readJson), not client-node's typed
// models turned back into JSON. A cohort trainee's source is scoped: only their namespace, and the
// few kinds the lab needs from istio-system and the shop; those two are read once for a class pressing Check together
// (SHARED_NAMESPACE_REUSE_MS). Only the kinds a step's checks read are listed (ListOptions.kinds:
// no ConfigMaps for a routing step). Errors become AppErrors here.
import type { KubeConfig } from '@kubernetes/client-node'
import {
  namespacesFor,
  scopeSnapshot,
  type ListOptions,
  type ResourceScope,
  type ResourceSnapshot,
  type ResourceSource,
} from '../../checks/live-services.ts'
import { gatewayApiGroup } from '../../grader/core/gateway-api/types.ts'
import { SERVED_VERSIONS } from '../../grader/core/gateway-api/versions.ts'
import { loadKubeConfig, type KubeTarget } from '../kube/kube-config.ts'
import { readJson } from '../kube/kube-api.ts'
import { translateKubeError } from '../kube/kube-errors.ts'
import { sharedRead, type SharedRead } from './shared-read.ts'

export interface ClusterResourceSourceOptions {
  kube: KubeTarget
  /** Only these namespaces (a trainee's); all namespaces when absent. */
  namespaces?: readonly string[]
  /** A learner's scope (a cohort trainee): only these namespaces and kinds are read. */
  scope?: ResourceScope
  /** How long a read of a namespace that is not the learner's own is shared. @default SHARED_NAMESPACE_REUSE_MS */
  sharedReuseMs?: number
}

const istioKinds = [
  { plural: 'gateways', kind: 'Gateway' },
  { plural: 'virtualservices', kind: 'VirtualService' },
  { plural: 'destinationrules', kind: 'DestinationRule' },
  { plural: 'serviceentries', kind: 'ServiceEntry' },
] as const
const group = 'networking.istio.io'
const version = 'v1'

type Json = Record<string, unknown>

/**
 * An item of a list as the API server sent it, as the grader reads API objects: with its
 * apiVersion and kind (list items of built-in kinds carry neither), without managedFields (large
 * and never graded). The item is not changed: a shared read hands the same items to every trainee.
 */
export function plainObject(item: unknown, apiVersion: string, kind: string): Json {
  const o = (item ?? {}) as Json
  const metadata = { ...((o['metadata'] ?? {}) as Json) }
  delete metadata['managedFields']
  return { apiVersion, kind, ...o, metadata }
}

/** Which namespaces to read a kind from: a list, or every namespace (undefined). */
type Namespaces = (kind: string) => readonly string[] | undefined

/** One kind: how to list it in a namespace (or all, `undefined`) and turn an item into API JSON. */
interface KindReader {
  kind: string
  /** Istio kinds: a missing API (404) is a problem ("is Istio installed?"), not an error. */
  istio?: { plural: string }
  /** Gateway API kinds: read only when a check asks for a Gateway API kind (`Gateway` is both APIs' name). */
  gatewayApi?: boolean
  list(kc: KubeConfig, namespace: string | undefined): Promise<unknown[]>
  plain(item: unknown): Json
}

/** A list's items as the API returned them (an empty list may have none). */
const itemsOf = (list: unknown): unknown[] => (list as { items?: unknown[] } | null)?.items ?? []

/**
 * Lists `plural` under an API prefix (`/api/v1`, `/apis/<group>/<version>`) as the server sent it:
 * no typed-model round trip (kube-api.ts `readJson`), over the pooled connections.
 */
const listRaw = async (kc: KubeConfig, prefix: string, plural: string, namespace: string | undefined) =>
  itemsOf(
    await readJson(
      kc,
      namespace === undefined
        ? `${prefix}/${plural}`
        : `${prefix}/namespaces/${encodeURIComponent(namespace)}/${plural}`,
    ),
  )

const istioReaders: KindReader[] = istioKinds.map(({ plural, kind }) => ({
  kind,
  istio: { plural },
  list: (kc, namespace) => listRaw(kc, `/apis/${group}/${version}`, plural, namespace),
  plain: (item) => plainObject(item, `${group}/${version}`, kind),
}))

const coreReader = (kind: string, plural: string, plain?: (item: unknown) => Json): KindReader => ({
  kind,
  list: (kc, namespace) => listRaw(kc, '/api/v1', plural, namespace),
  plain: plain ?? ((item) => plainObject(item, 'v1', kind)),
})

/** A Secret without its values (TLS credentials are graded by their keys, never their contents). */
function secretKeysOnly(item: unknown): Json {
  const secret = item as { metadata?: unknown; type?: unknown; data?: Record<string, unknown> | null }
  const o = plainObject({ metadata: secret.metadata, type: secret.type }, 'v1', 'Secret')
  return { ...o, data: Object.fromEntries(Object.keys(secret.data ?? {}).map((k) => [k, ''])) }
}

/**
 * The Kubernetes Gateway API, each kind in the version the pinned v1.6.0 CRDs serve
 * (grader/core/gateway-api/versions.ts: v1, in both channels). A cluster without its CRDs simply
 * has none of these objects: a 404 is an empty list, not a problem (classic labs never need them).
 */
const gatewayApiKinds = [
  { plural: 'gateways', kind: 'Gateway' },
  { plural: 'httproutes', kind: 'HTTPRoute' },
  { plural: 'grpcroutes', kind: 'GRPCRoute' },
  { plural: 'tcproutes', kind: 'TCPRoute' },
  { plural: 'tlsroutes', kind: 'TLSRoute' },
  { plural: 'referencegrants', kind: 'ReferenceGrant' },
] as const
const gatewayApiReaders: KindReader[] = gatewayApiKinds.map(({ plural, kind }) => {
  const apiVersion = `${gatewayApiGroup}/${SERVED_VERSIONS[kind][0]}`
  return {
    kind,
    gatewayApi: true,
    list: async (kc, namespace) => {
      try {
        return await listRaw(kc, `/apis/${apiVersion}`, plural, namespace)
      } catch (err) {
        if (isNotFound(err)) {
          return []
        }
        throw err
      }
    },
    plain: (item) => plainObject(item, apiVersion, kind),
  }
})
// The namespaces' labels, for listeners whose allowedRoutes select namespaces. Cluster-scoped: a
// scoped source reads each of its namespaces by name; one it may not read is left out.
gatewayApiReaders.push({
  kind: 'Namespace',
  gatewayApi: true,
  list: async (kc, namespace) => {
    if (namespace === undefined) {
      return listRaw(kc, '/api/v1', 'namespaces', undefined)
    }
    try {
      return [await readJson(kc, `/api/v1/namespaces/${encodeURIComponent(namespace)}`)]
    } catch (err) {
      if (isNotFound(err) || (err as { code?: unknown } | null)?.code === 403) {
        return []
      }
      throw err
    }
  },
  plain: (item) => plainObject(item, 'v1', 'Namespace'),
})

/** Kinds only the Gateway API has: asking for one of them reads the Gateway API at all. */
const gatewayApiOnly = new Set(['httproute', 'grpcroute', 'tcproute', 'tlsroute', 'referencegrant'])
const coreReaders: KindReader[] = [
  coreReader('Service', 'services'),
  coreReader('Pod', 'pods'),
  // ConfigMaps (lab answers) and Secrets (TLS credentials): Secrets without their data, never graded.
  coreReader('ConfigMap', 'configmaps'),
  coreReader('Secret', 'secrets', secretKeysOnly),
]

const isNotFound = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 404

/**
 * Reads of namespaces that are not the learner's own (istio-system, the shop) are the same for
 * every trainee of a class: one read started at most this long ago is shared.
 */
export const SHARED_NAMESPACE_REUSE_MS = 1_000

/** Shared reads by `kind/namespace`, common to a source and every source scoped from it. */
function createSharedReads(freshMs: number): (key: string, read: () => Promise<Json[]>) => Promise<Json[]> {
  const reads = new Map<string, SharedRead<Json[]>>()
  return (key, read) => {
    let shared = reads.get(key)
    if (shared === undefined) {
      shared = sharedRead(read, { freshMs })
      reads.set(key, shared)
    }
    return shared()
  }
}

/** A ResourceSource reading the cluster; the kubeconfig is loaded on each list() (it may change). */
export function createClusterResourceSource(options: ClusterResourceSourceOptions): ResourceSource {
  return createSource(options, createSharedReads(options.sharedReuseMs ?? SHARED_NAMESPACE_REUSE_MS))
}

function createSource(
  options: ClusterResourceSourceOptions,
  shared: ReturnType<typeof createSharedReads>,
): ResourceSource {
  const { scope } = options
  const ns: Namespaces = scope ? (kind) => namespacesFor(scope, kind) : () => options.namespaces
  const where = scope
    ? `namespace${scope.own.length === 1 ? '' : 's'} ${scope.own.join(', ')}`
    : options.namespaces
      ? `namespaces ${options.namespaces.join(', ')}`
      : 'all namespaces'
  /** A kind's items in a namespace as API JSON: the learner's own read fresh, any other shared. */
  const readPlain = async (kc: KubeConfig, reader: KindReader, namespace: string | undefined): Promise<Json[]> =>
    (await reader.list(kc, namespace)).map((item) => reader.plain(item))
  // A shared read is translated once for every trainee joining it (the objects are only read).
  const read = (kc: KubeConfig, reader: KindReader, namespace: string | undefined): Promise<Json[]> =>
    scope === undefined || namespace === undefined || scope.own.includes(namespace)
      ? readPlain(kc, reader, namespace)
      : shared(`${reader.kind}/${namespace}`, () => readPlain(kc, reader, namespace))
  return {
    describe: () => `cluster ${options.kube.context ?? 'from your kubeconfig'} (${where})`,
    scoped: (next) => createSource({ kube: options.kube, scope: next }, shared),
    async list(wanted: ListOptions = {}): Promise<ResourceSnapshot> {
      const { kc, where } = loadKubeConfig(options.kube)
      const snapshot: ResourceSnapshot = { objects: [], origins: [], problems: [] }
      // Every kind the checks read, in every namespace, at once; the results are added in a fixed order.
      const wantsGatewayApi = wanted.kinds === undefined || [...wanted.kinds].some((k) => gatewayApiOnly.has(k))
      const readers = [...istioReaders, ...coreReaders, ...(wantsGatewayApi ? gatewayApiReaders : [])].filter(
        (r) => wanted.kinds === undefined || wanted.kinds.has(r.kind.toLowerCase()),
      )
      const results = await Promise.all(
        readers.map(async (reader) => {
          const namespaces = ns(reader.kind)
          if (namespaces?.length === 0) {
            return { reader, items: [] as Json[] }
          }
          try {
            const lists = await Promise.all((namespaces ?? [undefined]).map((n) => read(kc, reader, n)))
            return { reader, items: lists.flat() }
          } catch (err) {
            if (reader.istio && isNotFound(err)) {
              return { reader, items: [] as Json[], missing: reader.istio.plural }
            }
            throw translateKubeError(
              err,
              reader.istio || reader.gatewayApi ? `listing ${reader.kind}s` : 'listing Services and Pods',
              where,
            )
          }
        }),
      )
      for (const { items, missing } of results) {
        if (missing !== undefined) {
          snapshot.problems.push({
            file: `cluster ${where}`,
            message: `The cluster has no ${missing}.${group} API: is Istio installed?`,
          })
        }
        for (const item of items) {
          snapshot.objects.push(item)
          snapshot.origins.push({})
        }
      }
      // The lists asked only for the scope; filtering again keeps that true whatever the API returned.
      return scope ? scopeSnapshot(snapshot, scope) : snapshot
    },
  }
}
