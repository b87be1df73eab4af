// Issue 15 (5): a namespace-mode trainee does the Gateway API lab's dashboards step (step 2) and
// shared-Gateway step (step 5) as themselves, on the real kube-apiserver with the Gateway API
// CRDs, and the steps' checks pass on their scoped view of the cluster, as the server runs them.
// What the class cannot let them write is the platform's: the dashboards ReferenceGrant in
// istio-system and the shared Gateway infra/public. The trainee labels their own namespace as
// `kubectl label` does. The status checks read the status istiod wrote where it wrote one, else
// the prediction (the simulated cluster's istiod leaves Gateway API objects Pending), so here they
// judge what is in the API, like the request checks. Traffic: dataplane/.
import { mkdtempSync, rmSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiextensionsV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { createClusterResourceSource } from '../../../server/adapters/live/cluster-resource-source.ts'
import { createLabEnvironmentSource } from '../../../server/checks/grader-input-files.ts'
import { checkKinds } from '../../../server/checks/registry.ts'
import { runChecks, type CheckRunResult } from '../../../server/checks/run-checks.ts'
import {
  LABEL_SHARED_GATEWAY_ACCESS,
  traineeDomain,
  traineeNamespace,
  traineeTcpPort,
} from '../../../server/cohorts/plan/names.ts'
import { traineeResourceScope } from '../../../server/cohorts/plan/rbac.ts'
import { loadLabs, type Lab } from '../../../server/labs/load-labs.ts'
import { resolveCheck, resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import { eventually, kubeConfig } from '../cluster-client.ts'
import { installGatewayApiCrds } from '../gateway-api-crds.ts'
import { backend, cohortName, ensureClassNamespaces, serviceAccountConfig } from './helpers.ts'

const istio = 'istio-system'

describe('the Gateway API lab’s dashboards and shared-Gateway steps, done by a namespace-mode trainee', () => {
  const admin = kubeConfig()
  const { envs } = backend(admin)
  const cohort = cohortName('gwsteps')
  const ns = traineeNamespace(cohort, 'trainee01')
  const workspace = mkdtempSync(join(tmpdir(), 'kindlab-gwsteps-'))
  let lab: Lab
  let labs: Lab[]
  let vars: Record<string, string>

  beforeAll(async () => {
    await ensureClassNamespaces(admin)
    await installGatewayApiCrds(admin.makeApiClient(ApiextensionsV1Api))
    await envs.prepareShared(cohort)
    await envs.provision(cohort, 'trainee01')
    labs = (await loadLabs(join(packageRoot(), 'labs'))).labs
    lab = labs.find((l) => l.id === 'gateway-api-ingress')!
    vars = resolveVariables(lab.variables, {
      TRAINEE_DOMAIN: traineeDomain(cohort, 'trainee01'),
      TRAINEE_NAMESPACE: ns,
      LEARNER_NAMESPACE: ns,
      TRAINEE_TCP_PORT: String(traineeTcpPort(cohort, 'trainee01')),
    })
  }, 240_000)
  afterAll(async () => {
    await envs.teardown(cohort)
    rmSync(workspace, { recursive: true, force: true })
  }, 120_000)

  /** Every object of a step's solution, the lab's variables filled in for this trainee. */
  async function solution(step: string): Promise<KubernetesObject[]> {
    const dir = join(packageRoot(), 'labs', 'gateway-api-ingress', 'solution', step)
    const objects: KubernetesObject[] = []
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
      const text = substituteVariables(await readFile(join(dir, file), 'utf8'), vars)
      for (const doc of parseAllDocuments(text)) {
        objects.push(doc.toJS() as KubernetesObject)
      }
    }
    return objects
  }

  async function grade(stepFile: string): Promise<CheckRunResult[]> {
    const stepIndex = lab.steps.findIndex((s) => s.file.endsWith(stepFile))
    const step = lab.steps[stepIndex]
    const checks = (step?.checks ?? []).map((c) => resolveCheck(c, vars))
    const source = createClusterResourceSource({ kube: { kubeconfigPath: inject('kubeconfig') } })
    if (source.scoped === undefined) {
      throw new Error('the cluster resource source cannot be scoped')
    }
    return runChecks(checkKinds, {
      checks,
      context: {
        labId: lab.id,
        stepIndex,
        workspaceDir: workspace,
        vars,
        runCommand: () => Promise.reject(new Error('not used')),
        readWorkspaceFile: () => Promise.resolve(undefined),
        services: {
          resources: source.scoped(traineeResourceScope(ns, istio, 'hipster')),
          labEnvironment: createLabEnvironmentSource(labs),
        },
      },
      failuresBefore: () => 0,
    })
  }

  /** Grades until every check passes (a status istiod writes may arrive a moment after the objects). */
  async function passes(stepFile: string): Promise<void> {
    let last: CheckRunResult[] = []
    const ok = await eventually(
      `every check of ${stepFile} to pass`,
      async () => {
        last = await grade(stepFile)
        return last.every((r) => r.passed) ? true : undefined
      },
      { timeoutMs: 60_000 },
    ).catch(() => false)
    expect(last.length).toBeGreaterThan(1)
    for (const r of last) {
      expect(r.passed, `${stepFile} ${r.id}: ${r.message}`).toBe(true)
    }
    expect(ok).toBe(true)
  }

  it('step 2: the trainee writes the Gateway and the route, the platform’s grant lets them in, and every check passes', async () => {
    const asTrainee = KubernetesObjectApi.makeApiClient(await serviceAccountConfig(admin, ns, 'trainee'))
    const objects = await solution('02-dashboards')
    // The step's own grant goes to istio-system: the class's is already there, under the same name.
    const grants = objects.filter((o) => o.metadata?.namespace === istio)
    expect(grants.map((o) => `${o.kind} ${o.metadata?.name}`)).toEqual([`ReferenceGrant dashboards-from-${ns}`])
    for (const o of objects.filter((x) => x.metadata?.namespace !== istio)) {
      await eventually(`${o.kind} ${o.metadata?.name} created as the trainee`, () =>
        asTrainee.create({ ...o, metadata: { ...o.metadata, namespace: ns } }).then(() => true),
      )
    }
    await passes('02-dashboards.md')
  })

  it('step 5: the trainee labels their namespace, attaches to the class’s infra/public, and every check passes', async () => {
    const asTrainee = KubernetesObjectApi.makeApiClient(await serviceAccountConfig(admin, ns, 'trainee'))
    const objects = await solution('05-shared-gateway')
    for (const o of objects) {
      if (o.kind === 'Namespace') {
        // `kubectl label namespace <ns> kindlab.dev/shared-gateway-access=true`: a merge patch.
        expect(o.metadata?.labels).toEqual({ [LABEL_SHARED_GATEWAY_ACCESS]: 'true' })
        const label = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: o.metadata?.labels } }
        await eventually('the namespace labelled as the trainee', () =>
          asTrainee.patch(label, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch).then(() => true),
        )
      } else {
        await eventually(`${o.kind} ${o.metadata?.name} created as the trainee`, () =>
          asTrainee.create({ ...o, metadata: { ...o.metadata, namespace: ns } }).then(() => true),
        )
      }
    }
    await passes('05-shared-gateway.md')
  })
})
