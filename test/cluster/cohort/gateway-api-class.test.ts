// Issue 15 (5): the Gateway API lab in a namespace-mode class, against the real kube-apiserver with
// the Gateway API CRDs, as the trainee's own identity. The platform plans the lab's shared Gateway
// infra/public once per class (a listener per cohort for every trainee's domain, applied under the
// cohort's own field manager, so a second class on the cluster keeps its own), and per trainee the
// dashboards ReferenceGrant in istio-system (their namespace to Kiali and Jaeger only), following
// the roster. A trainee may set one label, on their own namespace only; everything else of it is
// refused with what to do. Every solution and variant of the lab lands in the trainee's namespace.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { CLASS_GATEWAY } from '../../../server/cohorts/plan/class-gateway.ts'
import { GATEWAY_DEFAULTS_NAME } from '../../../server/cohorts/plan/gateway-defaults.ts'
import {
  ANNOTATION_DOMAIN,
  LABEL_SHARED_GATEWAY_ACCESS,
  dashboardsGrantName,
  traineeDomain,
  traineeNamespace,
  traineeTcpPort,
} from '../../../server/cohorts/plan/names.ts'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import { resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import { eventually, kubeConfig } from '../cluster-client.ts'
import { installGatewayApiCrds } from '../gateway-api-crds.ts'
import {
  attempt,
  backend,
  cohortName,
  ensureClassNamespaces,
  outcome,
  serviceAccountConfig,
  untilGone,
  type Outcome,
} from './helpers.ts'

const gatewayApi = 'gateway.networking.k8s.io/v1'
type Ref = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }
const ref = (apiVersion: string, kind: string, name: string, namespace?: string): Ref => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
})

