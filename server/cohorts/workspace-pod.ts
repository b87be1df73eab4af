// Where a trainee's command checks run, and whether they can run there now: the workspace pod
// (namespace mode: pod `workspace` in their namespace of the class cluster; cluster mode: the pod
// of the workspace Deployment in their own kind cluster), which must be Running with its shell
// container running. When it is not, the check says so (LAB_ERR_CHECK_FAILED_TO_RUN, with what
// the pod is doing) instead of running the command anywhere else. The cluster is reached through
// the WorkspacePods port (server/adapters/kube/pods.ts).
import { AppError } from '../errors.ts'
import { CLUSTER_WORKSPACE_SELECTOR } from './plan/cluster-plan.ts'
import type { PodExec, PodTarget } from './pod-terminal.ts'

/** What is read of a pod (client-node's V1Pod has these fields). */
export interface PodFacts {
  metadata?: { name?: string; deletionTimestamp?: Date | string; creationTimestamp?: Date | string }
  status?: {
    phase?: string
    containerStatuses?: Array<{
      name: string
      state?: { running?: object; waiting?: { reason?: string }; terminated?: { reason?: string } }
    }>
  }
}

/** One cluster's workspace pods; `where` names the cluster or namespace in messages. */
export interface WorkspacePods {
  exec: PodExec
  /** The pod, or undefined when it does not exist. */
  read(namespace: string, name: string, where: string): Promise<PodFacts | undefined>
  list(namespace: string, labelSelector: string, where: string): Promise<PodFacts[]>
}

/** The label selector of cluster mode's workspace Deployment's pods. */
export const CLUSTER_WORKSPACE_LABELS = Object.entries(CLUSTER_WORKSPACE_SELECTOR)
  .map(([k, v]) => `${k}=${v}`)
  .join(',')

/** The workspace pod's name in namespace mode, and its container in both modes (plan/fences.ts). */
export const WORKSPACE_POD = 'workspace'
export const WORKSPACE_CONTAINER = 'shell'

/** Why `pod` cannot run a command now, as the end of a sentence; undefined when it can. Pure. */
export function workspaceNotReadyReason(pod: PodFacts | undefined): string | undefined {
  if (!pod) {
    return 'does not exist yet'
  }
  if (pod.metadata?.deletionTimestamp) {
    return 'is being replaced'
  }
  const phase = pod.status?.phase ?? 'Pending'
  if (phase !== 'Running') {
    return `is ${phase}`
  }
  const state = pod.status?.containerStatuses?.find((c) => c.name === WORKSPACE_CONTAINER)?.state
  if (!state?.running) {
    const why = state?.waiting?.reason ?? state?.terminated?.reason
    return `is Running, but its ${WORKSPACE_CONTAINER} container is not${why ? ` (${why})` : ''}`
  }
  return undefined
}

/** The check's error for a workspace that cannot run commands (yet). */
export function workspaceNotReady(where: string, reason: string): AppError {
  return new AppError('LAB_ERR_CHECK_FAILED_TO_RUN', {
    message: `Your workspace is not ready yet: the pod ${where} ${reason}.`,
    hint: 'It may still be starting: press Check again in a few seconds. If it stays this way, your instructor can reset your environment.',
    details: { pod: where, reason },
  })
}

/** A namespace-mode trainee's workspace in the class cluster, once it is ready. */
export async function namespaceWorkspace(pods: WorkspacePods, namespace: string): Promise<PodTarget> {
  const pod = await pods.read(namespace, WORKSPACE_POD, `namespace ${namespace}`)
  const reason = workspaceNotReadyReason(pod)
  if (reason) {
    throw workspaceNotReady(`${namespace}/${WORKSPACE_POD}`, reason)
  }
  return { namespace, pod: WORKSPACE_POD, container: WORKSPACE_CONTAINER }
}

/** A cluster-mode trainee's workspace: the newest ready pod of the workspace Deployment. */
export async function clusterWorkspace(
  cluster: WorkspacePods,
  namespace: string,
  clusterName: string,
): Promise<PodTarget> {
  const pods = await cluster.list(namespace, CLUSTER_WORKSPACE_LABELS, `kind cluster ${clusterName}`)
  const newest = [...pods].sort((a, b) => created(b).localeCompare(created(a)))
  const ready = newest.find((p) => workspaceNotReadyReason(p) === undefined)
  if (!ready?.metadata?.name) {
    const latest = newest[0]
    const reason = workspaceNotReadyReason(latest) ?? 'has no name'
    throw workspaceNotReady(`${namespace}/${latest?.metadata?.name ?? WORKSPACE_POD} in ${clusterName}`, reason)
  }
  return { namespace, pod: ready.metadata.name, container: WORKSPACE_CONTAINER }
}

function created(pod: PodFacts): string {
  const t = pod.metadata?.creationTimestamp
  return t instanceof Date ? t.toISOString() : String(t ?? '')
}
