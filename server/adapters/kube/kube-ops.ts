// The Kubernetes operations provisioning needs, all through @kubernetes/client-node: server-side
// apply with field manager `kindlab`, a namespace marker, what Istio is installed, a health ping,
// and the watch-based wait. Every foreign error is translated at this boundary.
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, VersionApi, type KubernetesObject } from '@kubernetes/client-node'
import { loadKubeConfig, type KubeTarget, type LoadedKubeConfig } from './kube-config.ts'
import { translateKubeError } from './kube-errors.ts'
import { waitForDeployments, type DeploymentRef, type WaitOptions } from './wait-deployments.ts'
import { deploymentProgress, type DeploymentProgress } from './workload-status.ts'

/** The field manager of everything kindlab applies. */
export const fieldManager = 'kindlab'

/** What is installed of Istio: istiod's image tag and the ingress Service's type and node ports. */
export interface IstioState {
  istiodTag?: string
  ingressType?: string
  nodePorts: number[]
}

export interface KubeOps {
  readonly where: string
  /** Asks the API server for its version; throws LAB_ERR_KUBE_UNREACHABLE and friends. */
  ping(): Promise<string>
  /** Server-side applies the objects in dependency order (namespaces first). */
  apply(objects: readonly KubernetesObject[], options?: { signal?: AbortSignal; onObject?: (label: string) => void }): Promise<void>
  namespaceAnnotation(namespace: string, annotation: string): Promise<string | undefined>
  annotateNamespace(namespace: string, annotation: string, value: string): Promise<void>
  istioState(namespace: string, ingressService: string): Promise<IstioState>
  /** Deletes the objects (missing ones are fine), in reverse apply order. */
  delete(objects: readonly KubernetesObject[]): Promise<number>
  /** Every Deployment of a namespace with its progress (empty when the namespace does not exist). */
  deployments(namespace: string): Promise<Array<{ name: string } & DeploymentProgress>>
  waitForDeployments(refs: readonly DeploymentRef[], options: WaitOptions): Promise<void>
}

const applyOrder = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ConfigMap', 'Secret', 'Service']

/** Objects sorted so that what others depend on comes first; the rest keep their order. */
export function sortForApply<T extends { kind?: string }>(objects: readonly T[]): T[] {
  const rank = (o: T) => {
    const i = applyOrder.indexOf(o.kind ?? '')
    return i < 0 ? applyOrder.length : i
  }
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map(({ o }) => o)
}

const label = (o: KubernetesObject): string => `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`

const isNotFound = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 404

function imageTag(image: string | undefined): string | undefined {
  const at = image?.split('@')[0]
  const colon = at?.lastIndexOf(':') ?? -1
  return at && colon > at.lastIndexOf('/') ? at.slice(colon + 1) : undefined
}

/** Creates the operations for one cluster; the kubeconfig is read on first use. */
export function createKubeOps(target: KubeTarget): KubeOps {
  let loaded: LoadedKubeConfig | undefined
  const load = (): LoadedKubeConfig => (loaded ??= loadKubeConfig(target))
  const call = async <T>(what: string, fn: (l: LoadedKubeConfig) => Promise<T>): Promise<T> => {
    const l = load()
    try {
      return await fn(l)
    } catch (err) {
      throw translateKubeError(err, what, l.where)
    }
  }
  return {
    get where() {
      return load().where
    },
    ping: () => call('asking for its version', async ({ kc }) => (await kc.makeApiClient(VersionApi).getCode()).gitVersion),
    async apply(objects, options = {}) {
      const api = KubernetesObjectApi.makeApiClient(load().kc)
      for (const obj of sortForApply(objects)) {
        options.signal?.throwIfAborted()
        options.onObject?.(label(obj))
        await call(`applying ${label(obj)}`, () => api.patch(obj, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply))
      }
    },
    namespaceAnnotation: (namespace, annotation) =>
      call(`reading namespace ${namespace}`, async ({ kc }) => {
        try {
          return (await kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace })).metadata?.annotations?.[annotation]
        } catch (err) {
          if (isNotFound(err)) {
            return undefined
          }
          throw err
        }
      }),
    annotateNamespace: (namespace, annotation, value) =>
      call(`marking namespace ${namespace}`, async ({ kc }) => {
        const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, annotations: { [annotation]: value } } }
        // A separate field manager, so this marker never takes the namespace's labels away from `kindlab`.
        await KubernetesObjectApi.makeApiClient(kc).patch(body, undefined, undefined, `${fieldManager}-state`, true, PatchStrategy.ServerSideApply)
      }),
    istioState: (namespace, ingressService) =>
      call(`reading Istio in ${namespace}`, async ({ kc }) => {
        const state: IstioState = { nodePorts: [] }
        try {
          const istiod = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'istiod', namespace })
          const tag = imageTag(istiod.spec?.template.spec?.containers[0]?.image)
          if (tag) {
            state.istiodTag = tag
          }
          const svc = await kc.makeApiClient(CoreV1Api).readNamespacedService({ name: ingressService, namespace })
          if (svc.spec?.type) {
            state.ingressType = svc.spec.type
          }
          state.nodePorts = (svc.spec?.ports ?? []).flatMap((p) => (p.nodePort ? [p.nodePort] : []))
        } catch (err) {
          if (!isNotFound(err)) {
            throw err
          }
        }
        return state
      }),
    async delete(objects) {
      const api = KubernetesObjectApi.makeApiClient(load().kc)
      let deleted = 0
      for (const obj of sortForApply(objects).reverse()) {
        await call(`deleting ${label(obj)}`, async () => {
          try {
            await api.delete(obj)
            deleted++
          } catch (err) {
            if (!isNotFound(err)) {
              throw err
            }
          }
        })
      }
      return deleted
    },
    deployments: (namespace) =>
      call(`listing Deployments in ${namespace}`, async ({ kc }) =>
        (await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace })).items.map((d) => ({ name: d.metadata?.name ?? '?', ...deploymentProgress(d) })),
      ),
    waitForDeployments: (refs, options) => waitForDeployments(load().kc, refs, { ...options, where: load().where }),
  }
}
