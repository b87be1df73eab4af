// The cohort feature's Kubernetes access: server-side apply with field manager 'kindlab', delete,
// list by label, read. Errors are translated by the provisioning adapter's translateKubeError;
// server/adapters/kube's KubeOps has no list-by-label or read of any kind, which teardown and the
// reaper need, so those calls live here.
import { ApiException, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { objectApiClient } from '../../adapters/kube/kube-api.ts'
import { translateKubeError } from '../../adapters/kube/kube-errors.ts'
import { FIELD_MANAGER } from '../plan/names.ts'
import type { KubeObject } from '../plan/types.ts'

export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

export interface CohortKube {
  kubeConfig: KubeConfig
  /** Server-side apply as `fieldManager` (default `kindlab`): a manager owns exactly what it last applied. */
  apply(object: KubeObject, fieldManager?: string): Promise<void>
  /** Deletes; a missing object is not an error. */
  remove(ref: ObjectRef): Promise<void>
  list(apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string }): Promise<ObjectRef[]>
  /** The object, or undefined when it does not exist. */
  read(ref: ObjectRef): Promise<Record<string, unknown> | undefined>
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && (err as ApiException<unknown>).code === 404
}

function header(ref: ObjectRef): KubernetesObject {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  }
}

const describe = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`

/** `where` describes the cluster in messages, e.g. `"kind-kindlab" (https://127.0.0.1:6443)`. */
export function createCohortKube(kubeConfig: KubeConfig, where = 'the class cluster'): CohortKube {
  // Pooled connections: building a class's namespaces is hundreds of requests (kube-api.ts).
  const api = objectApiClient(kubeConfig)
  return {
    kubeConfig,
    async apply(object, fieldManager = FIELD_MANAGER) {
      try {
        await api.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply)
      } catch (err) {
        const m = object.metadata
        throw translateKubeError(
          err,
          `applying ${describe({ ...object, name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) })}`,
          where,
        )
      }
    },
    async remove(ref) {
      try {
        await api.delete(header(ref), undefined, undefined, undefined, undefined, 'Background')
      } catch (err) {
        if (!isNotFound(err)) {
          throw translateKubeError(err, `deleting ${describe(ref)}`, where)
        }
      }
    },
    async list(apiVersion, kind, options) {
      try {
        const result = await api.list(
          apiVersion,
          kind,
          options.namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          options.labelSelector,
        )
        return result.items.map((o) => ({
          apiVersion,
          kind,
          name: o.metadata?.name ?? '',
          ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
        }))
      } catch (err) {
        if (isNotFound(err)) {
          return []
        }
        throw translateKubeError(err, `listing ${kind}`, where)
      }
    },
    async read(ref) {
      try {
        return (await api.read(header(ref) as Parameters<typeof api.read>[0])) as unknown as Record<string, unknown>
      } catch (err) {
        if (isNotFound(err)) {
          return undefined
        }
        throw translateKubeError(err, `reading ${describe(ref)}`, where)
      }
    },
  }
}
