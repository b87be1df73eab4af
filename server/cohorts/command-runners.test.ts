// Where a session's command checks run: a live trainee's in their workspace pod (class cluster or
// their own kind cluster), everyone else's and every offline session's locally, as today. And
// what a trainee's check says instead of running anywhere else when their workspace is not there.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { createWorkspacePods } from '../adapters/kube/pods.ts'
import type { CommandRunner } from '../checks/command-runner.ts'
import { createTextResourceSource } from '../checks/grader-input-files.ts'
import { prepareCheck } from '../checks/check-params.ts'
import { checkKinds } from '../checks/registry.ts'
import { runChecks } from '../checks/run-checks.ts'
import type { CheckContext, CommandResult } from '../checks/types.ts'
import type { SessionRecord } from '../store/sessions-repo.ts'
import { commandRunnerForSession, createTraineeCommandRunners, type TraineeCommandRunners } from './command-runners.ts'
import { servicesForSession } from './session-services.ts'
import { workspaceNotReadyReason, type WorkspacePods } from './workspace-pod.ts'

function session(kind: string, vars: Record<string, string>): SessionRecord {
  return { id: 's', kind, displayName: undefined, workspaceDir: '/tmp', vars, createdAt: 0, lastSeenAt: 0 }
}

const namespaceTrainee = session('trainee', {
  TRAINEE_NAMESPACE: 'kl-class-trainee01',
  LEARNER_NAMESPACE: 'kl-class-trainee01',
})
const clusterTrainee = session('trainee', {
  TRAINEE_NAMESPACE: 'kindlab-workspace',
  TRAINEE_CLUSTER: 'kl-class-trainee02',
  LEARNER_NAMESPACE: 'hipster',
})
const learner = session('learner', { LEARNER_NAMESPACE: 'default' })

/** Runners that say where they would run, and record what they ran with. */
function recordingRunners(ran: string[]): TraineeCommandRunners {
  const runner = (where: string): CommandRunner & { where: string } => ({
    where,
    run: (command, options) => {
      ran.push(`${where}: ${command} LEARNER_NAMESPACE=${options.vars['LEARNER_NAMESPACE']}`)
      return Promise.resolve({ exitCode: 0, output: where, timedOut: false })
    },
  })
  return {
    classCluster: (namespace) => runner(`class cluster pod ${namespace}/workspace`),
    ownCluster: (cluster, namespace) => runner(`kind cluster ${cluster} pod in ${namespace}`),
  }
}

const where = (r: CommandRunner | undefined) => (r as { where?: string } | undefined)?.where

describe('the command runner of a session', () => {
  const runners = recordingRunners([])

  it('is the workspace pod for live trainees: in the class cluster, or in their own kind cluster', () => {
    expect(where(commandRunnerForSession(namespaceTrainee, runners))).toBe(
      'class cluster pod kl-class-trainee01/workspace',
    )
    expect(where(commandRunnerForSession(clusterTrainee, runners))).toBe(
      'kind cluster kl-class-trainee02 pod in kindlab-workspace',
    )
  })

  it('is the local one (none given) for a solo learner, and for everyone on an offline server', () => {
    expect(commandRunnerForSession(learner, runners)).toBeUndefined()
    // A learner's session cannot make itself a trainee by its variables.
    expect(commandRunnerForSession(session('learner', namespaceTrainee.vars), runners)).toBeUndefined()
    expect(commandRunnerForSession(namespaceTrainee, undefined)).toBeUndefined()
    expect(commandRunnerForSession(clusterTrainee, undefined)).toBeUndefined()
  })

  it('comes with the grading services, and the command check uses it with the session’s variables', async () => {
    const ran: string[] = []
    const options = { dataDir: '/data', blueprint: () => Promise.reject(new Error('not needed')) }
    const base = { resources: createTextResourceSource([], 'no resources') }
    const local: string[] = []
    const check = async (s: SessionRecord, commandRunners?: TraineeCommandRunners) => {
      const services = servicesForSession(s, base, { ...options, ...(commandRunners ? { commandRunners } : {}) })
      const context: CheckContext = {
        labId: 'lab',
        stepIndex: 0,
        workspaceDir: '/tmp',
        vars: s.vars,
        runCommand: (command): Promise<CommandResult> => {
          local.push(command)
          return Promise.resolve({ exitCode: 0, output: 'local', timedOut: false })
        },
        readWorkspaceFile: () => Promise.resolve(undefined),
        services,
      }
      const checks = [
        prepareCheck(checkKinds, { id: 'vs', kind: 'command', run: 'kubectl get vs -n "$LEARNER_NAMESPACE"' }),
      ]
      const [result] = await runChecks(checkKinds, { checks, context, failuresBefore: () => 0 })
      return { services, output: result?.output }
    }
    const solo = await check(learner, recordingRunners(ran))
    expect(solo.services).toBe(base)
    expect(solo.output).toBe('local')
    expect((await check(namespaceTrainee)).output).toBe('local') // offline
    expect((await check(namespaceTrainee, recordingRunners(ran))).output).toBe(
      'class cluster pod kl-class-trainee01/workspace',
    )
    expect((await check(clusterTrainee, recordingRunners(ran))).services.commandRunner).toBeDefined()
    expect(local).toEqual(['kubectl get vs -n "$LEARNER_NAMESPACE"', 'kubectl get vs -n "$LEARNER_NAMESPACE"'])
    expect(ran).toEqual([
      'class cluster pod kl-class-trainee01/workspace: kubectl get vs -n "$LEARNER_NAMESPACE" LEARNER_NAMESPACE=kl-class-trainee01',
      'kind cluster kl-class-trainee02 pod in kindlab-workspace: kubectl get vs -n "$LEARNER_NAMESPACE" LEARNER_NAMESPACE=hipster',
    ])
  })
})

