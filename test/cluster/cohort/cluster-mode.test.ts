// Cluster mode end to end through the same planner and executors as `kindlab up`, for two
// trainees of one cohort, then teardown. Stand-ins (kind-stand-in.ts), because kind and istioctl
// need Docker: each trainee's "kind cluster" is a REAL control plane that the kind stand-in starts
// (its own kube-apiserver, etcd, controllers and kwok node), and istioctl's install applies what
// istioctl leaves behind. Real: the planner, the plan runner, the executors, the Kubernetes adapter
// (server-side apply of the shop, the dashboards and the workspace; the watch until 18 Deployments
// are available), kubeconfig files and folders in the data dir, the trainee's namespace-scoped
// identity and Pod Security there (not cluster-admin of a privileged kind node), and teardown.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type ApiException,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { createWorkspacePods } from '../../../server/adapters/kube/pods.ts'
import { createTextResourceSource } from '../../../server/checks/grader-input-files.ts'
import { writeDataFile } from '../../../server/adapters/kind/cluster-adapters.ts'
import { installYamlFromModule } from '../gateway-api-crds.ts'
import { createKindEnvironments } from '../../../server/cohorts/cluster/kind-environments.ts'
import { workspacePod } from '../../../server/cohorts/cluster/trainee-cluster-exec.ts'
import type { EnvironmentBackend } from '../../../server/cohorts/environments.ts'
import { clusterTraineeVars, CLUSTER_WORKSPACE_NAMESPACE } from '../../../server/cohorts/plan/cluster-plan.ts'
import { servicesForSession } from '../../../server/cohorts/session-services.ts'
import type { ProgressEventDto } from '../../../server/protocol/api-dto.ts'
import { loadBlueprint, type Blueprint } from '../../../server/provision/blueprint.ts'
import { cleanupSync } from '../controlplane.ts'
import { istioctlStandIn, kindStandIn } from './kind-stand-in.ts'
import { eventually } from '../cluster-client.ts'
import { attempt, cohortName, serviceAccountConfig } from './helpers.ts'

const trainees = ['trainee01', 'trainee02'] as const

/**
 * As the trainee's ServiceAccount in their own cluster: no node-root pod in the shop's namespace
 * (Pod Security baseline), no pods elsewhere, no Secrets of Istio's namespace to read, and only a
 * TLS Secret of the lab's name to create there; an ordinary pod in the shop's namespace is fine.
 */
async function expectTraineeFenced(kc: KubeConfig): Promise<void> {
  const asTrainee = await serviceAccountConfig(kc, CLUSTER_WORKSPACE_NAMESPACE, 'trainee')
  const pod = (namespace: string, securityContext: object = {}) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe', namespace },
      spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext }] },
    }) as KubernetesObject
  const secret = (type: string) =>
    ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'hipster-credential',
        namespace: 'istio-system',
        annotations: { 'kubernetes.io/service-account.name': 'istiod' },
      },
      type,
      ...(type === 'kubernetes.io/tls' ? { data: { 'tls.crt': '', 'tls.key': '' } } : {}),
    }) as KubernetesObject
  expect(await attempt(asTrainee, pod('hipster', { privileged: true }))).toMatchObject({
    admitted: false,
    message: expect.stringMatching(/violates PodSecurity "baseline:latest": privileged/) as unknown,
  })
  expect(await attempt(asTrainee, pod('hipster'))).toEqual({ admitted: true })
  expect(await attempt(asTrainee, pod('kube-system'))).toMatchObject({ admitted: false, code: 403 })
  const secrets = await asTrainee
    .makeApiClient(CoreV1Api)
    .listNamespacedSecret({ namespace: 'istio-system' })
    .catch((e: unknown) => e)
  expect((secrets as ApiException<string>).code).toBe(403)
  await eventually('the gateway-secrets policy to refuse a token Secret', async () => {
    const o = await attempt(asTrainee, secret('kubernetes.io/service-account-token'))
    return !o.admitted && /must be TLS Secrets/.test(o.message) ? o : undefined
  })
  expect(await attempt(asTrainee, secret('kubernetes.io/tls'))).toEqual({ admitted: true })
}