describe('the Gateway API lab in a namespace-mode class', () => {
  const admin = kubeConfig()
  const { envs } = backend(admin)
  const cohort = cohortName('gwclass')
  const nsA = traineeNamespace(cohort, 'trainee01')
  const nsB = traineeNamespace(cohort, 'trainee02')
  const domainA = traineeDomain(cohort, 'trainee01')
  let asA: KubeConfig
  const read = (kc: KubeConfig, o: Ref) => outcome(KubernetesObjectApi.makeApiClient(kc).read(o))
  const readObject = async (o: Ref): Promise<(KubernetesObject & { spec?: Record<string, unknown> }) | undefined> =>
    KubernetesObjectApi.makeApiClient(admin)
      .read(o)
      .catch(() => undefined)
  /** A JSON merge patch of the Namespace's metadata (what `kubectl label` sends), as `kc`. */
  const patchNamespace = (kc: KubeConfig, name: string, metadata: object, dryRun?: 'All'): Promise<Outcome> =>
    outcome(
      KubernetesObjectApi.makeApiClient(kc).patch(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...metadata } },
        undefined,
        dryRun,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      ),
    )
  const refused = (o: Outcome, pattern: RegExp) => {
    expect(o).toMatchObject({ admitted: false, code: 403 })
    expect(o.admitted ? '' : o.message).toMatch(pattern)
  }

  beforeAll(async () => {
    await ensureClassNamespaces(admin)
    // The class cluster serves the Gateway API (`kindlab up` installs the CRDs): the provisioner sees them.
    await installGatewayApiCrds(admin.makeApiClient(ApiextensionsV1Api))
    await envs.prepareShared(cohort)
    await Promise.all(['trainee01', 'trainee02'].map((t) => envs.provision(cohort, t)))
    asA = await serviceAccountConfig(admin, nsA, 'trainee')
    // The policies take effect asynchronously: probe until the namespace-label fence refuses.
    await eventually('the namespace-label fence to be in force', async () => {
      const o = await patchNamespace(asA, nsA, { labels: { other: 'x' } }, 'All')
      return o.admitted ? undefined : o
    })
  }, 240_000)
  afterAll(async () => {
    await envs.teardown(cohort)
  }, 120_000)

  it("plans the shared Gateway once per class: a listener for every trainee's domain, routes from the class's labelled namespaces; the trainee reads it, never writes it", async () => {
    const gw = await readObject(ref(gatewayApi, 'Gateway', CLASS_GATEWAY.name, CLASS_GATEWAY.namespace))
    expect(gw?.spec?.['listeners']).toEqual([
      expect.objectContaining({
        name: `kl-${cohort.name}`,
        port: 80,
        protocol: 'HTTP',
        hostname: `*.${cohort.domain}`,
        allowedRoutes: {
          namespaces: {
            from: 'Selector',
            selector: {
              matchLabels: {
                [LABEL_SHARED_GATEWAY_ACCESS]: 'true',
                'kindlab.dev/cohort': cohort.name,
                'kindlab.dev/role': 'trainee',
              },
            },
          },
          kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
        },
      }),
    ])
    expect(await read(asA, ref(gatewayApi, 'Gateway', 'public', 'infra'))).toEqual({ admitted: true })
    const own = {
      ...ref(gatewayApi, 'Gateway', 'mine', 'infra'),
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    } as KubernetesObject
    refused(await attempt(asA, own), /forbidden/i)
  })

  it("keeps each class's listener: a second class adds its own under its own field manager and takes only that away", async () => {
    const second = cohortName('gwclass2')
    const gatewayRef = ref(gatewayApi, 'Gateway', 'public', 'infra')
    const names = async () =>
      ((await readObject(gatewayRef))?.spec?.['listeners'] as Array<{ name: string }> | undefined)?.map((l) => l.name)
    await envs.prepareShared(second)
    expect(await names()).toEqual([`kl-${cohort.name}`, `kl-${second.name}`])
    expect(await envs.leftovers(second)).toContain(`listener kl-${second.name} of Gateway infra/public`)
    await envs.teardown(second)
    await untilGone(envs, second)
    expect(await names()).toEqual([`kl-${cohort.name}`])
    // The Gateway proxy defaults stay while a class is left that needs them.
    expect(await readObject(ref('v1', 'ConfigMap', GATEWAY_DEFAULTS_NAME, 'istio-system'))).toBeDefined()
  })

  it('grants HTTPRoutes of each trainee namespace the dashboards only, in step with the roster; the trainee reads their own grant', async () => {
    const grant = (ns: string) => ref(gatewayApi, 'ReferenceGrant', dashboardsGrantName(ns), 'istio-system')
    for (const ns of [nsA, nsB]) {
      expect((await readObject(grant(ns)))?.spec).toEqual({
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: ns }],
        to: [
          { group: '', kind: 'Service', name: 'kiali' },
          { group: '', kind: 'Service', name: 'tracing' },
        ],
      })
    }
    expect(await read(asA, grant(nsA))).toEqual({ admitted: true })
    refused(await read(asA, grant(nsB)), /forbidden/i)
    // The step's own grant (every Service of istio-system) is not the trainee's to write.
    const wide = {
      ...ref(gatewayApi, 'ReferenceGrant', 'mine', 'istio-system'),
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: nsA }],
        to: [{ group: '', kind: 'Service' }],
      },
    } as KubernetesObject
    refused(await attempt(asA, wide), /forbidden/i)
    // A trainee who joins gets theirs; one who leaves (reset, teardown) takes theirs along.
    const nsC = traineeNamespace(cohort, 'trainee03')
    await envs.provision(cohort, 'trainee03')
    expect(await readObject(grant(nsC))).toBeDefined()
    await envs.destroy(cohort, 'trainee03')
    expect(await readObject(grant(nsC))).toBeUndefined()
    expect(await readObject(grant(nsA))).toBeDefined()
  })

  it('lets the trainee set only the shared-Gateway label, only on their own namespace, as kubectl label and kubectl apply send it', async () => {
    const howTo = new RegExp(`set only the label ${LABEL_SHARED_GATEWAY_ACCESS} \\(kubectl label namespace ${nsA} `)
    expect(await patchNamespace(asA, nsA, { labels: { [LABEL_SHARED_GATEWAY_ACCESS]: 'true' } })).toEqual({
      admitted: true,
    })
    const ns = await readObject(ref('v1', 'Namespace', nsA))
    expect(ns?.metadata?.labels?.[LABEL_SHARED_GATEWAY_ACCESS]).toBe('true')
    // The lab's file, applied: kubectl keeps the last applied object in an annotation.
    const applied = { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Namespace"}' }
    expect(await patchNamespace(asA, nsA, { annotations: applied }, 'All')).toEqual({ admitted: true })
    // Any other change of the fence's own metadata.
    refused(await patchNamespace(asA, nsA, { labels: { 'pod-security.kubernetes.io/enforce': null } }, 'All'), howTo)
    refused(await patchNamespace(asA, nsA, { labels: { 'kindlab.dev/cohort': null } }, 'All'), howTo)
    refused(await patchNamespace(asA, nsA, { labels: { 'istio-injection': 'disabled' } }, 'All'), howTo)
    refused(await patchNamespace(asA, nsA, { annotations: { [ANNOTATION_DOMAIN]: cohort.domain } }, 'All'), howTo)
    refused(await patchNamespace(asA, nsA, { finalizers: ['example.com/keep'] }, 'All'), howTo)
    // Another trainee's namespace, or another namespace: RBAC, by name.
    refused(await patchNamespace(asA, nsB, { labels: { [LABEL_SHARED_GATEWAY_ACCESS]: 'true' } }, 'All'), /forbidden/i)
    refused(await patchNamespace(asA, 'istio-system', { labels: { x: 'y' } }, 'All'), /forbidden/i)
    // Taking the label off again is theirs too.
    expect(await patchNamespace(asA, nsA, { labels: { [LABEL_SHARED_GATEWAY_ACCESS]: null } })).toEqual({
      admitted: true,
    })
  })

  it("admits every solution and variant of the lab in the trainee's namespace (a route without hostnames on their own Gateway too); the dashboards grant is the platform's", async () => {
    const lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'gateway-api-ingress')!
    const vars = resolveVariables(lab.variables, {
      TRAINEE_DOMAIN: domainA,
      LEARNER_NAMESPACE: nsA,
      TRAINEE_TCP_PORT: String(traineeTcpPort(cohort, 'trainee01')),
    })
    const seen: string[] = []
    for (const part of ['solution', 'variants']) {
      const dir = join(packageRoot(), 'labs', 'gateway-api-ingress', part)
      for (const step of (await readdir(dir)).sort()) {
        for (const file of (await readdir(join(dir, step))).filter((f) => f.endsWith('.yaml')).sort()) {
          const text = substituteVariables(await readFile(join(dir, step, file), 'utf8'), vars)
          for (const doc of parseAllDocuments(text)) {
            const o = doc.toJS() as KubernetesObject
            const where = `${part}/${step}/${file} ${o.kind ?? ''} ${o.metadata?.name ?? ''}`
            if (o.kind === 'Namespace') {
              // The shared-Gateway step's label, written as the Namespace (applied: a merge patch).
              expect(await patchNamespace(asA, nsA, { labels: o.metadata?.labels }, 'All'), where).toEqual({
                admitted: true,
              })
            } else if (o.metadata?.namespace === 'istio-system') {
              expect(o.kind, where).toBe('ReferenceGrant')
              refused(await attempt(asA, o), /forbidden/i)
            } else {
              const object = { ...o, metadata: { ...o.metadata, namespace: nsA } } as KubernetesObject
              expect(await attempt(asA, object), where).toEqual({ admitted: true })
            }
            seen.push(where)
          }
        }
      }
    }
    expect(seen).toContain('variants/01-gateway-and-route/route-without-hostnames.yaml HTTPRoute shop')
    expect(seen.length).toBeGreaterThan(20)
  })

  it('teardown takes every planned object away, and the shared Gateway and the proxy defaults with its last listener', async () => {
    const gatewayRef = ref(gatewayApi, 'Gateway', 'public', 'infra')
    const listeners = (await readObject(gatewayRef))?.spec?.['listeners'] as Array<{ name: string }> | undefined
    // The second class's listener went with it (above); every other suite's class is torn down.
    expect(listeners?.map((l) => l.name)).toEqual([`kl-${cohort.name}`])
    await envs.teardown(cohort)
    await untilGone(envs, cohort)
    expect(await readObject(ref(gatewayApi, 'ReferenceGrant', dashboardsGrantName(nsA), 'istio-system'))).toBe(
      undefined,
    )
    expect(await readObject(gatewayRef)).toBeUndefined()
    // The Gateway proxy defaults went with the last class too.
    expect(await readObject(ref('v1', 'ConfigMap', GATEWAY_DEFAULTS_NAME, 'istio-system'))).toBeUndefined()
    // The namespace is the platform's, shared by every class: it stays.
    expect(await readObject(ref('v1', 'Namespace', 'infra'))).toBeDefined()
  })
})
