// The learner's resources as the cluster has them (live mode): Istio Gateways, VirtualServices,
// DestinationRules and ServiceEntries (CustomObjectsApi, networking.istio.io/v1) plus Services,
// Pods, ConfigMaps and Secrets (keys only, never values) (CoreV1Api), as plain API objects for the grader. Errors become AppErrors here.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import type { ResourceSnapshot, ResourceSource } from '../../checks/live-services.ts'
import { loadKubeConfig, type KubeTarget } from '../kube/kube-config.ts'
import { translateKubeError } from '../kube/kube-errors.ts'

export interface ClusterResourceSourceOptions {
  kube: KubeTarget
  /** Only these namespaces (a trainee's); all namespaces when absent. */
  namespaces?: readonly string[]
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

async function listIstio(
  kc: KubeConfig,
  namespaces: readonly string[] | undefined,
  plural: string,
): Promise<unknown[]> {
  const api = kc.makeApiClient(CustomObjectsApi)
  const lists = namespaces
    ? await Promise.all(
        namespaces.map((namespace) => api.listNamespacedCustomObject({ group, version, namespace, plural })),
      )
    : [await api.listClusterCustomObject({ group, version, plural })]
  return lists.flatMap((l) => (l as { items?: unknown[] }).items ?? [])
}

async function listCore(kc: KubeConfig, namespaces: readonly string[] | undefined): Promise<Json[]> {
  const core = kc.makeApiClient(CoreV1Api)
  const services = namespaces
    ? (await Promise.all(namespaces.map((namespace) => core.listNamespacedService({ namespace })))).flatMap(
        (l) => l.items,
      )
    : (await core.listServiceForAllNamespaces()).items
  const pods = namespaces
    ? (await Promise.all(namespaces.map((namespace) => core.listNamespacedPod({ namespace })))).flatMap((l) => l.items)
    : (await core.listPodForAllNamespaces()).items
  return [
    ...services.map((s) => plainObject(s, 'v1', 'Service')),
    ...pods.map((p) => plainObject(p, 'v1', 'Pod')),
    ...(await listConfig(core, namespaces)),
  ]
}

/** ConfigMaps (lab answers) and Secrets (TLS credentials): Secrets without their data, never graded. */
async function listConfig(core: CoreV1Api, namespaces: readonly string[] | undefined): Promise<Json[]> {
  const configMaps = namespaces
    ? (await Promise.all(namespaces.map((namespace) => core.listNamespacedConfigMap({ namespace })))).flatMap(
        (l) => l.items,
      )
    : (await core.listConfigMapForAllNamespaces()).items
  const secrets = namespaces
    ? (await Promise.all(namespaces.map((namespace) => core.listNamespacedSecret({ namespace })))).flatMap(
        (l) => l.items,
      )
    : (await core.listSecretForAllNamespaces()).items
  return [
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
  const scope = options.namespaces ? `namespaces ${options.namespaces.join(', ')}` : 'all namespaces'
  return {
    describe: () => `cluster ${options.kube.context ?? 'from your kubeconfig'} (${scope})`,
    async list(): Promise<ResourceSnapshot> {
      const { kc, where } = loadKubeConfig(options.kube)
      const snapshot: ResourceSnapshot = { objects: [], origins: [], problems: [] }
      for (const { plural, kind } of istioKinds) {
        try {
          for (const item of await listIstio(kc, options.namespaces, plural)) {
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
        for (const obj of await listCore(kc, options.namespaces)) {
          snapshot.objects.push(obj)
          snapshot.origins.push({})
        }
      } catch (err) {
        throw translateKubeError(err, 'listing Services and Pods', where)
      }
      return snapshot
    },
  }
}
