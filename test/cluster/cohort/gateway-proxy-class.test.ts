// Issue 15: a class trainee's own Kubernetes Gateway gets its proxy. istiod's real Gateway API
// deployment controller (PILOT_ENABLE_GATEWAY_API with the deployment controller on, rendering the
// kube-gateway template of the istio-sidecar-injector ConfigMap istioctl renders for
// clusters/istio/overlay.yaml, as `kindlab up` installs it) deploys `<gateway>-istio` in the
// trainee's namespace, whose ResourceQuota allows no LoadBalancer and whose LimitRange caps a
// container at 1 CPU. Without the platform's Gateway proxy defaults (plan/gateway-defaults.ts) the
// proxy's pod is refused (CPU limit 2) and so is its Service (LoadBalancer: the route fence's
// policy and the quota); with them, the same
// Gateway gets a ClusterIP Service and a Running pod (kwok), and so does the class's infra/public.
// Then step 1's checks pass as the server runs them on the trainee's view: the status check reads
// what this istiod wrote. Envoy itself is not run here (kwok's pods run no process): the proxy's
// config_dump and real requests are the data-plane suite's (test/cluster/dataplane/).
import { mkdtempSync, rmSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { createClusterResourceSource } from '../../../server/adapters/live/cluster-resource-source.ts'
import { createLabEnvironmentSource } from '../../../server/checks/grader-input-files.ts'
import { checkKinds } from '../../../server/checks/registry.ts'
import { runChecks, type CheckRunResult } from '../../../server/checks/run-checks.ts'
import { CLASS_GATEWAY } from '../../../server/cohorts/plan/class-gateway.ts'
import { GATEWAY_DEFAULTS_NAME, GATEWAY_PROXY_RESOURCES } from '../../../server/cohorts/plan/gateway-defaults.ts'
import { traineeDomain, traineeNamespace, traineeTcpPort } from '../../../server/cohorts/plan/names.ts'
import { traineeResourceScope } from '../../../server/cohorts/plan/rbac.ts'
import { loadLabs, type Lab } from '../../../server/labs/load-labs.ts'
import { resolveCheck, resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import { ensureBinaries } from '../build.ts'
import { eventually, kubeConfig } from '../cluster-client.ts'
import { generateManifest } from '../dataplane/istioctl-install.ts'
import { type GatewayApiIstiod, startGatewayApiIstiod } from '../gateway-api-istiod.ts'
import { istiodNamespace } from '../istiod.ts'
import { backend, cohortName, ensureClassNamespaces, outcome, serviceAccountConfig, untilGone } from './helpers.ts'

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name'
const TEST_MANAGER = 'kindlab-test-gateway-proxy'

/** The injection templates as `kindlab up` installs them: istioctl's rendering of the blueprint's overlay. */
async function sidecarInjector(): Promise<KubernetesObject> {
  const bins = await ensureBinaries({ istio: true, dataplane: true })
  const objects = await generateManifest(bins.istioctl, join(packageRoot(), 'clusters/istio/overlay.yaml'))
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio-sidecar-injector')
  if (cm === undefined) {
    throw new Error('istioctl rendered no istio-sidecar-injector ConfigMap')
  }
  return cm
}

describe("a class trainee's own Gateway gets its proxy from istiod's deployment controller", () => {
  const admin = kubeConfig()
  const { envs } = backend(admin)
  const cohort = cohortName('gwproxy')
  const ns = traineeNamespace(cohort, 'trainee01')
  const workspace = mkdtempSync(join(tmpdir(), 'kindlab-gwproxy-'))
  const core = admin.makeApiClient(CoreV1Api)
  const apps = admin.makeApiClient(AppsV1Api)
  const objects = KubernetesObjectApi.makeApiClient(admin)
  let istiod: GatewayApiIstiod | undefined
  let injector: KubernetesObject | undefined
  let asTrainee: KubeConfig
  let lab: Lab
  let labs: Lab[]
  let vars: Record<string, string>

  const defaultsRef = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: GATEWAY_DEFAULTS_NAME, namespace: istiodNamespace },
  }
  const service = (namespace: string, name: string) =>
    core.readNamespacedService({ name, namespace }).catch(() => undefined)
  const runningPods = async (namespace: string, gateway: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace, labelSelector: `${GATEWAY_NAME_LABEL}=${gateway}` })).items.filter(
      (p) => p.status?.phase === 'Running' && p.metadata?.deletionTimestamp === undefined,
    )

  beforeAll(async () => {
    await ensureClassNamespaces(admin)
    // istiod reads the injection templates from this ConfigMap when it starts without injection files.
    injector = await sidecarInjector()
    await objects.patch(injector, undefined, undefined, TEST_MANAGER, true, PatchStrategy.ServerSideApply)
    // Installs the Gateway API CRDs too: the class cluster serves the Gateway API.
    istiod = await startGatewayApiIstiod(admin, 'gwproxy', { deploymentController: true })
    await envs.prepareShared(cohort)
    await envs.provision(cohort, 'trainee01')
    asTrainee = await serviceAccountConfig(admin, ns, 'trainee')
    labs = (await loadLabs(join(packageRoot(), 'labs'))).labs
    lab = labs.find((l) => l.id === 'gateway-api-ingress')!
    vars = resolveVariables(lab.variables, {
      TRAINEE_DOMAIN: traineeDomain(cohort, 'trainee01'),
      TRAINEE_NAMESPACE: ns,
      LEARNER_NAMESPACE: ns,
      TRAINEE_TCP_PORT: String(traineeTcpPort(cohort, 'trainee01')),
    })
  }, 1_800_000)
  afterAll(async () => {
    await envs.teardown(cohort).catch(() => undefined)
    await istiod?.stop()
    if (injector !== undefined) {
      await objects.delete(injector).catch(() => undefined)
    }
    rmSync(workspace, { recursive: true, force: true })
  }, 120_000)

  /** Step 1's solution objects, created as the trainee in their namespace. */
  async function applyStep1(): Promise<void> {
    const dir = join(packageRoot(), 'labs', 'gateway-api-ingress', 'solution', '01-gateway-and-route')
    const api = KubernetesObjectApi.makeApiClient(asTrainee)
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of parseAllDocuments(substituteVariables(await readFile(join(dir, file), 'utf8'), vars))) {
        const o = doc.toJS() as KubernetesObject
        await eventually(`${o.kind} ${o.metadata?.name} created as the trainee`, () =>
          api.create({ ...o, metadata: { ...o.metadata, namespace: ns } }).then(() => true),
        )
      }
    }
  }

  it("without the class's proxy defaults, the trainee's Gateway gets no proxy: its pod exceeds the LimitRange and its LoadBalancer Service is refused", async () => {
    // The platform as it was: no defaults, so istiod renders the template as it stands.
    await objects.delete(defaultsRef)
    await eventually('the defaults gone', () =>
      objects.read(defaultsRef).then(
        () => undefined,
        () => true,
      ),
    )
    await applyStep1()
    // istiod applies the ServiceAccount and the Deployment; the ReplicaSet's pod is refused.
    const failure = await eventually(
      'the proxy pod refused',
      async () => {
        const sets = await apps.listNamespacedReplicaSet({
          namespace: ns,
          labelSelector: `${GATEWAY_NAME_LABEL}=shop-gateway`,
        })
        const conditions = sets.items.flatMap((s) => s.status?.conditions ?? [])
        return conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True')?.message
      },
      { timeoutMs: 90_000 },
    )
    expect(failure).toMatch(/maximum cpu usage per Container is 1, but limit is 2/)
    const deployment = await apps.readNamespacedDeployment({ name: 'shop-gateway-istio', namespace: ns })
    expect(deployment.status?.readyReplicas ?? 0).toBe(0)
    expect(await runningPods(ns, 'shop-gateway')).toEqual([])
    // Its Service comes after the Deployment in the template: a LoadBalancer, refused by the quota.
    expect(await service(ns, 'shop-gateway-istio')).toBeUndefined()
    const lb = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop-gateway-istio', namespace: ns },
      spec: {
        type: 'LoadBalancer',
        ports: [{ name: 'http', port: 80 }],
        selector: { [GATEWAY_NAME_LABEL]: 'shop-gateway' },
      },
    }
    const refused = await outcome(objects.create(lb, undefined, 'All'))
    expect(refused).toMatchObject({ admitted: false, code: 403 })
    // The route fence's policy answers first (ValidatingAdmissionPolicy runs before the quota's
    // admission, which allows no LoadBalancer either: `services.loadbalancers: 0`).
    expect(refused.admitted ? '' : refused.message).toMatch(/shop-gateway-istio must be a ClusterIP Service/)
  })

  it('with the defaults the platform plans, the same Gateway gets a ClusterIP Service and a Running proxy within the LimitRange, and so does infra/public', async () => {
    // The platform puts them back (the class's shared objects, applied as for every class).
    await envs.prepareShared(cohort)
    const pods = await eventually(
      'a Running proxy pod of shop-gateway',
      async () => {
        const found = await runningPods(ns, 'shop-gateway')
        return found.length > 0 ? found : undefined
      },
      { timeoutMs: 120_000 },
    )
    const proxy = pods[0]?.spec?.containers.find((c) => c.name === 'istio-proxy')
    expect(proxy?.resources).toEqual(GATEWAY_PROXY_RESOURCES)
    const svc = await eventually('the Service shop-gateway-istio', () => service(ns, 'shop-gateway-istio'))
    expect(svc.spec?.type).toBe('ClusterIP')
    expect(svc.spec?.ports?.map((p) => p.port)).toContain(80)
    // The class's shared Gateway: its proxy too, reached inside the cluster by its Service's name.
    const shared = await eventually('the Service public-istio', () =>
      service(CLASS_GATEWAY.namespace, `${CLASS_GATEWAY.name}-istio`),
    )
    expect(shared.spec?.type).toBe('ClusterIP')
    await eventually('a Running proxy pod of infra/public', async () => {
      const found = await runningPods(CLASS_GATEWAY.namespace, CLASS_GATEWAY.name)
      return found.length > 0 ? true : undefined
    })
  })

  async function grade(): Promise<CheckRunResult[]> {
    const stepIndex = lab.steps.findIndex((s) => s.file.endsWith('01-gateway-and-route.md'))
    const checks = (lab.steps[stepIndex]?.checks ?? []).map((c) => resolveCheck(c, vars))
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
          resources: source.scoped(traineeResourceScope(ns, istiodNamespace, 'hipster')),
          labEnvironment: createLabEnvironmentSource(labs),
        },
      },
      failuresBefore: () => 0,
    })
  }

  it("step 1's checks pass on the trainee's view, the status check on what istiod wrote", async () => {
    let last: CheckRunResult[] = []
    await eventually(
      'every check of step 1 to pass',
      async () => {
        last = await grade()
        return last.every((r) => r.passed) ? true : undefined
      },
      { timeoutMs: 60_000 },
    ).catch(() => undefined)
    const step = lab.steps.find((st) => st.file.endsWith('01-gateway-and-route.md'))
    expect(last.map((r) => r.id)).toEqual(step?.checks?.map((c) => c.id))
    expect(last.map((r) => r.id)).toContain('shop-route-accepted')
    for (const r of last) {
      expect(r.passed, `${r.id}: ${r.message}`).toBe(true)
    }
    // The route's status is istiod's, not the prediction.
    type Route = KubernetesObject & { status?: { parents?: Array<{ controllerName?: string }> } }
    const route = await objects.read<Route>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'shop', namespace: ns },
    })
    expect(route.status?.parents?.map((p) => p.controllerName)).toEqual(['istio.io/gateway-controller'])
  })

  it('teardown of the last class removes the defaults with the shared Gateway', async () => {
    await envs.teardown(cohort)
    await untilGone(envs, cohort)
    await expect(objects.read(defaultsRef)).rejects.toThrow()
    const gateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { ...CLASS_GATEWAY } }
    await expect(objects.read(gateway)).rejects.toThrow()
  })
})
