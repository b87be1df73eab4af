// Namespace-mode isolation against the real control plane: a trainee's ServiceAccount works in
// its own namespace and gets 403 in another's; the API server accepts the NetworkPolicies (ingress
// and egress) in the shape planned, with the API server's real address for the workspace pod (the
// control plane has no network plugin, so the policies are validated and stored, not enforced);
// the admission policy rejects Gateway and VirtualService hosts outside the trainee's domain;
// teardown leaves nothing behind.
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
  type KubeConfig,
  type V1NetworkPolicy,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planTrainee } from '../../../server/cohorts/plan/namespace-plan.ts'
import { eventually, kubeConfig } from '../cluster-client.ts'
import { backend, cohortName, ensureClassNamespaces, serviceAccountConfig, untilGone } from './helpers.ts'

const cohort = cohortName('iso')
const a = planTrainee(cohort, 'trainee01')
const b = planTrainee(cohort, 'trainee02')

function virtualService(name: string, host: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: { hosts: [host], gateways: ['shop'], http: [{ route: [{ destination: { host: 'frontend' } }] }] },
  }
}

function gateway(name: string, host: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] }],
    },
  }
}

async function status(p: Promise<unknown>): Promise<number> {
  return p.then(
    () => 200,
    (e: unknown) => (e instanceof ApiException ? (e as ApiException<unknown>).code : -1),
  )
}

