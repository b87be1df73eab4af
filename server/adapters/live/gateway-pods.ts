// Finding a gateway's pods through the API: the newest Running and Ready pod of a label selector
// (the ingress gateway's labels, or the selector of a Kubernetes Gateway's Service), and that
// Service itself. Every failure is an AppError naming the gateway and the kubectl line to look.
import { ApiException, CoreV1Api, type KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node'
import { AppError } from '../../errors.ts'
import { apiClient } from '../kube/kube-api.ts'
import { translateKubeError } from '../kube/kube-errors.ts'

/** Which pods: a namespace and a label selector, and words for messages. */
export interface PodQuery {
  namespace: string
  selector: Record<string, string>
  /** e.g. "ingress gateway" or "Gateway shop/web's proxy". @default 'ingress gateway' */
  what?: string
  /** What to do when none is Ready. @default the ingress gateway's (`kindlab up` reinstalls Istio) */
  hint?: string
}

const isReady = (pod: V1Pod): boolean =>
  pod.status?.phase === 'Running' &&
  !pod.metadata?.deletionTimestamp &&
  (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')

/** `a=b,c=d`. */
export const labelSelector = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')

/** The newest Running and Ready pod the query selects. */
export async function newestReadyPod(kc: KubeConfig, where: string, query: PodQuery): Promise<V1Pod> {
  const selector = labelSelector(query.selector)
  const what = query.what ?? 'ingress gateway'
  let pods: V1Pod[]
  try {
    pods = (await apiClient(kc, CoreV1Api).listNamespacedPod({ namespace: query.namespace, labelSelector: selector }))
      .items
  } catch (err) {
    throw translateKubeError(err, `looking for the ${what} pod`, where)
  }
  const ready = pods
    .filter(isReady)
    .sort((a, b) =>
      String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')),
    )
  const pod = ready[0]
  if (!pod?.metadata?.name) {
    throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
      message: `No running ${what} pod (${selector}) in ${query.namespace} on ${where}${pods.length ? `; ${pods.length} found, none ready` : ''}.`,
      hint:
        query.hint ??
        `Check it with \`kubectl -n ${query.namespace} get pods -l ${selector}\`; \`kindlab up\` reinstalls Istio if it is missing.`,
    })
  }
  return pod
}

/** The name of the newest Running and Ready pod the query selects. */
export async function findGatewayPod(kc: KubeConfig, where: string, query: PodQuery): Promise<string> {
  return (await newestReadyPod(kc, where, query)).metadata?.name ?? ''
}

/** The pod's IP, or an AppError (a Ready pod always has one; a pod without is not reachable). */
export function podIp(pod: V1Pod, what: string): string {
  const ip = pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip
  if (!ip) {
    throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
      message: `The ${what} pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} has no IP address yet.`,
      hint: `Check it with \`kubectl -n ${pod.metadata?.namespace ?? ''} get pod ${pod.metadata?.name ?? ''} -o wide\`.`,
    })
  }
  return ip
}

/** Reads a gateway Service; a missing one is an AppError saying who should have made it. */
export async function readGatewayService(
  kc: KubeConfig,
  where: string,
  service: { namespace: string; name: string },
  what: string,
  hint: string,
): Promise<V1Service> {
  try {
    return await apiClient(kc, CoreV1Api).readNamespacedService({ name: service.name, namespace: service.namespace })
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) {
      throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
        message: `The ${what} has no Service ${service.namespace}/${service.name} on ${where}.`,
        hint,
        cause: err,
      })
    }
    throw translateKubeError(err, `reading Service ${service.namespace}/${service.name}`, where)
  }
}
