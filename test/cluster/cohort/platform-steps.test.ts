// Issue 13 (b): a namespace-mode trainee does the lab's HTTPS step (a TLS Secret in istio-system,
// where istiod reads `credentialName`) and shared-Gateway step (a Gateway in istio-system) with
// their own identity, and the steps' checks pass on what they wrote. On the real kube-apiserver:
// the trainee's ServiceAccount token creates every object of the two steps' solutions (for real,
// not dry-run), then the checks run on the trainee's scoped view of the cluster (their namespace,
// and in istio-system the gateway, the Gateways and only their own Secret), as the server runs
// them. Traffic layers (HTTPS on the wire) are not exercised here: see dataplane/steps.test.ts.
import { mkdtempSync, rmSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { createClusterResourceSource } from '../../../server/adapters/live/cluster-resource-source.ts'
import { createLabEnvironmentSource } from '../../../server/checks/grader-input-files.ts'
import { checkKinds } from '../../../server/checks/registry.ts'
import { runChecks, type CheckRunResult } from '../../../server/checks/run-checks.ts'
import { traineeDomain, traineeNamespace, traineeTcpPort } from '../../../server/cohorts/plan/names.ts'
import { platformVars } from '../../../server/cohorts/plan/namespace-plan.ts'
import { traineeResourceScope } from '../../../server/cohorts/plan/rbac.ts'
import { loadLabs, type Lab } from '../../../server/labs/load-labs.ts'
import { resolveCheck, resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import { eventually, kubeConfig } from '../cluster-client.ts'
import { backend, cohortName, ensureClassNamespaces, serviceAccountConfig } from './helpers.ts'

const istio = 'istio-system'

describe('the HTTPS and shared-Gateway steps, done by a namespace-mode trainee as themselves', () => {
  const admin = kubeConfig()
  const core = admin.makeApiClient(CoreV1Api)
  const { envs } = backend(admin)
  const cohort = cohortName('steps')
  const ns = traineeNamespace(cohort, 'trainee01')
  const made: Array<{ kind: 'Service' | 'Pod'; name: string }> = []
  const workspace = mkdtempSync(join(tmpdir(), 'kindlab-steps-'))
  let lab: Lab
  let labs: Lab[]
  let vars: Record<string, string>

  beforeAll(async () => {
    await ensureClassNamespaces(admin)
    // The class cluster's ingress gateway (the sim has none): its Service and a pod kwok runs.
    const labels = { istio: 'ingressgateway', app: 'istio-ingressgateway' }
    if (
      !(await core.readNamespacedService({ name: 'istio-ingressgateway', namespace: istio }).catch(() => undefined))
    ) {
      await core.createNamespacedService({
        namespace: istio,
        body: {
          metadata: { name: 'istio-ingressgateway' },
          spec: {
            selector: labels,
            ports: [
              { name: 'http2', port: 80, targetPort: 8080 },
              { name: 'https', port: 443, targetPort: 8443 },
            ],
          },
        },
      })
      made.push({ kind: 'Service', name: 'istio-ingressgateway' })
    }
    await core.createNamespacedPod({
      namespace: istio,
      body: {
        metadata: { name: `gw-${cohort.name}`, labels },
        spec: { containers: [{ name: 'istio-proxy', image: 'registry.k8s.io/pause:3.10' }] },
      },
    })
    made.push({ kind: 'Pod', name: `gw-${cohort.name}` })
    await envs.prepareShared(cohort)
    await envs.provision(cohort, 'trainee01')
    labs = (await loadLabs(join(packageRoot(), 'labs'))).labs
    lab = labs.find((l) => l.id === 'istio-ingress')!
    vars = resolveVariables(lab.variables, {
      TRAINEE_DOMAIN: traineeDomain(cohort, 'trainee01'),
      TRAINEE_NAMESPACE: ns,
      LEARNER_NAMESPACE: ns,
      TRAINEE_TCP_PORT: String(traineeTcpPort(cohort, 'trainee01')),
      ...platformVars(ns),
    })
  }, 240_000)
  afterAll(async () => {
    await envs.teardown(cohort)
    for (const m of made) {
      const ref = { name: m.name, namespace: istio }
      await (m.kind === 'Pod' ? core.deleteNamespacedPod(ref) : core.deleteNamespacedService(ref)).catch(
        () => undefined,
      )
    }
    rmSync(workspace, { recursive: true, force: true })
  }, 120_000)

  /** Every object of a step's solution, the lab's variables filled in for this trainee. */
  async function solution(step: string): Promise<KubernetesObject[]> {
    const dir = join(packageRoot(), 'labs', 'istio-ingress', 'solution', step)
    const objects: KubernetesObject[] = []
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
      const text = substituteVariables(await readFile(join(dir, file), 'utf8'), vars)
      for (const doc of parseAllDocuments(text)) {
        const o = doc.toJS() as KubernetesObject
        objects.push({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? ns } })
      }
    }
    return objects
  }

  async function grade(stepFile: string): Promise<CheckRunResult[]> {
    const stepIndex = lab.steps.findIndex((s) => s.file.endsWith(stepFile))
    const step = lab.steps[stepIndex]
    // Traffic needs a data plane (dataplane/steps.test.ts); here the checks judge what is in the API.
    const checks = (step?.checks ?? []).filter((c) => c.kind !== 'http').map((c) => resolveCheck(c, vars))
    const source = createClusterResourceSource({ kube: { kubeconfigPath: inject('kubeconfig') } })
    if (source.scoped === undefined) {
      throw new Error('the cluster resource source cannot be scoped')
    }
    const scoped = source.scoped(traineeResourceScope(ns, istio, 'hipster'))
    return runChecks(checkKinds, {
      checks,
      context: {
        labId: lab.id,
        stepIndex,
        workspaceDir: workspace,
        vars,
        runCommand: () => Promise.reject(new Error('not used')),
        readWorkspaceFile: () => Promise.resolve(undefined),
        services: { resources: scoped, labEnvironment: createLabEnvironmentSource(labs) },
      },
      failuresBefore: () => 0,
    })
  }

  it('steps 7 (HTTPS) and 9 (shared Gateway): the trainee creates every object, and every check passes', async () => {
    const asTrainee = KubernetesObjectApi.makeApiClient(await serviceAccountConfig(admin, ns, 'trainee'))
    const objects = [...(await solution('07-https')), ...(await solution('09-shared-gateway'))]
    // What lands in istio-system carries the trainee's namespace (before issue 13 (b): 403 there).
    expect(objects.filter((o) => o.metadata?.namespace === istio).map((o) => `${o.kind} ${o.metadata?.name}`)).toEqual([
      `Secret ${ns}-tls`,
      `Gateway ${ns}-gateway`,
    ])
    for (const o of objects) {
      await eventually(`${o.kind} ${o.metadata?.name} created as the trainee`, () =>
        asTrainee.create(o).then(() => true),
      )
    }
    for (const step of ['07-https.md', '09-shared-gateway.md']) {
      const results = await grade(step)
      expect(results.length).toBeGreaterThan(1)
      for (const r of results) {
        expect(r.passed, `${step} ${r.id}: ${r.message}`).toBe(true)
      }
    }
  })

  it("the trainee's checks see their own Secret in istio-system and no other", async () => {
    await core.createNamespacedSecret({
      namespace: istio,
      body: {
        metadata: { name: `other-${cohort.name}` },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': '', 'tls.key': '' },
      },
    })
    try {
      const source = createClusterResourceSource({ kube: { kubeconfigPath: inject('kubeconfig') } })
      const snapshot = await source.scoped!(traineeResourceScope(ns, istio, 'hipster')).list()
      const secrets = snapshot.objects
        .map((o) => o as { kind: string; metadata: { name: string; namespace: string } })
        .filter((o) => o.kind === 'Secret' && o.metadata.namespace === istio)
        .map((o) => o.metadata.name)
      expect(secrets).toEqual([`${ns}-tls`])
    } finally {
      await core.deleteNamespacedSecret({ name: `other-${cohort.name}`, namespace: istio })
    }
  })
})
