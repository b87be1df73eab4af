// One object at a time through client-node's generic KubernetesObjectApi: server-side apply as a
// named field manager, delete, list by label, read. Part of KubeOps (kube-ops.ts), which translates
// every error; a missing object is an answer here (undefined, an empty list, nothing to delete),
// not an error. Cohorts' namespace environments use these (server/cohorts/namespace-environments.ts).
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'

/** Which object: what list returns and remove and read take. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

export interface SingleObjectOps {
  /**
   * Server-side applies one object as `manager` (default `kindlab`): a manager owns exactly what it
   * last applied. The object is sent as it is, not through the client's models.
   */
  applyAs(object: KubernetesObject, manager?: string): Promise<void>
  /** Deletes in the background; a missing object is not an error. */
  remove(ref: ObjectRef): Promise<void>
  /** The objects of a kind (in a namespace, with labels); none when the kind is not served. */
  list(apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string }): Promise<ObjectRef[]>
  /** The object, or undefined when it does not exist. */
  read(ref: ObjectRef): Promise<Record<string, unknown> | undefined>
}

type Call = <T>(what: string, fn: () => Promise<T>) => Promise<T>

const isNotFound = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 404

const show = (ref: { kind?: string; name?: string; namespace?: string | undefined }): string =>
  `${ref.kind ?? '?'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '?'}`

function header(ref: ObjectRef): KubernetesObject {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  }
}

/** `orElse` when the API answers 404, else what `fn` gives or throws. */
async function absentAs<T>(fn: () => Promise<T>, orElse: T): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (isNotFound(err)) {
      return orElse
    }
    throw err
  }
}

/** `call` names what was being done and translates the error; `manager` is kindlab's field manager (kube-ops.ts). */
export function singleObjectOps(kubeConfig: () => KubeConfig, call: Call, manager: string): SingleObjectOps {
  let client: KubernetesObjectApi | undefined
  const api = () => (client ??= KubernetesObjectApi.makeApiClient(kubeConfig()))
  return {
    applyAs: (object, as = manager) =>
      call(`applying ${show({ kind: object.kind, ...object.metadata })}`, async () => {
        await api().patch(object, undefined, undefined, as, true, PatchStrategy.ServerSideApply)
      }),
    remove: (ref) =>
      call(`deleting ${show(ref)}`, async () => {
        await absentAs(() => api().delete(header(ref), undefined, undefined, undefined, undefined, 'Background'), {})
      }),
    list: (apiVersion, kind, options) =>
      call(`listing ${kind}`, async () => {
        const { namespace, labelSelector } = options
        const list = () =>
          api().list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector)
        const items = (await absentAs(list, { items: [] })).items
        return items.map((o) => ({
          apiVersion,
          kind,
          name: o.metadata?.name ?? '',
          ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
        }))
      }),
    read: (ref) =>
      call(`reading ${show(ref)}`, () =>
        absentAs(
          async () =>
            (await api().read(header(ref) as Parameters<KubernetesObjectApi['read']>[0])) as unknown as Record<
              string,
              unknown
            >,
          undefined,
        ),
      ),
  }
}
