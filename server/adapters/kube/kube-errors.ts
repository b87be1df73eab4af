// Translates what @kubernetes/client-node throws (ApiException, node-fetch FetchError, its silent
// localhost:8080 default) and what kube-api.ts's own transport throws (Node's socket errors with
// their `code`, AbortError) into kindlab's AppErrors. Raw bodies never reach the message: only the
// API's Status.message, shortened.
import { ApiException } from '@kubernetes/client-node'
import { AppError, isAppError } from '../../errors.ts'

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  'EPIPE',
])

/** The `code` of an error or of any error in its `cause` chain (node-fetch nests them). */
export function errnoCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('E')) {
      return code
    }
    const errno = (e as { errno?: unknown }).errno
    if (typeof errno === 'string' && errno.startsWith('E')) {
      return errno
    }
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** The `message` of a Kubernetes Status body, if the body is one. */
export function statusMessage(body: unknown): string | undefined {
  let value = body
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch {
      return undefined
    }
  }
  const message = (value as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message.slice(0, 300) : undefined
}

/** The error for "there is no cluster to talk to". */
export function notConfigured(detail: string, cause?: unknown): AppError {
  return new AppError('LAB_ERR_KUBE_NOT_CONFIGURED', {
    message: `No cluster configured: ${detail}`,
    hint: 'Run `kindlab up` to create the lab cluster, or pass --context NAME for a cluster in your kubeconfig (KUBECONFIG).',
    ...(cause === undefined ? {} : { cause }),
  })
}

function apiError(err: ApiException<unknown>, what: string, where: string): AppError {
  const status = statusMessage(err.body)
  if (err.code === 401 || err.code === 403) {
    return new AppError('LAB_ERR_KUBE_FORBIDDEN', {
      message: `The cluster ${where} refused ${what} (HTTP ${err.code})${status ? `: ${status}` : '.'}`,
      hint:
        err.code === 401
          ? 'The credentials in your kubeconfig are not accepted (expired?). Log in to the cluster again.'
          : 'Your kubeconfig user lacks the permission; ask the cluster admin, or use an admin context.',
      cause: err,
    })
  }
  return new AppError('LAB_ERR_KUBE_API', {
    message: `The Kubernetes API ${where} answered HTTP ${err.code} to ${what}${status ? `: ${status}` : '.'}`,
    hint: 'Check the object named in the message; `kubectl get events -A` often says more.',
    cause: err,
  })
}

/**
 * Translates any error from a client-node call into an AppError.
 * @param what  what kindlab was doing, e.g. "listing Gateways"
 * @param where the cluster, e.g. `"kind-kindlab" (https://127.0.0.1:6443)`
 */
export function translateKubeError(err: unknown, what: string, where: string): AppError {
  if (isAppError(err)) {
    return err
  }
  if (err instanceof ApiException) {
    return apiError(err as ApiException<unknown>, what, where)
  }
  const message = err instanceof Error ? err.message : String(err)
  if (message.includes('HTTP protocol is not allowed when skipTLSVerify is not set')) {
    return notConfigured('no kubeconfig was found, so there is no cluster to talk to.', err)
  }
  if ((err as { name?: unknown } | null)?.name === 'AbortError') {
    return new AppError('LAB_ERR_ABORTED', {
      message: `Stopped while ${what}.`,
      hint: 'Run the command again to continue.',
      cause: err,
    })
  }
  const code = errnoCode(err)
  if (code && unreachableCodes.has(code)) {
    return new AppError('LAB_ERR_KUBE_UNREACHABLE', {
      message: `The cluster ${where} cannot be reached (${code}) while ${what}.`,
      hint: 'Is the cluster running? For the kind lab: `docker ps` should list kindlab-control-plane; `kindlab up` starts or recreates it.',
      cause: err,
    })
  }
  return new AppError('LAB_ERR_KUBE_API', {
    message: `Talking to the cluster ${where} failed while ${what}: ${message.slice(0, 200)}`,
    hint: 'Run `kindlab status` to check the cluster.',
    cause: err,
  })
}

/** The API said 404: the object (or its kind) does not exist. */
export const isNotFound = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 404

/** undefined for 404 (the object does not exist), the result otherwise. */
export async function orAbsent<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (err) {
    if (isNotFound(err)) {
      return undefined
    }
    throw err
  }
}
