// `kindlab up --context` against the REAL control plane (kwok nodes run the pods): the executors
// server-side apply the shop and the dashboards, watch until every Deployment is available, resume
// without undoing a learner's change, and fail in time with the pod's own reason.
import { readFileSync, rmSync } from 'node:fs'
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKubeOps, type KubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import type { ProgressEventDto } from '../../../server/protocol/api-dto.ts'
import { loadBlueprint, type Blueprint } from '../../../server/provision/blueprint.ts'
import { createStepRunner } from '../../../server/provision/executors.ts'
import { planUp, type Plan } from '../../../server/provision/plan.ts'
import { runPlan } from '../../../server/provision/run-plan.ts'
import { kubeConfig } from '../cluster-client.ts'
import { installYamlFromModule } from '../gateway-api-crds.ts'
import { clusterTarget, testAdapters } from './harness.ts'
import { istioStandIn } from './istio-stand-in.ts'

/** The last event of each step. */
function finalStates(events: readonly ProgressEventDto[]): Record<string, string> {
  return Object.fromEntries(events.filter((e) => e.state !== 'running').map((e) => [e.step, e.state]))
}

describe.skipIf(inject('clusterKind') !== 'sim')(
  'kindlab up --context on a real control plane (only on the simulated control plane: it replaces istio-system)',
  () => {
    const target = clusterTarget()
    const { adapters, recorded, workDir } = testAdapters()
    let bp: Blueprint
    let ops: KubeOps
    let kc: KubeConfig
    let plan: Plan
    const run = async (p: Plan): Promise<ProgressEventDto[]> => {
      const events: ProgressEventDto[] = []
      await runPlan(p, createStepRunner(p, adapters), {
        signal: new AbortController().signal,
        onProgress: (e) => events.push(e),
      })
      return events
    }

    beforeAll(async () => {
      bp = await loadBlueprint()
      kc = kubeConfig()
      ops = createKubeOps(target)
      // An existing cluster with Istio already installed (as `istioctl install` would leave it).
      await ops.apply(istioStandIn(bp, { nodePorts: false }))
      plan = planUp(bp, {
        target: { type: 'context', context: target.context },
        kubeconfigPath: target.kubeconfigPath,
        workDir,
        readyTimeoutMs: 120_000,
      })
    })

    afterAll(async () => {
      // Other suites share istio-system and hipster (they create them when missing): delete what this
      // file created in them, never the namespaces themselves (a terminating namespace refuses objects).
      const created = [
        ...istioStandIn(bp, { nodePorts: true }),
        ...[...bp.addons.manifests, ...bp.app.manifests].flatMap((f) => f.objects),
      ].filter((o) => o.kind !== 'Namespace')
      await ops?.delete(created).catch(() => undefined)
      rmSync(workDir, { recursive: true, force: true })
    })

    it('applies the shop and the dashboards and watches until all 17 Deployments are available', async () => {
      const events = await run(plan)
      expect(finalStates(events)).toEqual({
        context: 'done',
        istio: 'skipped',
        app: 'done',
        addons: 'done',
        ready: 'done',
      })
      expect(
        events.some((e) =>
          /^waiting for deployment [a-z-]+\/[a-z-]+: (\d+\/\d+ ready|not created yet) \(\d+ of 17 ready/.test(
            e.detail ?? '',
          ),
        ),
      ).toBe(true)
      expect(recorded.istioctl).toEqual([])
      const shop = await ops.deployments(bp.app.namespace)
      expect(shop).toHaveLength(11)
      expect(shop.every((d) => d.available)).toBe(true)
      const frontend = await kc
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment({ name: 'frontend', namespace: 'hipster' })
      expect(frontend.metadata?.managedFields?.some((f) => f.manager === 'kindlab' && f.operation === 'Apply')).toBe(
        true,
      )
      const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'hipster' })
      expect(ns.metadata?.labels?.['istio-injection']).toBe('enabled')
      expect(ns.metadata?.annotations?.['kindlab.dev/app-applied']).toContain('Online Boutique')
    })

    it('resumes without undoing the learner: a re-run skips the app, so a deleted frontend-external stays deleted', async () => {
      const core = kc.makeApiClient(CoreV1Api)
      await core.deleteNamespacedService({ name: 'frontend-external', namespace: 'hipster' })
      const events = await run(plan)
      expect(finalStates(events)).toEqual({
        context: 'done',
        istio: 'skipped',
        app: 'skipped',
        addons: 'done',
        ready: 'done',
      })
      const services = (await core.listNamespacedService({ namespace: 'hipster' })).items.map((s) => s.metadata?.name)
      expect(services).toContain('frontend')
      expect(services).not.toContain('frontend-external')
      // The marker's own field manager did not take the namespace's label away from `kindlab`.
      expect((await core.readNamespace({ name: 'hipster' })).metadata?.labels?.['istio-injection']).toBe('enabled')
    })

    it("fails in time with the pod's own reason, and stops on Ctrl-C", async () => {
      const stuck = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'stuck', namespace: 'hipster' },
        spec: {
          selector: { matchLabels: { app: 'stuck' } },
          template: {
            metadata: { labels: { app: 'stuck' } },
            spec: {
              nodeSelector: { 'kindlab.dev/no-such-node': 'x' },
              containers: [{ name: 'c', image: 'redis:alpine' }],
            },
          },
        },
      }
      await ops.apply([stuck])
      const refs = [
        { namespace: 'hipster', name: 'frontend' },
        { namespace: 'hipster', name: 'stuck' },
      ]
      const details: string[] = []
      const err = await ops
        .waitForDeployments(refs, { timeoutMs: 6000, onProgress: (d) => details.push(d) })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'LAB_ERR_KUBE_TIMEOUT' })
      expect((err as { hint?: string }).hint).toMatch(/^hipster\/stuck-[a-z0-9-]+ reports Unschedulable/)
      expect(details.at(-1)).toMatch(
        /^waiting for deployment hipster\/stuck: 0\/1 ready \(1 of 2 ready; hipster\/stuck-.+: Unschedulable\)$/,
      )
      const abort = new AbortController()
      const waiting = ops.waitForDeployments(refs, {
        timeoutMs: 60_000,
        signal: abort.signal,
        onProgress: () => abort.abort(),
      })
      await expect(waiting).rejects.toMatchObject({ code: 'LAB_ERR_ABORTED' })
      await ops.delete([stuck])
    })

    it('plans and runs the Gateway API step for kind: every file checked against its pin, then applied', async () => {
      const kindPlan = {
        ...planUp(bp, {
          target: { type: 'kind', clusterName: 'kindlab' },
          kubeconfigPath: target.kubeconfigPath,
          workDir,
        }),
        context: target.context,
      }
      const crds = kindPlan.steps.find((s) => s.id === 'gateway-api')
      if (!crds) {
        throw new Error('no gateway-api step')
      }
      const step = createStepRunner(kindPlan, adapters)
      const ctx = { signal: new AbortController().signal, report: () => undefined }
      // The harness serves the install file assembled from the go.sum-verified module.
      expect(await step(crds, ctx)).toEqual({ state: 'done', detail: '12 objects of Gateway API v1.6.0 applied' })
      const httproutes = await kc
        .makeApiClient(ApiextensionsV1Api)
        .readCustomResourceDefinition({ name: 'httproutes.gateway.networking.k8s.io' })
      expect(httproutes.metadata?.annotations?.['gateway.networking.k8s.io/bundle-version']).toBe('v1.6.0')
      expect(httproutes.metadata?.annotations?.['gateway.networking.k8s.io/channel']).toBe('standard')
      // A tampered file is refused before anything is applied.
      const tampered = createStepRunner(kindPlan, {
        ...adapters,
        downloadText: async () => (await installYamlFromModule()).replace('GatewayClass', 'GatewayKlass'),
      })
      await expect(tampered(crds, ctx)).rejects.toMatchObject({ code: 'LAB_ERR_CHECKSUM_MISMATCH' })
    })

    it("plans and runs the Istio step for kind: the overlay's fixed node ports are accepted, a matching install is kept, another version is replaced", async () => {
      // The API server validates the overlay's node ports (range, uniqueness) on a NodePort Service.
      await ops.apply(istioStandIn(bp, { nodePorts: true }))
      const kindPlan = {
        ...planUp(bp, {
          target: { type: 'kind', clusterName: 'kindlab' },
          kubeconfigPath: target.kubeconfigPath,
          workDir,
        }),
        context: target.context,
      }
      const istio = kindPlan.steps.find((s) => s.id === 'istio')
      if (!istio) {
        throw new Error('no istio step')
      }
      const state = await ops.istioState(bp.istio.namespace, bp.istio.ingress.service)
      expect(state).toMatchObject({ istiodTag: '1.31.1', ingressType: 'NodePort' })
      expect(state.nodePorts).toEqual(expect.arrayContaining([30021, 30080, 30443, 30306]))
      const step = createStepRunner(kindPlan, adapters)
      const ctx = { signal: new AbortController().signal, report: () => undefined }
      expect(await step(istio, ctx)).toEqual({ state: 'skipped', detail: 'Istio 1.31.1 is already installed' })
      expect(recorded.istioctl).toEqual([])

      await ops.apply(istioStandIn(bp, { nodePorts: true, tag: '1.30.2' }))
      expect(await step(istio, ctx)).toEqual({ state: 'done', detail: 'Istio 1.31.1 installed' })
      expect(recorded.istioctl).toEqual([
        {
          overlayPath: `${workDir}/istio-overlay.yaml`,
          target: { kubeconfig: target.kubeconfigPath, context: target.context },
        },
      ])
      expect(parse(readFileSync(`${workDir}/istio-overlay.yaml`, 'utf8'))).toEqual(bp.istio.overlay)
    })
  },
)