describe.skipIf(inject('clusterKind') !== 'sim')(
  'cluster mode: a kind cluster per trainee through the executors (kind stand-in: a real control plane per trainee; istioctl stand-in; only on the built-in control plane, whose binaries it reuses)',
  () => {
    const cohort = { ...cohortName('kc'), mode: 'cluster' as const }
    const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-cluster-mode-'))
    const kind = kindStandIn((line) => process.stderr.write(`[cluster-mode] ${line}\n`))
    let bp: Blueprint
    let istio: ReturnType<typeof istioctlStandIn>
    let envs: EnvironmentBackend
    const events: Record<string, ProgressEventDto[]> = { trainee01: [], trainee02: [] }
    const folder = (t: string) => join(dataDir, 'cohort-clusters', cohort.name, t)
    const kubeconfigOf = (t: string) => join(folder(t), 'kubeconfig')
    const clientOf = (t: string) => {
      const kc = new KubeConfig()
      kc.loadFromFile(kubeconfigOf(t))
      return kc
    }

    beforeAll(async () => {
      process.on('exit', cleanupSync)
      bp = await loadBlueprint()
      istio = istioctlStandIn(bp)
      envs = createKindEnvironments({
        dataDir,
        adapters: {
          kind: kind.kind,
          istioctl: istio.istioctl,
          kube: (t) => createKubeOps(t),
          writeText: writeDataFile,
          downloadText: () => installYamlFromModule(),
        },
        blueprint: () => Promise.resolve(bp),
        readyTimeoutMs: 240_000,
      })
    }, 60_000)

    afterAll(async () => {
      await kind.stopAll()
      process.removeListener('exit', cleanupSync)
      rmSync(dataDir, { recursive: true, force: true })
    }, 60_000)

    it('builds both trainees’ clusters: own names, kubeconfigs (0600), host ports, shop and workspace', async () => {
      await envs.prepareShared(cohort)
      await Promise.all(trainees.map((t) => envs.provision(cohort, t, (e) => events[t]?.push(e))))

      // kind was asked for two clusters, each with its own config, kubeconfig and host ports.
      const creates = kind.calls.filter((c) => c.op === 'create').sort((a, b) => a.name.localeCompare(b.name))
      expect(creates.map((c) => [c.name, c.configPath, c.kubeconfigPath, c.hostPorts])).toEqual([
        [
          `kl-${cohort.name}-trainee01`,
          join(folder('trainee01'), 'kind-cluster.yaml'),
          kubeconfigOf('trainee01'),
          [10_090, 10_453, 13_316],
        ],
        [
          `kl-${cohort.name}-trainee02`,
          join(folder('trainee02'), 'kind-cluster.yaml'),
          kubeconfigOf('trainee02'),
          [10_100, 10_463, 13_326],
        ],
      ])
      // Each kubeconfig is private and reaches that trainee's own API server.
      const servers = trainees.map((t) => {
        expect(statSync(kubeconfigOf(t)).mode & 0o777).toBe(0o600)
        const kc = clientOf(t)
        expect(kc.getCurrentContext()).toBe(`kind-kl-${cohort.name}-${t}`)
        return kc.getCurrentCluster()?.server
      })
      expect(new Set(servers).size).toBe(2)
      const shared = new KubeConfig()
      shared.loadFromFile(inject('kubeconfig'))
      expect(servers).not.toContain(shared.getCurrentCluster()?.server)
      expect(istio.calls.map((c) => [c.context, c.kubeconfig]).sort()).toEqual(
        trainees.map((t) => [`kind-kl-${cohort.name}-${t}`, kubeconfigOf(t)]),
      )
      for (const t of trainees) {
        const kc = clientOf(t)
        const apps = kc.makeApiClient(AppsV1Api)
        const shop = (await apps.listNamespacedDeployment({ namespace: bp.app.namespace })).items
        expect(shop).toHaveLength(11)
        const workspace = await apps.readNamespacedDeployment({
          name: 'workspace',
          namespace: CLUSTER_WORKSPACE_NAMESPACE,
        })
        expect(workspace.status?.availableReplicas).toBe(1)
        const env = workspace.spec?.template.spec?.containers[0]?.env ?? []
        expect(env).toContainEqual({ name: 'TRAINEE_CLUSTER', value: `kl-${cohort.name}-${t}` })
        // Not cluster-admin: cluster-wide the trainee only reads (view leaves Secrets out).
        const bindings = (await kc.makeApiClient(RbacAuthorizationV1Api).listClusterRoleBinding()).items.filter((b) =>
          b.subjects?.some((s) => s.name === 'trainee' && s.namespace === CLUSTER_WORKSPACE_NAMESPACE),
        )
        expect(bindings.map((b) => b.roleRef.name).sort()).toEqual(['kindlab-trainee-istio-read', 'view'])
        await expectTraineeFenced(kc)
        // The terminal finds the workspace Deployment's running pod by its label.
        const pod = await workspacePod(createWorkspacePods(kc), CLUSTER_WORKSPACE_NAMESPACE, `kl-${cohort.name}-${t}`)
        expect(pod).toMatch(/^workspace-/)
        // Progress: every step of `kindlab up`'s plan, plus the workspace, done in order.
        const finals = (events[t] ?? []).filter((e) => e.state !== 'running')
        expect(finals.map((e) => `${e.index + 1}/${e.total} ${e.step} ${e.state}`)).toEqual([
          '1/7 cluster done',
          '2/7 gateway-api done',
          '3/7 istio done',
          '4/7 app done',
          '5/7 addons done',
          '6/7 workspace done',
          '7/7 ready done',
        ])
        expect((events[t] ?? []).some((e) => /^waiting for deployment /.test(e.detail ?? ''))).toBe(true)
      }
      // Each trainee's checks read their own cluster: trainee02's frontend is in trainee02's API.
      const session = {
        id: 's',
        kind: 'trainee',
        displayName: undefined,
        workspaceDir: dataDir,
        vars: clusterTraineeVars(cohort, 'trainee02'),
        createdAt: 0,
        lastSeenAt: 0,
      }
      const offline = { resources: createTextResourceSource([], 'no resources') }
      const services = servicesForSession(session, offline, { dataDir, blueprint: () => Promise.resolve(bp) })
      const snapshot = await services.resources.list()
      const frontend = snapshot.objects.find(
        (o) =>
          (o as { kind: string; metadata: { name: string } }).kind === 'Service' &&
          (o as { metadata: { name: string } }).metadata.name === 'frontend',
      ) as { metadata: { uid: string } } | undefined
      const own = await clientOf('trainee02')
        .makeApiClient(CoreV1Api)
        .readNamespacedService({ name: 'frontend', namespace: bp.app.namespace })
      expect(frontend?.metadata.uid).toBe(own.metadata?.uid)

      expect((await envs.leftovers(cohort)).sort()).toEqual([
        `folder ${join(dataDir, 'cohort-clusters', cohort.name)}`,
        `kind cluster kl-${cohort.name}-trainee01`,
        `kind cluster kl-${cohort.name}-trainee02`,
      ])
      expect(await envs.cohortsInCluster()).toEqual([cohort.name])
    }, 600_000)

    it('a rebuild reuses a trainee’s running cluster and skips what is done', async () => {
      const again: ProgressEventDto[] = []
      await envs.provision(cohort, 'trainee01', (e) => again.push(e))
      const finals = again.filter((e) => e.state !== 'running').map((e) => `${e.step} ${e.state}`)
      expect(finals).toEqual([
        'cluster skipped',
        // The Gateway API CRDs are applied again (server-side apply: nothing changes).
        'gateway-api done',
        'istio skipped',
        'app skipped',
        'addons done',
        'workspace done',
        'ready done',
      ])
      expect(kind.calls.filter((c) => c.op === 'create')).toHaveLength(2)
    }, 300_000)

    it('tears down both clusters and their kubeconfigs and folders', async () => {
      await envs.teardown(cohort)
      expect(
        kind.calls
          .filter((c) => c.op === 'delete')
          .map((c) => [c.name, c.kubeconfigPath])
          .sort(),
      ).toEqual(trainees.map((t) => [`kl-${cohort.name}-${t}`, kubeconfigOf(t)]))
      expect(kind.planes.size).toBe(0)
      for (const t of trainees) {
        expect(existsSync(kubeconfigOf(t))).toBe(false)
      }
      expect(existsSync(join(dataDir, 'cohort-clusters', cohort.name))).toBe(false)
      expect(await envs.leftovers(cohort)).toEqual([])
      expect(await envs.cohortsInCluster()).toEqual([])
    }, 120_000)
  },
)
