// A trainee's `command` check against the real control plane: it goes to their workspace pod, or
// says why it cannot, and never runs on the server instead. kwok's pods become Running but have no
// kubelet behind them, so no command can really run in one here (an exec through the API server
// fails): what this proves is the way to the pod (the planned workspace pod's state as the API
// server reports it; a cluster-mode trainee's workspace found by its label in "their cluster",
// here the same control plane reached through a kubeconfig in their data-dir folder) and that a
// failed exec is the check's own clear failure. The exec stream itself (exit codes, output,
// limits) is tested against a loopback endpoint in server/cohorts/pod-command.test.ts.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTextResourceSource } from '../../../server/checks/grader-input-files.ts'
import { prepareCheck } from '../../../server/checks/check-params.ts'
import { checkKinds } from '../../../server/checks/registry.ts'
import { runChecks, type CheckRunResult } from '../../../server/checks/run-checks.ts'
import type { CheckContext } from '../../../server/checks/types.ts'
import { createWorkspacePods } from '../../../server/adapters/kube/pods.ts'
import { createTraineeCommandRunners } from '../../../server/cohorts/command-runners.ts'
import { traineeClusterKubeconfig } from '../../../server/cohorts/plan/cluster-plan.ts'
import { planWorkspacePod } from '../../../server/cohorts/plan/fences.ts'
import { servicesForSession } from '../../../server/cohorts/session-services.ts'
import type { SessionRecord } from '../../../server/store/sessions-repo.ts'
import { eventually, kubeConfig, testNamespace } from '../cluster-client.ts'

/** What a failed exec into a kwok pod may look like from the runner (the API server cannot reach a kubelet). */
const execFailure =
  /did not accept the command|could not be started in your workspace pod|closed before the command reported its exit code/

function session(vars: Record<string, string>): SessionRecord {
  return { id: 's', kind: 'trainee', displayName: undefined, workspaceDir: '/tmp', vars, createdAt: 0, lastSeenAt: 0 }
}