describe('cohort isolation (namespace mode)', () => {
  let kc: KubeConfig
  let asA: KubeConfig
  const { envs } = backend(kubeConfig())

  beforeAll(async () => {
    kc = kubeConfig()
    await ensureClassNamespaces(kc)
    await envs.prepareShared(cohort)
    await Promise.all([envs.provision(cohort, 'trainee01'), envs.provision(cohort, 'trainee02')])
    asA = await serviceAccountConfig(kc, a.namespace, 'trainee')
  })
  afterAll(async () => {
    await envs.teardown(cohort)
  })

  it("lets A work in A's namespace and refuses B's (403)", async () => {
    const core = asA.makeApiClient(CoreV1Api)
    expect(await status(core.listNamespacedPod({ namespace: a.namespace }))).toBe(200)
    expect(
      await status(
        core.createNamespacedConfigMap({
          namespace: a.namespace,
          body: { metadata: { name: 'notes' }, data: { x: '1' } },
        }),
      ),
    ).toBe(200)
    expect(await status(core.listNamespacedPod({ namespace: b.namespace }))).toBe(403)
    expect(await status(core.deleteNamespacedPod({ name: 'workspace', namespace: b.namespace }))).toBe(403)
    expect(
      await status(core.createNamespacedConfigMap({ namespace: b.namespace, body: { metadata: { name: 'evil' } } })),
    ).toBe(403)
    // Nor can A relabel its own namespace to escape the policy, or loosen its quota. Where the
    // cluster serves the Gateway API, RBAC lets A patch its namespace (the shared-Gateway label)
    // and the namespace-label fence refuses the rest, once in force (policies load asynchronously).
    const annotate = () =>
      status(
        core.patchNamespace({
          name: a.namespace,
          body: [{ op: 'add', path: '/metadata/annotations/x', value: 'y' }],
          dryRun: 'All',
        }),
      )
    expect(
      await eventually('the namespace to refuse the change', async () =>
        (await annotate()) === 403 ? 403 : undefined,
      ),
    ).toBe(403)
    expect(await status(core.deleteNamespacedResourceQuota({ name: 'kindlab-quota', namespace: a.namespace }))).toBe(
      403,
    )
    // Read-only bits elsewhere: the ingress gateway Service (if present), Istio objects cluster-wide.
    const custom = asA.makeApiClient(CustomObjectsApi)
    expect(
      await status(
        custom.listNamespacedCustomObject({
          group: 'networking.istio.io',
          version: 'v1',
          namespace: b.namespace,
          plural: 'virtualservices',
        }),
      ),
    ).toBe(200)
    expect(
      await status(
        custom.deleteNamespacedCustomObject({
          group: 'networking.istio.io',
          version: 'v1',
          namespace: b.namespace,
          plural: 'virtualservices',
          name: 'x',
        }),
      ),
    ).toBe(403)
  })

  it('stores the NetworkPolicies as planned: egress only to DNS, the shop, istiod, the gateway, and the API server for the workspace', async () => {
    const net = kc.makeApiClient(NetworkingV1Api)
    const policies = (await net.listNamespacedNetworkPolicy({ namespace: a.namespace })).items
    const byName = new Map(policies.map((p): [string, V1NetworkPolicy] => [p.metadata?.name ?? '', p]))
    expect([...byName.keys()].sort()).toEqual([
      'kindlab-gateway-dashboards',
      'kindlab-isolation',
      'kindlab-workspace-api',
    ])
    const isolation = byName.get('kindlab-isolation')?.spec
    expect(isolation?.policyTypes).toEqual(['Ingress', 'Egress'])
    const egress = isolation?.egress ?? []
    const peers = (i: number) =>
      (egress[i]?.to ?? []).map((t) => ({
        ns: t.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'],
        pods: t.podSelector?.matchLabels,
      }))
    const ports = (i: number) => (egress[i]?.ports ?? []).map((p) => `${p.protocol}/${String(p.port)}`)
    expect(egress).toHaveLength(6)
    expect(peers(0)).toEqual([{ ns: undefined, pods: undefined }])
    expect(peers(1)).toEqual([{ ns: 'kube-system', pods: { 'k8s-app': 'kube-dns' } }])
    expect(ports(1)).toEqual(['UDP/53', 'TCP/53'])
    expect(peers(2)).toEqual([{ ns: 'hipster', pods: undefined }])
    expect(peers(3)).toEqual([{ ns: 'istio-system', pods: { app: 'istiod' } }])
    expect(ports(3)).toEqual(['TCP/15012', 'TCP/15017'])
    expect(peers(4)).toEqual([
      { ns: 'istio-system', pods: { istio: 'ingressgateway' } },
      { ns: 'infra', pods: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
    ])
    // Nothing lets A's pods out to B's namespace.
    expect(JSON.stringify(egress)).not.toContain(b.namespace)
    // The workspace pod reaches the API server at the address the cluster really has.
    const api = byName.get('kindlab-workspace-api')?.spec
    expect(api?.podSelector?.matchLabels).toEqual({ app: 'kindlab-workspace' })
    expect(api?.policyTypes).toEqual(['Egress'])
    const service = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedService({ name: 'kubernetes', namespace: 'default' })
    const cidrs = (api?.egress?.[0]?.to ?? []).map((t) => t.ipBlock?.cidr)
    expect(cidrs).toContain(`${service.spec?.clusterIP ?? ''}/32`)
    expect(cidrs).not.toContain('0.0.0.0/0')
    expect((api?.egress?.[0]?.ports ?? []).map((p) => p.port)).toContain(443)
    // A's ServiceAccount can read its policies but not loosen them.
    const asANet = asA.makeApiClient(NetworkingV1Api)
    expect(await status(asANet.listNamespacedNetworkPolicy({ namespace: a.namespace }))).toBe(200)
    expect(
      await status(asANet.deleteNamespacedNetworkPolicy({ name: 'kindlab-isolation', namespace: a.namespace })),
    ).toBe(403)
  })

  it("rejects Gateway and VirtualService hosts outside the trainee's domain", async () => {
    const custom = asA.makeApiClient(CustomObjectsApi)
    const create = (plural: string, body: object, dryRun?: 'All') =>
      custom.createNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: a.namespace,
        plural,
        body,
        ...(dryRun ? { dryRun } : {}),
      })
    // The policy takes effect asynchronously: probe with dry-run until it rejects.
    const rejection = await eventually('the host policy to be enforced', async () => {
      const code = await status(create('virtualservices', virtualService('probe', `hipster.${b.domain}`), 'All'))
      return code === 403 ? code : undefined
    })
    expect(rejection).toBe(403)
    const err: unknown = await create('virtualservices', virtualService('steal', `hipster.${b.domain}`)).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(String((err as ApiException<string>).body)).toContain(a.domain)
    expect(await status(create('gateways', gateway('steal-gw', `hipster.${b.domain}`)))).toBe(403)
    expect(await status(create('gateways', gateway('any', '*')))).toBe(403)
    expect(await status(create('gateways', gateway('prefix', `evil${a.domain}`)))).toBe(403)
    expect(await status(create('gateways', gateway('ns-prefix', `other/hipster.${b.domain}`)))).toBe(403)
    expect(
      await status(create('virtualservices', virtualService('mesh-b', `frontend.${b.namespace}.svc.cluster.local`))),
    ).toBe(403)
    // Inside the domain, and mesh names of A's own namespace, are fine.
    expect(await status(create('gateways', gateway('shop', `hipster.${a.domain}`)))).toBe(200)
    expect(await status(create('gateways', gateway('shop-ns', `./shop.${a.domain}`)))).toBe(200)
    expect(await status(create('virtualservices', virtualService('shop', `hipster.${a.domain}`)))).toBe(200)
    expect(await status(create('virtualservices', virtualService('mesh', 'frontend')))).toBe(200)
    expect(
      await status(create('virtualservices', virtualService('mesh-fqdn', `frontend.${a.namespace}.svc.cluster.local`))),
    ).toBe(200)
  })

  it('tears the cohort down completely: namespaces, pods, policy, bindings, roles', async () => {
    expect((await envs.leftovers(cohort)).length).toBeGreaterThan(10)
    await envs.teardown(cohort)
    await untilGone(envs, cohort)
    expect(await envs.leftovers(cohort)).toEqual([])
  })
})
