// Namespace-mode isolation against the real control plane: a trainee's ServiceAccount works in
// its own namespace and gets 403 in another's; the admission policy rejects Gateway and
// VirtualService hosts outside the trainee's domain; teardown leaves nothing behind.
import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
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
    // Nor can A relabel its own namespace to escape the policy, or loosen its quota.
    expect(
      await status(
        core.patchNamespace({ name: a.namespace, body: [{ op: 'add', path: '/metadata/annotations/x', value: 'y' }] }),
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