describe('a trainee’s command check runs in their workspace pod, or says why not', () => {
  const kc = kubeConfig()
  const core = kc.makeApiClient(CoreV1Api)
  const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-command-checks-'))
  const runners = createTraineeCommandRunners({ classCluster: () => createWorkspacePods(kc), dataDir })
  const removals: Array<() => Promise<void>> = []
  let serverRan: string[] = []

  async function namespace(prefix: string): Promise<string> {
    const ns = await testNamespace(kc, prefix)
    removals.push(ns.remove)
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'trainee' } } })
    return ns.name
  }

  /** The planned workspace pod (plan/fences.ts), optionally changed. */
  async function workspacePod(ns: string, name: string, change: (pod: V1Pod) => void = () => {}): Promise<void> {
    const pod = planWorkspacePod(ns, { 'kindlab.dev/test': 'true' }, 'registry.k8s.io/pause:3.10', 'trainee', {
      TRAINEE_NAMESPACE: ns,
    }) as V1Pod
    pod.metadata = { ...pod.metadata, name }
    change(pod)
    await core.createNamespacedPod({ namespace: ns, body: pod })
  }

  const running = (ns: string, name: string) =>
    eventually(`pod ${ns}/${name} Running`, async () => {
      const pod = await core.readNamespacedPod({ name, namespace: ns })
      return pod.status?.containerStatuses?.find((c) => c.name === 'shell')?.state?.running ? pod : undefined
    })

  async function check(vars: Record<string, string>): Promise<CheckRunResult | undefined> {
    const services = servicesForSession(
      session(vars),
      { resources: createTextResourceSource([], 'no resources') },
      {
        dataDir,
        blueprint: () => Promise.reject(new Error('not needed')),
        commandRunners: runners,
      },
    )
    const context: CheckContext = {
      labId: 'lab',
      stepIndex: 0,
      workspaceDir: dataDir,
      vars,
      runCommand: (command) => {
        serverRan.push(command)
        return Promise.resolve({ exitCode: 0, output: 'ran on the server', timedOut: false })
      },
      readWorkspaceFile: () => Promise.resolve(undefined),
      services,
    }
    const checks = [
      prepareCheck(checkKinds, {
        id: 'vs',
        kind: 'command',
        run: 'kubectl get vs -n "$LEARNER_NAMESPACE"',
        timeoutSec: 20,
      }),
    ]
    const [result] = await runChecks(checkKinds, { checks, context, failuresBefore: () => 0 })
    return result
  }

  beforeAll(() => {
    serverRan = []
  })
  afterAll(async () => {
    expect(serverRan).toEqual([])
    await Promise.all(removals.map((remove) => remove()))
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('namespace mode: not there yet, Pending, then Running (kwok: the exec itself fails, and the check says so)', async () => {
    const ns = await namespace('cc-ns')
    const vars = { TRAINEE_NAMESPACE: ns, LEARNER_NAMESPACE: ns }
    expect(await check(vars)).toMatchObject({
      passed: false,
      message: `The check could not run: Your workspace is not ready yet: the pod ${ns}/workspace does not exist yet.`,
      hint: expect.stringContaining('press Check again') as unknown,
    })

    const pending = await namespace('cc-pending')
    await workspacePod(pending, 'workspace', (pod) => {
      pod.spec = { ...pod.spec, containers: pod.spec?.containers ?? [], nodeSelector: { 'kindlab.dev/no-node': 'x' } }
    })
    expect(await check({ TRAINEE_NAMESPACE: pending, LEARNER_NAMESPACE: pending })).toMatchObject({
      passed: false,
      message: `The check could not run: Your workspace is not ready yet: the pod ${pending}/workspace is Pending.`,
    })

    await workspacePod(ns, 'workspace')
    await running(ns, 'workspace')
    const started = Date.now()
    const result = await check(vars)
    process.stderr.write(`[command-checks] exec into a kwok pod (${Date.now() - started} ms): ${result?.message}\n`)
    expect(result?.passed).toBe(false)
    expect(result?.message).toMatch(/^The check could not run: /)
    expect(result?.message).toMatch(execFailure)
  })

  it('cluster mode: the Running pod of the workspace, found by its label in the trainee’s cluster', async () => {
    const cluster = 'kl-cc-trainee01'
    const ns = await namespace('cc-own')
    // "Their kind cluster": a kubeconfig in their folder with kind's context name, to this control plane.
    const path = traineeClusterKubeconfig(dataDir, cluster) ?? ''
    mkdirSync(dirname(path), { recursive: true })
    const own = new KubeConfig()
    own.loadFromOptions({
      clusters: kc.getClusters(),
      users: kc.getUsers(),
      contexts: [
        { name: `kind-${cluster}`, cluster: kc.getCurrentCluster()?.name ?? '', user: kc.getCurrentUser()?.name ?? '' },
      ],
      currentContext: `kind-${cluster}`,
    })
    writeFileSync(path, own.exportConfig(), { mode: 0o600 })
    const vars = { TRAINEE_NAMESPACE: ns, TRAINEE_CLUSTER: cluster, LEARNER_NAMESPACE: 'hipster' }

    expect(await check(vars)).toMatchObject({
      passed: false,
      message: `The check could not run: Your workspace is not ready yet: the pod ${ns}/workspace in ${cluster} does not exist yet.`,
    })
    await workspacePod(ns, 'workspace-7d9f8-abcde')
    await running(ns, 'workspace-7d9f8-abcde')
    const result = await check(vars)
    process.stderr.write(`[command-checks] cluster mode, exec into a kwok pod: ${result?.message}\n`)
    expect(result?.message).toMatch(execFailure)
    expect(result?.message).toContain(`${ns}/workspace-7d9f8-abcde`)
  })
})
