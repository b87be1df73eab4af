// Readiness rules for Deployments (what `kubectl rollout status` waits for) and the Pod states the
// wait reports (image pulls, crashes, scheduling), plus the one-line progress text.
import { describe, expect, it } from 'vitest'
import { describeWait } from './wait-deployments.ts'
import { deploymentProgress, podProblem } from './workload-status.ts'

const deployment = (status: Record<string, unknown>, generation = 1, replicas = 1) => ({
  metadata: { generation },
  spec: { replicas },
  status,
})

describe('deploymentProgress', () => {
  it('is available only when the current generation is rolled out and available', () => {
    expect(
      deploymentProgress(
        deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }),
      ),
    ).toEqual({ ready: 1, desired: 1, available: true })
    expect(deploymentProgress(deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1 })).available).toBe(
      false,
    )
    expect(
      deploymentProgress(
        deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 2),
      ).available,
    ).toBe(false)
    expect(
      deploymentProgress(
        deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }, 2),
      ).available,
    ).toBe(false)
    expect(deploymentProgress(deployment({ observedGeneration: 3 }, 3, 0)).available).toBe(true)
  })

  it('names a stuck rollout', () => {
    const stuck = deployment({
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "x" has timed out progressing.',
        },
      ],
    })
    expect(deploymentProgress(stuck).problem).toBe(
      'ProgressDeadlineExceeded: ReplicaSet "x" has timed out progressing.',
    )
  })
})

describe('podProblem', () => {
  const pod = (status: Record<string, unknown>) => ({ metadata: { namespace: 'hipster', name: 'frontend-1' }, status })

  it('reports image pulls as such', () => {
    const problem = podProblem(
      pod({
        containerStatuses: [
          {
            name: 'server',
            image: 'us-central1-docker.pkg.dev/x/frontend:v0.10.5',
            state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
          },
        ],
      }),
    )
    expect(problem).toMatchObject({ pod: 'hipster/frontend-1', reason: 'ImagePullBackOff', isImagePull: true })
    expect(problem?.message).toContain('frontend:v0.10.5')
  })

  it('reports crashes, init containers and unschedulable pods; ignores pods that are just starting', () => {
    expect(
      podProblem(pod({ initContainerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] }))?.reason,
    ).toBe('CrashLoopBackOff')
    expect(
      podProblem(
        pod({
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/1 nodes are available: 1 Insufficient memory.',
            },
          ],
        }),
      ),
    ).toMatchObject({ reason: 'Unschedulable', isImagePull: false })
    expect(
      podProblem(pod({ containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] })),
    ).toBeUndefined()
  })
})

describe('describeWait', () => {
  it('says which deployment is awaited, how far it is and how many are ready', () => {
    const refs = [
      { namespace: 'hipster', name: 'frontend' },
      { namespace: 'hipster', name: 'cartservice' },
    ]
    const store = { deployments: new Map<string, unknown>(), pods: new Map<string, unknown>() }
    expect(describeWait(refs, store)).toBe('waiting for deployment hipster/frontend: not created yet (0 of 2 ready)')
    store.deployments.set(
      'hipster/frontend',
      deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 0 }),
    )
    store.pods.set('hipster/frontend-1', {
      metadata: { namespace: 'hipster', name: 'frontend-1' },
      status: { containerStatuses: [{ state: { waiting: { reason: 'ErrImagePull' } } }] },
    })
    expect(describeWait(refs, store)).toBe(
      'waiting for deployment hipster/frontend: 0/1 ready (0 of 2 ready; hipster/frontend-1: ErrImagePull)',
    )
    const ready = deployment({
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    })
    store.deployments.set('hipster/frontend', ready)
    store.deployments.set('hipster/cartservice', ready)
    expect(describeWait(refs, store)).toBeUndefined()
  })
})
