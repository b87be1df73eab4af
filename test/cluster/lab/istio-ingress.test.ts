// The istio-ingress lab against a REAL kube-apiserver with Istio's CRDs: every solution object is
// accepted by server-side apply (CRD schemas included), and each step graded against the objects
// as the API server returns them (defaults filled in, timestamps set) passes, while a mistake is
// still caught with the same hint. istio-system objects are applied for real only on the built-in
// control plane; against KUBECONFIG_TEST they are dry-run, and steps needing them are not graded.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  ApiException,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { gradeFiles } from '../../../server/checks/grade-files.ts'
import { createLabEnvironmentSource } from '../../../server/checks/grader-input-files.ts'
import type { ResourceSnapshot, ResourceSource } from '../../../server/checks/live-services.ts'
import { checkKinds } from '../../../server/checks/registry.ts'
import { runChecks } from '../../../server/checks/run-checks.ts'
import type { CheckContext } from '../../../server/checks/types.ts'
import { loadLabs, type Lab, type Step } from '../../../server/labs/load-labs.ts'
import { resolveCheck, resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import { kubeConfig, testNamespace } from '../cluster-client.ts'

const labDir = join(packageRoot(), 'labs', 'istio-ingress')
const manager = 'kindlab-lab-test'

let kc: KubeConfig
let ns: { name: string; remove: () => Promise<void> }
let lab: Lab
let vars: Record<string, string>
const createdInIstioSystem: KubernetesObject[] = []

const stepDir = (s: Step): string => `${String(s.index + 1).padStart(2, '0')}-${s.slug}`

async function objectsOf(dir: string): Promise<KubernetesObject[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()
  const out: KubernetesObject[] = []
  for (const name of names) {
    const text = substituteVariables(await readFile(join(dir, name), 'utf8'), vars)
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as KubernetesObject | null
      if (o !== null && o.apiVersion !== 'kindlab.dev/v1') {
        out.push({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? ns.name } })
      }
    }
  }
  return out
}

async function apply(objects: readonly KubernetesObject[], dryRun: boolean): Promise<KubernetesObject[]> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  const applied: KubernetesObject[] = []
  for (const o of objects) {
    applied.push(
      await api.patch(o, undefined, dryRun ? 'All' : undefined, manager, true, PatchStrategy.ServerSideApply),
    )
  }
  return applied
}

/** A resource source serving the objects exactly as the API server returns them. */
function apiSource(objects: readonly KubernetesObject[]): ResourceSource {
  return {
    describe: () => 'the test namespace',
    async list(): Promise<ResourceSnapshot> {
      const api = KubernetesObjectApi.makeApiClient(kc)
      const read = await Promise.all(
        objects.map((o) =>
          api.read({
            apiVersion: o.apiVersion ?? '',
            kind: o.kind ?? '',
            metadata: { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace ?? '' },
          }),
        ),
      )
      const plain = read.map((o) => JSON.parse(JSON.stringify(o)) as unknown)
      return { objects: plain, origins: plain.map(() => ({})), problems: [] }
    },
  }
}

async function grade(step: Step, objects: readonly KubernetesObject[]) {
  const context: CheckContext = {
    labId: lab.id,
    stepIndex: step.index,
    workspaceDir: '.',
    vars,
    runCommand: () => Promise.resolve({ exitCode: 1, output: '', timedOut: false }),
    readWorkspaceFile: () => Promise.resolve(undefined),
    services: { resources: apiSource(objects), labEnvironment: createLabEnvironmentSource([lab]) },
  }
  const checks = step.checks.map((c) => resolveCheck(c, vars))
  return runChecks(checkKinds, { checks, context, failuresBefore: () => Number.MAX_SAFE_INTEGER })
}

