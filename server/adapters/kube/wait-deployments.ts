// Waits until Deployments are available by WATCHING them (client-node informers: list, then
// watch, re-list on 410), never by sleeping; also watches their namespaces' Pods to report
// image pulls and crashes as they happen. Bounded by a timeout and an AbortSignal.
import {
  AppsV1Api,
  CoreV1Api,
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node'
import { AppError } from '../../errors.ts'
import { imagePullHint } from '../failure-hints.ts'
import { translateKubeError } from './kube-errors.ts'
import { deploymentProgress, podProblem, type PodProblem } from './workload-status.ts'

export interface DeploymentRef {
  namespace: string
  name: string
}

export interface WaitOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Called whenever the picture changes, e.g. "waiting for deployment hipster/frontend: 0/1 ready". */
  onProgress?: (detail: string) => void
  /** For messages. */
  where?: string
}

type Store = { deployments: Map<string, unknown>; pods: Map<string, unknown> }
interface Stoppable {
  stop(): Promise<void>
}

const key = (ns: string, name: string): string => `${ns}/${name}`

/** One line saying what is still missing; undefined when everything is available. */
export function describeWait(refs: readonly DeploymentRef[], store: Store): string | undefined {
  const isReady = (r: DeploymentRef): boolean => {
    const d = store.deployments.get(key(r.namespace, r.name))
    return d !== undefined && deploymentProgress(d).available
  }
  const pending = refs.filter((r) => !isReady(r))
  if (pending.length === 0) {
    return undefined
  }
  const first = pending[0] as DeploymentRef
  const d = store.deployments.get(key(first.namespace, first.name))
  const state =
    d === undefined ? 'not created yet' : `${deploymentProgress(d).ready}/${deploymentProgress(d).desired} ready`
  const problem = firstProblem(store, new Set(pending.map((r) => r.namespace)))
  const tail = problem ? `; ${problem.pod}: ${problem.reason}` : ''
  return `waiting for deployment ${first.namespace}/${first.name}: ${state} (${refs.length - pending.length} of ${refs.length} ready${tail})`
}

function firstProblem(store: Store, namespaces: Set<string>): PodProblem | undefined {
  for (const [k, pod] of store.pods) {
    if (namespaces.has(k.split('/')[0] ?? '')) {
      const problem = podProblem(pod)
      if (problem) {
        return problem
      }
    }
  }
  return undefined
}

function timeoutError(refs: readonly DeploymentRef[], store: Store, timeoutMs: number, where: string): AppError {
  const detail = describeWait(refs, store) ?? 'not everything became ready'
  const problem = firstProblem(store, new Set(refs.map((r) => r.namespace)))
  if (problem?.isImagePull) {
    return new AppError('LAB_ERR_IMAGE_PULL_FAILED', {
      message: `Images could not be pulled in ${Math.round(timeoutMs / 1000)}s: ${problem.pod} ${problem.reason} (${problem.message}).`,
      hint: imagePullHint,
    })
  }
  return new AppError('LAB_ERR_KUBE_TIMEOUT', {
    message: `The lab was not ready after ${Math.round(timeoutMs / 1000)}s on ${where}: ${detail}.`,
    hint: problem
      ? `${problem.pod} reports ${problem.reason}: ${problem.message}. \`kubectl describe pod -n ${problem.pod.replace('/', ' ')}\` says more.`
      : 'Slow machines need longer: run `kindlab up` again (it resumes). `kubectl get pods -A` shows what is still starting.',
  })
}

function watchInto<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: ListPromise<T>,
  into: Map<string, unknown>,
  events: { changed: () => void; failed: (err: unknown) => void; isDone: () => boolean },
): Stoppable {
  const informer = makeInformer<T>(kc, path, list)
  const put = (obj: T) => {
    into.set(key(obj.metadata?.namespace ?? '', obj.metadata?.name ?? ''), obj)
    events.changed()
  }
  informer.on('add', put)
  informer.on('update', put)
  informer.on('delete', (obj) => {
    into.delete(key(obj.metadata?.namespace ?? '', obj.metadata?.name ?? ''))
    events.changed()
  })
  informer.on('error', (err: unknown) => {
    events.failed(err)
    // Restart after a pause (the API server may be restarting), unless the wait is over.
    setTimeout(() => void (events.isDone() ? undefined : informer.start().catch(events.failed)), 1000).unref()
  })
  void informer.start().catch(events.failed)
  return informer
}

/** One wait: the informers, the picture they build, and how it ends. */
class DeploymentWait {
  private readonly store: Store = { deployments: new Map(), pods: new Map() }
  private readonly informers: Stoppable[] = []
  private readonly where: string
  private last = ''
  private lastError: unknown
  private done = false
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly kc: KubeConfig,
    private readonly refs: readonly DeploymentRef[],
    private readonly options: WaitOptions,
    private readonly settle: (err?: AppError) => void,
  ) {
    this.where = options.where ?? 'the cluster'
  }

  start(): void {
    if (this.options.signal?.aborted) {
      this.onAbort()
      return
    }
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true })
    this.timer = setTimeout(() => this.finish(this.expired()), this.options.timeoutMs)
    const apps = this.kc.makeApiClient(AppsV1Api)
    const core = this.kc.makeApiClient(CoreV1Api)
    const events = {
      changed: () => this.changed(),
      failed: (err: unknown) => (this.lastError = err),
      isDone: () => this.done,
    }
    for (const namespace of new Set(this.refs.map((r) => r.namespace))) {
      this.informers.push(
        watchInto<V1Deployment>(
          this.kc,
          `/apis/apps/v1/namespaces/${namespace}/deployments`,
          () => apps.listNamespacedDeployment({ namespace }),
          this.store.deployments,
          events,
        ),
        watchInto<V1Pod>(
          this.kc,
          `/api/v1/namespaces/${namespace}/pods`,
          () => core.listNamespacedPod({ namespace }),
          this.store.pods,
          events,
        ),
      )
    }
    this.options.onProgress?.(describeWait(this.refs, this.store) ?? 'checking deployments')
  }

  private readonly onAbort = (): void =>
    this.finish(
      new AppError('LAB_ERR_ABORTED', {
        message: 'Stopped while waiting for the lab to become ready.',
        hint: 'Run `kindlab up` again to continue.',
      }),
    )

  private expired(): AppError {
    const nothingSeen = this.store.deployments.size === 0 && this.lastError !== undefined
    return nothingSeen
      ? translateKubeError(this.lastError, 'watching Deployments', this.where)
      : timeoutError(this.refs, this.store, this.options.timeoutMs, this.where)
  }

  private changed(): void {
    const detail = describeWait(this.refs, this.store)
    if (detail === undefined) {
      this.finish()
    } else if (detail !== this.last && !this.done) {
      this.last = detail
      this.options.onProgress?.(detail)
    }
  }

  private finish(err?: AppError): void {
    if (this.done) {
      return
    }
    this.done = true
    clearTimeout(this.timer)
    this.options.signal?.removeEventListener('abort', this.onAbort)
    void Promise.all(this.informers.map((i) => i.stop().catch(() => undefined)))
    this.settle(err)
  }
}

/** Resolves when every Deployment is available; rejects on timeout or abort with an AppError. */
export function waitForDeployments(
  kc: KubeConfig,
  refs: readonly DeploymentRef[],
  options: WaitOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    new DeploymentWait(kc, refs, options, (err) => (err ? reject(err) : resolve())).start(),
  )
}