describe('trainee command runners', () => {
  /** The real pods adapter of `kc`, whose exec records the call and refuses. */
  const neverExec = (calls: string[], kc: KubeConfig): WorkspacePods => ({
    ...createWorkspacePods(kc),
    exec: {
      exec: (namespace, pod) => {
        calls.push(`${namespace}/${pod}`)
        return Promise.reject(new Error('must not exec'))
      },
    },
  })
  const run = (r: CommandRunner) => r.run('true', { timeoutMs: 1000, vars: {} })

  it('says a cluster-mode trainee’s cluster does not exist (yet, or why not), and runs nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kindlab-cr-'))
    const calls: string[] = []
    const building = createTraineeCommandRunners({
      classCluster: () => neverExec(calls, new KubeConfig()),
      dataDir,
      connect: () => neverExec(calls, new KubeConfig()),
    })
    await expect(run(building.ownCluster('kl-class-trainee02', 'kindlab-workspace'))).rejects.toMatchObject({
      code: 'LAB_ERR_CHECK_FAILED_TO_RUN',
      message: 'Your workspace is not ready yet: your kind cluster kl-class-trainee02 does not exist yet.',
      hint: expect.stringContaining('It is being built') as unknown,
    })
    const noKind = 'Cluster mode gives every trainee a kind cluster, but on this machine kind is not installed.'
    const planned = createTraineeCommandRunners({
      classCluster: () => neverExec(calls, new KubeConfig()),
      dataDir,
      plannedReason: () => noKind,
      connect: () => neverExec(calls, new KubeConfig()),
    })
    await expect(run(planned.ownCluster('kl-class-trainee02', 'kindlab-workspace'))).rejects.toMatchObject({
      message: 'Your workspace is not ready: your kind cluster kl-class-trainee02 does not exist.',
      hint: noKind,
    })
    expect(calls).toEqual([])
    await rm(dataDir, { recursive: true, force: true })
  })

  it('reads the class kubeconfig at the first check, and says so when the cluster cannot be asked', async () => {
    const calls: string[] = []
    let loads = 0
    const closed = await closedPort()
    const runners = createTraineeCommandRunners({
      classCluster: () => {
        loads += 1
        const kc = new KubeConfig()
        kc.loadFromOptions({
          clusters: [{ name: 'gone', server: `http://127.0.0.1:${closed}`, skipTLSVerify: true }],
          users: [{ name: 'u', token: 't' }],
          contexts: [{ name: 'c', cluster: 'gone', user: 'u' }],
          currentContext: 'c',
        })
        return neverExec(calls, kc)
      },
      dataDir: '/data',
    })
    const runner = runners.classCluster('kl-class-trainee01')
    expect(loads).toBe(0)
    await expect(run(runner)).rejects.toMatchObject({ code: 'LAB_ERR_KUBE_UNREACHABLE' })
    await expect(run(runner)).rejects.toMatchObject({ code: 'LAB_ERR_KUBE_UNREACHABLE' })
    expect(loads).toBe(1)
    expect(calls).toEqual([])
  })
})

describe('whether a workspace pod can run a command', () => {
  const pod = (status: V1Pod['status'], deleting = false): V1Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'workspace',
      namespace: 'kl-class-trainee01',
      ...(deleting ? { deletionTimestamp: new Date('2026-01-01T00:00:00Z') } : {}),
    },
    ...(status ? { status } : {}),
  })
  const shell = (state: object) => ({
    containerStatuses: [{ name: 'shell', image: 'i', imageID: '', ready: true, restartCount: 0, state }],
  })

  it.each<[string, V1Pod | undefined, string | undefined]>([
    ['missing', undefined, 'does not exist yet'],
    ['just created', pod(undefined), 'is Pending'],
    ['unscheduled', pod({ phase: 'Pending' }), 'is Pending'],
    [
      'pulling its image',
      pod({ phase: 'Running', ...shell({ waiting: { reason: 'ContainerCreating' } }) }),
      'is Running, but its shell container is not (ContainerCreating)',
    ],
    [
      'shell crashed',
      pod({ phase: 'Running', ...shell({ terminated: { exitCode: 1, reason: 'Error' } }) }),
      'is Running, but its shell container is not (Error)',
    ],
    ['being replaced', pod({ phase: 'Running', ...shell({ running: {} }) }, true), 'is being replaced'],
    ['failed', pod({ phase: 'Failed' }), 'is Failed'],
    ['ready', pod({ phase: 'Running', ...shell({ running: { startedAt: new Date() } }) }), undefined],
  ])('%s', (_name, p, reason) => {
    expect(workspaceNotReadyReason(p)).toBe(reason)
  })
})

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}
