// The Kubernetes operations kindlab needs, all through @kubernetes/client-node: server-side apply
// with field manager `kindlab`, a namespace marker, what Istio is installed, a health ping, the
// watch-based wait (provisioning), and one object at a time: apply as a named field manager, delete,
// list by label, read (cohorts' environments, kube-objects.ts). Every foreign error is translated at
// this boundary.
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  loadYaml,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { loadKubeConfig, type KubeTarget, type LoadedKubeConfig } from './kube-config.ts'
import { orAbsent, translateKubeError } from './kube-errors.ts'
import { singleObjectOps, type SingleObjectOps } from './kube-objects.ts'
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
  apply(
    objects: readonly KubernetesObject[],
    options?: { signal?: AbortSignal; onObject?: (label: string) => void },
  ): Promise<void>
  /** The annotation's value; undefined when absent or the namespace is missing or being deleted. */
  namespaceAnnotation(namespace: string, annotation: string): Promise<string | undefined>
  annotateNamespace(namespace: string, annotation: string, value: string): Promise<void>
  istioState(namespace: string, ingressService: string): Promise<IstioState>
  /** Deletes the objects (missing ones are fine), in reverse apply order. */
  delete(objects: readonly KubernetesObject[]): Promise<number>
  /** Every Deployment of a namespace with its progress (empty when the namespace does not exist). */
  deployments(namespace: string): Promise<Array<{ name: string } & DeploymentProgress>>
  waitForDeployments(refs: readonly DeploymentRef[], options: WaitOptions): Promise<void>
}

const applyOrder = [
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
]

/** Objects sorted so that what others depend on comes first; the rest keep their order. */
export function sortForApply<T extends { kind?: string }>(objects: readonly T[]): T[] {
  const rank = (o: T) => {
    const i = applyOrder.indexOf(o.kind ?? '')
    return i < 0 ? applyOrder.length : i
  }
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
    .map(({ o }) => o)
}

const label = (o: KubernetesObject): string =>
  `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`

function imageTag(image: string | undefined): string | undefined {
  const at = image?.split('@')[0]
  const colon = at?.lastIndexOf(':') ?? -1
  return at && colon > at.lastIndexOf('/') ? at.slice(colon + 1) : undefined
}

async function readIstioState(kc: KubeConfig, namespace: string, ingressService: string): Promise<IstioState> {
  const istiod = await orAbsent(() =>
    kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'istiod', namespace }),
  )
  const svc = await orAbsent(() =>
    kc.makeApiClient(CoreV1Api).readNamespacedService({ name: ingressService, namespace }),
  )
  const tag = imageTag(istiod?.spec?.template.spec?.containers[0]?.image)
  return {
    ...(tag ? { istiodTag: tag } : {}),
    ...(svc?.spec?.type ? { ingressType: svc.spec.type } : {}),
    nodePorts: (svc?.spec?.ports ?? []).flatMap((p) => (p.nodePort ? [p.nodePort] : [])),
  }
}

/** Marks a namespace with a separate field manager, so the marker never takes its labels away from `kindlab`. */
async function markNamespace(kc: KubeConfig, namespace: string, annotation: string, value: string): Promise<void> {
  const body = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, annotations: { [annotation]: value } },
  }
  await KubernetesObjectApi.makeApiClient(kc).patch(
    body,
    undefined,
    undefined,
    `${fieldManager}-state`,
    true,
    PatchStrategy.ServerSideApply,
  )
}

type Call = <T>(what: string, fn: (l: LoadedKubeConfig) => Promise<T>) => Promise<T>

/**
 * The client's model of a plain object. The client serializes known kinds through its models, which
 * name some fields differently from the wire (a CRD schema's `x-kubernetes-int-or-string` is
 * `xKubernetesIntOrString`): a plain object sent as it is loses those fields, and the API server
 * refuses or changes what it gets. Unknown kinds (Istio's) and objects that are models already come
 * back unchanged.
 */
export function clientModel(obj: KubernetesObject): KubernetesObject {
  const proto: unknown = Object.getPrototypeOf(obj)
  // A model already (the client's loadYaml made it): converting it again would drop those fields.
  if (proto !== Object.prototype && proto !== null) {
    return obj
  }
  return loadYaml<KubernetesObject>(JSON.stringify(obj))
}

function objectOps(load: () => LoadedKubeConfig, call: Call): Pick<KubeOps, 'apply' | 'delete'> {
  return {
    async apply(objects, options = {}) {
      const api = KubernetesObjectApi.makeApiClient(load().kc)
      for (const obj of sortForApply(objects)) {
        options.signal?.throwIfAborted()
        options.onObject?.(label(obj))
        await call(`applying ${label(obj)}`, () =>
          api.patch(clientModel(obj), undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply),
        )
      }
    },
    async delete(objects) {
      const api = KubernetesObjectApi.makeApiClient(load().kc)
      let deleted = 0
      for (const obj of sortForApply(objects).reverse()) {
        const done = await call(`deleting ${label(obj)}`, () => orAbsent(() => api.delete(obj)))
        deleted += done === undefined ? 0 : 1
      }
      return deleted
    },
  }
}

/**
 * Creates the operations for one cluster; a target's kubeconfig is read on first use, a loaded one
 * (with how messages name its cluster) is used as it is. Provisioning needs the KubeOps part;
 * cohorts' namespace environments the single-object part.
 */
export function createKubeOps(target: KubeTarget | LoadedKubeConfig): KubeOps & SingleObjectOps {
  let loaded: LoadedKubeConfig | undefined = 'kc' in target ? target : undefined
  const load = (): LoadedKubeConfig => (loaded ??= loadKubeConfig(target))
  const call: Call = async (what, fn) => {
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
    ping: () =>
      call('asking for its version', async ({ kc }) => (await kc.makeApiClient(VersionApi).getCode()).gitVersion),
    ...objectOps(load, call),
    ...singleObjectOps(() => load().kc, call, fieldManager),
    namespaceAnnotation: (namespace, annotation) =>
      call(`reading namespace ${namespace}`, async ({ kc }) => {
        const ns = await orAbsent(() => kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace }))
        // A namespace being deleted counts as gone.
        return ns?.metadata?.deletionTimestamp ? undefined : ns?.metadata?.annotations?.[annotation]
      }),
    annotateNamespace: (namespace, annotation, value) =>
      call(`marking namespace ${namespace}`, ({ kc }) => markNamespace(kc, namespace, annotation, value)),
    istioState: (namespace, ingressService) =>
      call(`reading Istio in ${namespace}`, ({ kc }) => readIstioState(kc, namespace, ingressService)),
    deployments: (namespace) =>
      call(`listing Deployments in ${namespace}`, async ({ kc }) =>
        (await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace })).items.map((d) => ({
          name: d.metadata?.name ?? '?',
          ...deploymentProgress(d),
        })),
      ),
    waitForDeployments: (refs, options) => waitForDeployments(load().kc, refs, { ...options, where: load().where }),
  }
}
