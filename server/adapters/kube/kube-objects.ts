// One object at a time through client-node's generic KubernetesObjectApi: server-side apply as a
// named field manager, delete, list by label, read. Part of KubeOps (kube-ops.ts), which translates
// every error; a missing object is an answer here (undefined, an empty list, nothing to delete),
// not an error. Cohorts' namespace environments use these (server/cohorts/namespace-environments.ts).
import {
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type KubernetesObjectApi,
} from '@kubernetes/client-node'
import { objectApiClient } from './kube-api.ts'
import { orAbsent } from './kube-errors.ts'

/** Which object: what list returns and remove and read take. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

type Call = <T>(what: string, fn: () => Promise<T>) => Promise<T>

const show = (ref: { kind?: string; name?: string; namespace?: string | undefined }): string =>
  `${ref.kind ?? '?'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '?'}`

function header(ref: ObjectRef): KubernetesObject {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  }
}

/** `call` names what was being done and translates the error; `manager` is kindlab's field manager (kube-ops.ts). */
export function singleObjectOps(kubeConfig: () => KubeConfig, call: Call, manager: string) {
  let client: KubernetesObjectApi | undefined
  // Pooled connections: building a class's namespaces is hundreds of requests (kube-api.ts).
  const api = () => (client ??= objectApiClient(kubeConfig()))
  return {
    /**
     * Server-side applies one object as `as` (default `kindlab`): a manager owns exactly what it
     * last applied. The object is sent as it is, not through the client's models.
     */
    applyAs: (object: KubernetesObject, as = manager): Promise<void> =>
      call(`applying ${show({ kind: object.kind, ...object.metadata })}`, async () => {
        await api().patch(object, undefined, undefined, as, true, PatchStrategy.ServerSideApply)
      }),
    /** Deletes in the background; a missing object is not an error. */
    remove: (ref: ObjectRef): Promise<void> =>
      call(`deleting ${show(ref)}`, async () => {
        await orAbsent(() => api().delete(header(ref), undefined, undefined, undefined, undefined, 'Background'))
      }),
    /** The objects of a kind (in a namespace, with labels); none when the kind is not served. */
    list: (
      apiVersion: string,
      kind: string,
      options: { namespace?: string; labelSelector?: string },
    ): Promise<ObjectRef[]> =>
      call(`listing ${kind}`, async () => {
        const { namespace, labelSelector } = options
        const list = () =>
          api().list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector)
        const items = (await orAbsent(list))?.items ?? []
        return items.map((o) => ({
          apiVersion,
          kind,
          name: o.metadata?.name ?? '',
          ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
        }))
      }),
    /** The object, or undefined when it does not exist. */
    read: (ref: ObjectRef): Promise<Record<string, unknown> | undefined> =>
      call(`reading ${show(ref)}`, async () => {
        const read = () => api().read(header(ref) as Parameters<KubernetesObjectApi['read']>[0])
        return (await orAbsent(read)) as Record<string, unknown> | undefined
      }),
  }
}

export type SingleObjectOps = ReturnType<typeof singleObjectOps>
