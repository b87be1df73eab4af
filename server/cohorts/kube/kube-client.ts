// The cohort feature's minimal Kubernetes access: server-side apply with field manager 'kindlab',
// delete, list by label, and pod readiness. Foreign errors become AppErrors here.
// TODO(cohorts): switch to server/adapters/kube once the provisioning adapter lands. #7
import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node'
import { AppError } from '../../errors.ts'
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
  apply(object: KubeObject): Promise<void>
  /** Deletes; a missing object is not an error. */
  remove(ref: ObjectRef): Promise<void>
  list(apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string }): Promise<ObjectRef[]>
  /** The object, or undefined when it does not exist. */
  read(ref: ObjectRef): Promise<Record<string, unknown> | undefined>
}

/** Translates anything client-node throws into a coded error for `what` ("apply Namespace x"). */
export function translateKubeError(err: unknown, what: string): AppError {
  if (err instanceof AppError) {
    return err
  }
  if (err instanceof ApiException) {
    const code = (err as ApiException<unknown>).code
    const reason = kubeReason((err as ApiException<unknown>).body)
    if (code === 401 || code === 403) {
      return new AppError('LAB_ERR_KUBE_FORBIDDEN', {
        message: `The cluster refused to ${what}${reason ? `: ${reason}` : ''}.`,
        hint: 'kindlab needs cluster-admin rights to prepare a cohort (namespaces, RBAC, admission policies).',
        cause: err,
      })
    }
    return new AppError('LAB_ERR_KUBE_API', { message: `Could not ${what} (HTTP ${code})${reason ? `: ${reason}` : ''}.`, cause: err })
  }
  const text = err instanceof Error ? err.message : String(err)
  if (/HTTP protocol is not allowed/.test(text)) {
    return new AppError('LAB_ERR_KUBE_NOT_CONFIGURED', { message: 'No cluster is configured.', hint: 'Pass --context NAME or run `kindlab up` first.', cause: err })
  }
  return new AppError('LAB_ERR_KUBE_UNREACHABLE', {
    message: `The cluster could not be reached to ${what}.`,
    hint: 'Is the cluster running? Check `kubectl cluster-info`.',
    cause: err,
  })
}

function kubeReason(body: unknown): string | undefined {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown }
    return typeof parsed.message === 'string' ? parsed.message.slice(0, 300) : undefined
  } catch {
    return undefined
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && (err as ApiException<unknown>).code === 404
}

function header(ref: ObjectRef): KubernetesObject {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }
}

const describe = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`

export function createCohortKube(kubeConfig: KubeConfig): CohortKube {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig)
  return {
    kubeConfig,
    async apply(object) {
      try {
        await api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply)
      } catch (err) {
        const m = object.metadata
        throw translateKubeError(err, `apply ${describe({ ...object, name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) })}`)
      }
    },
    async remove(ref) {
      try {
        await api.delete(header(ref), undefined, undefined, undefined, undefined, 'Background')
      } catch (err) {
        if (!isNotFound(err)) {
          throw translateKubeError(err, `delete ${describe(ref)}`)
        }
      }
    },
    async list(apiVersion, kind, options) {
      try {
        const result = await api.list(apiVersion, kind, options.namespace, undefined, undefined, undefined, undefined, options.labelSelector)
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
        throw translateKubeError(err, `list ${kind}`)
      }
    },
    async read(ref) {
      try {
        return (await api.read(header(ref) as Parameters<typeof api.read>[0])) as unknown as Record<string, unknown>
      } catch (err) {
        if (isNotFound(err)) {
          return undefined
        }
        throw translateKubeError(err, `read ${describe(ref)}`)
      }
    },
  }
}

/** Loads a kubeconfig file (or the default one), optionally switching context. */
export function loadKubeConfig(options: { file?: string; context?: string } = {}): KubeConfig {
  const kc = new KubeConfig()
  if (options.file) {
    kc.loadFromFile(options.file)
  } else {
    kc.loadFromDefault()
  }
  if (options.context) {
    kc.setCurrentContext(options.context)
  }
  return kc
}