beforeAll(async () => {
  kc = kubeConfig()
  ns = await testNamespace(kc, 'ingress')
  const core = kc.makeApiClient(CoreV1Api)
  await core.createNamespace({ body: { metadata: { name: 'istio-system' } } }).catch((err: unknown) => {
    if (!(err instanceof ApiException && err.code === 409)) {
      throw err
    }
  })
  const { labs } = await loadLabs(join(packageRoot(), 'labs'))
  lab = labs.find((l) => l.id === 'istio-ingress')!
  vars = resolveVariables(lab.variables, { LEARNER_NAMESPACE: ns.name })
})

afterAll(async () => {
  const api = KubernetesObjectApi.makeApiClient(kc)
  for (const o of createdInIstioSystem) {
    await api.delete(o).catch(() => undefined)
  }
  await ns?.remove()
})

describe('istio-ingress on a real API server', () => {
  it('accepts every solution object (CRD schemas included) with server-side apply', async () => {
    for (const step of lab.steps) {
      const objects = await objectsOf(join(labDir, 'solution', stepDir(step)))
      await expect(apply(objects, true), step.slug).resolves.toHaveLength(objects.length)
    }
  })

  it("accepts every mistake under the CRD schemas (istiod's webhook, absent here, would refuse the IST0106 ones)", async () => {
    for (const step of await readdir(join(labDir, 'mistakes'))) {
      for (const name of (await readdir(join(labDir, 'mistakes', step))).filter((n) => n.endsWith('.yaml'))) {
        const text = substituteVariables(await readFile(join(labDir, 'mistakes', step, name), 'utf8'), vars)
        const objects = parseAllDocuments(text)
          .map((d) => d.toJS() as KubernetesObject)
          .filter((o) => o.apiVersion !== 'kindlab.dev/v1')
          .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? ns.name } }))
        await expect(apply(objects, true), `${step}/${name}`).resolves.toHaveLength(objects.length)
      }
    }
  })

  it('grades each step from the objects the API server returns: every check passes but deletions, which stay unverified', async () => {
    const real = inject('clusterKind') === 'sim'
    for (const step of lab.steps) {
      const objects = await objectsOf(join(labDir, 'solution', stepDir(step)))
      const needsIstioSystem = objects.some((o) => o.metadata?.namespace === 'istio-system')
      if (needsIstioSystem && !real) {
        continue
      }
      await apply(objects, false)
      createdInIstioSystem.push(...objects.filter((o) => o.metadata?.namespace === 'istio-system'))
      const results = await grade(step, objects)
      expect(
        results
          .filter((r) => r.status !== 'passed' && r.status !== 'unverified')
          .map((r) => `${r.id}: ${r.message} ${r.hint ?? ''}`),
        step.slug,
      ).toEqual([])
      // This source reads back only the objects it applied, so it cannot show that step 3's
      // frontend-external is gone: that check is unverified (never a pass), and nothing else is.
      for (const r of results.filter((x) => x.status === 'unverified')) {
        expect(r.passed, r.id).toBe(false)
        expect(r.message, `${step.slug}/${r.id}`).toMatch(/`kubectl delete` is not visible/)
      }
    }
  })

  it('still catches a mistake in API objects, with the same hint as from the file', async () => {
    const step = lab.steps[3]!
    const file = join(labDir, 'mistakes', stepDir(step), 'vs-missing-gateways.yaml')
    const text = substituteVariables(await readFile(file, 'utf8'), vars)
    const objects = parseAllDocuments(text)
      .map((d) => d.toJS() as KubernetesObject)
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns.name } }))
    await apply(objects, false)
    const fromApi = (await grade(step, objects)).find((r) => r.id === 'shop-route')
    const fromFile = (await gradeFiles(lab, step, [{ file: 'vs-missing-gateways.yaml', text }], vars)).checks.find(
      (c) => c.id === 'shop-route',
    )
    expect(fromApi?.passed).toBe(false)
    expect(fromApi?.hint).toMatch(/gateways/)
    expect(fromApi?.hint?.replace(/\s*\[[^\]]*\]/g, '')).toBe(fromFile?.hint?.replace(/\s*\[[^\]]*\]/g, ''))
  })
})
