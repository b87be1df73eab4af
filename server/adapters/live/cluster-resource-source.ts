// The learner's resources as the cluster has them (live mode): Istio Gateways, VirtualServices,
// DestinationRules and ServiceEntries (CustomObjectsApi, networking.istio.io/v1) plus Services,
// Pods, ConfigMaps and Secrets (keys only, never values) (CoreV1Api), as plain API objects for the
// grader. A cohort trainee's source is scoped: only their namespace, and the few kinds the lab
// needs from istio-system and the shop. Errors become AppErrors here.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import {
  namespacesFor,
  scopeSnapshot,
  type ResourceScope,
  type ResourceSnapshot,
  type ResourceSource,
} from '../../checks/live-services.ts'
import { loadKubeConfig, type KubeTarget } from '../kube/kube-config.ts'
import { translateKubeError } from '../kube/kube-errors.ts'

export interface ClusterResourceSourceOptions {
  kube: KubeTarget
  /** Only these namespaces (a trainee's); all namespaces when absent. */
  namespaces?: readonly string[]
  /** A learner's scope (a cohort trainee): only these namespaces and kinds are read. */
  scope?: ResourceScope
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
 * Typed client models become plain API JSON: dates turn into RFC 3339 strings and field names are
 * the API's own for Services and Pods. managedFields are dropped (large and never graded).
 */
export function plainObject(item: unknown, apiVersion: string, kind: string): Json {
  const o = JSON.parse(JSON.stringify(item)) as Json
  const metadata = (o['metadata'] ?? {}) as Json
  delete metadata['managedFields']
  return { apiVersion, kind, ...o, metadata }
}

/** Which namespaces to read a kind from: a list, or every namespace (undefined). */
type Namespaces = (kind: string) => readonly string[] | undefined

/** Lists per namespace, or once for all namespaces. */
async function listIn<T>(
  namespaces: readonly string[] | undefined,
  one: (namespace: string) => Promise<{ items: T[] }>,
  all: () => Promise<{ items: T[] }>,
): Promise<T[]> {
  if (namespaces === undefined) {
    return (await all()).items
  }
  return (await Promise.all(namespaces.map(one))).flatMap((l) => l.items)
}

/** A custom object list as returned by the API (its items may be absent). */
const itemsOf = (list: unknown): { items: unknown[] } => ({ items: (list as { items?: unknown[] }).items ?? [] })

function listIstio(kc: KubeConfig, namespaces: readonly string[] | undefined, plural: string): Promise<unknown[]> {
  const api = kc.makeApiClient(CustomObjectsApi)
  return listIn(
    namespaces,
    async (namespace) => itemsOf(await api.listNamespacedCustomObject({ group, version, namespace, plural })),
    async () => itemsOf(await api.listClusterCustomObject({ group, version, plural })),
  )
}

async function listCore(kc: KubeConfig, ns: Namespaces): Promise<Json[]> {
  const core = kc.makeApiClient(CoreV1Api)
  const [services, pods, configMaps, secrets] = await Promise.all([
    listIn(
      ns('Service'),
      (namespace) => core.listNamespacedService({ namespace }),
      () => core.listServiceForAllNamespaces(),
    ),
    listIn(
      ns('Pod'),
      (namespace) => core.listNamespacedPod({ namespace }),
      () => core.listPodForAllNamespaces(),
    ),
    // ConfigMaps (lab answers) and Secrets (TLS credentials): Secrets without their data, never graded.
    listIn(
      ns('ConfigMap'),
      (namespace) => core.listNamespacedConfigMap({ namespace }),
      () => core.listConfigMapForAllNamespaces(),
    ),
    listIn(
      ns('Secret'),
      (namespace) => core.listNamespacedSecret({ namespace }),
      () => core.listSecretForAllNamespaces(),
    ),
  ])
  return [
    ...services.map((s) => plainObject(s, 'v1', 'Service')),
    ...pods.map((p) => plainObject(p, 'v1', 'Pod')),
    ...configMaps.map((c) => plainObject(c, 'v1', 'ConfigMap')),
    ...secrets.map((secret) => {
      const o = plainObject({ metadata: secret.metadata, type: secret.type }, 'v1', 'Secret')
      return { ...o, data: Object.fromEntries(Object.keys(secret.data ?? {}).map((k) => [k, ''])) }
    }),
  ]
}

const isNotFound = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 404

/** A ResourceSource reading the cluster; the kubeconfig is loaded on each list() (it may change). */
export function createClusterResourceSource(options: ClusterResourceSourceOptions): ResourceSource {
  const { scope } = options
  const ns: Namespaces = scope ? (kind) => namespacesFor(scope, kind) : () => options.namespaces
  const where = scope
    ? `namespace${scope.own.length === 1 ? '' : 's'} ${scope.own.join(', ')}`
    : options.namespaces
      ? `namespaces ${options.namespaces.join(', ')}`
      : 'all namespaces'
  return {
    describe: () => `cluster ${options.kube.context ?? 'from your kubeconfig'} (${where})`,
    scoped: (next) => createClusterResourceSource({ kube: options.kube, scope: next }),
    async list(): Promise<ResourceSnapshot> {
      const { kc, where } = loadKubeConfig(options.kube)
      const snapshot: ResourceSnapshot = { objects: [], origins: [], problems: [] }
      for (const { plural, kind } of istioKinds) {
        const namespaces = ns(kind)
        if (namespaces?.length === 0) {
          continue
        }
        try {
          for (const item of await listIstio(kc, namespaces, plural)) {
            snapshot.objects.push(plainObject(item, `${group}/${version}`, kind))
            snapshot.origins.push({})
          }
        } catch (err) {
          if (!isNotFound(err)) {
            throw translateKubeError(err, `listing ${kind}s`, where)
          }
          snapshot.problems.push({
            file: `cluster ${where}`,
            message: `The cluster has no ${plural}.${group} API: is Istio installed?`,
          })
        }
      }
      try {
        for (const obj of await listCore(kc, ns)) {
          snapshot.objects.push(obj)
          snapshot.origins.push({})
        }
      } catch (err) {
        throw translateKubeError(err, 'listing Services and Pods', where)
      }
      // The lists asked only for the scope; filtering again keeps that true whatever the API returned.
      return scope ? scopeSnapshot(snapshot, scope) : snapshot
    },
  }
}
