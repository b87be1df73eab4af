// Reads readiness out of Deployment and Pod objects as the API returns them (typed client models
// or raw watch JSON; the field names are the same). Pure, so the rules are unit-tested.

/** How far a Deployment is. */
export interface DeploymentProgress {
  ready: number
  desired: number
  /** Rolled out and available: what `kubectl rollout status` waits for. */
  available: boolean
  /** Why it is stuck, when the Deployment says so (e.g. ProgressDeadlineExceeded). */
  problem?: string
}

interface Condition {
  type?: string
  status?: string
  reason?: string
  message?: string
}

interface DeploymentLike {
  metadata?: { generation?: number }
  spec?: { replicas?: number }
  status?: {
    observedGeneration?: number
    replicas?: number
    updatedReplicas?: number
    readyReplicas?: number
    availableReplicas?: number
    conditions?: Condition[]
  }
}

/** Progress of one Deployment. */
export function deploymentProgress(value: unknown): DeploymentProgress {
  const d = (value ?? {}) as DeploymentLike
  const desired = d.spec?.replicas ?? 1
  const s = d.status ?? {}
  const ready = s.readyReplicas ?? 0
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  const available =
    observed &&
    (s.updatedReplicas ?? 0) >= desired &&
    (s.availableReplicas ?? 0) >= desired &&
    (s.replicas ?? 0) <= desired
  const stuck = s.conditions?.find(
    (c) => (c.type === 'Progressing' && c.status === 'False') || (c.type === 'ReplicaFailure' && c.status === 'True'),
  )
  return {
    ready,
    desired,
    available: desired === 0 ? observed : available,
    ...(stuck ? { problem: `${stuck.reason ?? stuck.type ?? 'stuck'}: ${stuck.message ?? ''}`.trim() } : {}),
  }
}

/** Why a Pod cannot start, in the kubelet's words. */
export interface PodProblem {
  pod: string
  reason: string
  message: string
  /** True for image pulls (ErrImagePull, ImagePullBackOff, InvalidImageName). */
  isImagePull: boolean
}

interface PodLike {
  metadata?: { name?: string; namespace?: string }
  status?: {
    conditions?: Condition[]
    containerStatuses?: Array<{
      name?: string
      image?: string
      state?: { waiting?: { reason?: string; message?: string } }
    }>
    initContainerStatuses?: Array<{
      name?: string
      image?: string
      state?: { waiting?: { reason?: string; message?: string } }
    }>
  }
}

const badWaiting = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
])
const imagePull = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName'])

/** The first problem of a Pod, or undefined while it is fine (or simply still starting). */
export function podProblem(value: unknown): PodProblem | undefined {
  const p = (value ?? {}) as PodLike
  const pod = `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? '?'}`
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]
  for (const c of statuses) {
    const waiting = c.state?.waiting
    if (waiting?.reason && badWaiting.has(waiting.reason)) {
      const message = `${c.image ?? c.name ?? ''} ${waiting.message ?? ''}`.trim().slice(0, 300)
      return { pod, reason: waiting.reason, message, isImagePull: imagePull.has(waiting.reason) }
    }
  }
  const unscheduled = p.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  )
  if (unscheduled) {
    return { pod, reason: 'Unschedulable', message: (unscheduled.message ?? '').slice(0, 300), isImagePull: false }
  }
  return undefined
}
