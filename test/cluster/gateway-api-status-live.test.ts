// The `status` check kind live: a real istiod 1.31 (PILOT_ENABLE_GATEWAY_API=true) writes the
// status of a Gateway and three HTTPRoutes (one whose parentRef sectionName names no listener:
// Accepted=False/NoMatchingParent; one naming the Gateway twice, once with that typo), and the checks are graded as `kindlab check --kubeconfig`
// grades them (runChecks over the live services: the cluster resource source, the kinds the
// checks read). Each live verdict must say it read what istiod wrote and must equal the offline
// verdict on the same objects as files (the prediction).
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createLiveServices, type GatewayRef } from '../../server/adapters/live/live-services.ts'
import { prepareCheck } from '../../server/checks/check-params.ts'
import { createTextResourceSource } from '../../server/checks/grader-input-files.ts'
import { checkKinds } from '../../server/checks/registry.ts'
import { runChecks, type CheckRunResult } from '../../server/checks/run-checks.ts'
import type { CheckContext, GradingServices } from '../../server/checks/types.ts'
import { eventually, kubeConfig, testNamespace } from './cluster-client.ts'
import { type GatewayApiIstiod, startGatewayApiIstiod } from './gateway-api-istiod.ts'
import { poll } from './poll.ts'

const group = 'gateway.networking.k8s.io'
type Json = Record<string, unknown>

const objects = (ns: string): Json[] => [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ingress', namespace: ns },
    spec: { selector: { app: 'ingress' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: ns },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
  },
  {
    apiVersion: `${group}/v1`,
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: ns },
    spec: {
      gatewayClassName: 'istio',
      addresses: [{ type: 'Hostname', value: 'ingress' }],
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com' }],
    },
  },
  route(ns, 'good', 'http'),
  route(ns, 'typo', 'htpp'),
  route(ns, 'twice', 'http', 'htpp'),
]

function route(ns: string, name: string, ...sectionNames: string[]): Json {
  return {
    apiVersion: `${group}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns },
    spec: {
      parentRefs: sectionNames.map((sectionName) => ({ name: 'gw', sectionName })),
      hostnames: [`${name}.example.com`],
      rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
    },
  }
}

const checks = [
  { id: 'gw-programmed', kind: 'status', object: { kind: 'Gateway', name: 'gw' }, condition: 'Programmed' },
  {
    id: 'listener-accepted',
    kind: 'status',
    object: { kind: 'Gateway', name: 'gw' },
    listener: 'http',
    condition: 'Accepted',
  },
  { id: 'good-accepted', kind: 'status', object: { kind: 'HTTPRoute', name: 'good' }, condition: 'Accepted' },
  { id: 'good-refs', kind: 'status', object: { kind: 'HTTPRoute', name: 'good' }, condition: 'ResolvedRefs' },
  { id: 'typo-accepted', kind: 'status', object: { kind: 'HTTPRoute', name: 'typo' }, condition: 'Accepted' },
  {
    id: 'typo-refused',
    kind: 'status',
    object: { kind: 'HTTPRoute', name: 'typo' },
    condition: 'Accepted',
    status: 'False',
  },
  // One Gateway named twice (sectionName http, then the typo): each parentRef has its own entry.
  { id: 'twice-accepted', kind: 'status', object: { kind: 'HTTPRoute', name: 'twice' }, condition: 'Accepted' },
].map((c) => prepareCheck(checkKinds, c))

/** The parts of a result both layers must agree on (the layer message says where it read). */
const verdict = (r: CheckRunResult) => ({
  id: r.id,
  status: r.status,
  message: r.message,
  ...(r.cause === undefined ? {} : { cause: r.cause }),
  // Offline findings also name the file and line.
  ...(r.finding === undefined ? {} : { finding: r.finding.replace(/ \(objects\.yaml:\d+\)/, '') }),
})

describe('the status check kind on a live cluster with a real istiod', () => {
  let kc: KubeConfig
  let gwIstiod: GatewayApiIstiod | undefined
  let ns: { name: string; remove: () => Promise<void> } | undefined

  beforeAll(async () => {
    kc = kubeConfig()
    gwIstiod = await startGatewayApiIstiod(kc, 'gwstatus')
    ns = await testNamespace(kc, 'gwstatus')
    const core = kc.makeApiClient(CoreV1Api)
    const custom = kc.makeApiClient(CustomObjectsApi)
    const namespace = ns.name
    const all = objects(namespace)
    for (const body of all.filter((o) => o['kind'] === 'Service')) {
      await core.createNamespacedService({ namespace, body })
    }
    // The Gateway's proxy: a Running pod behind the Service `ingress` (its address), before the
    // Gateway, as in a real cluster. istiod resolves the address in its pushed service index when it
    // writes the status; seen here, a Gateway created right after its Service with no pod behind it
    // kept Programmed=False (AddressNotUsable) for more than 30 s.
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'ingress-0', labels: { app: 'ingress' } },
        spec: {
          containers: [{ name: 'proxy', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 8080 }] }],
        },
      },
    })
    await eventually('a Running proxy pod', async () => {
      const pod = await core.readNamespacedPod({ name: 'ingress-0', namespace })
      return pod.status?.phase === 'Running' && pod.status.podIP ? pod : undefined
    })
    const host = `ingress.${namespace}.svc.cluster.local`
    await eventually(`istiod to know the Service ${host}`, async () =>
      (await (await fetch(`${gwIstiod!.istiod.http}/debug/registryz`)).text()).includes(host) ? true : undefined,
    )
    for (const body of all.filter((o) => o['kind'] !== 'Service')) {
      const plural = body['kind'] === 'Gateway' ? 'gateways' : 'httproutes'
      await custom.createNamespacedCustomObject({ group, version: 'v1', namespace, plural, body })
    }
    // istiod writes the status once it leads the status controller (the lease of an istiod that
    // stopped a moment ago may still run out first).
    await eventually(
      'istiod to write the status of every route',
      async () => {
        const written = await Promise.all(
          ['good', 'typo', 'twice'].map(async (name) => {
            const r = (await custom.getNamespacedCustomObject({
              group,
              version: 'v1',
              namespace: ns!.name,
              plural: 'httproutes',
              name,
            })) as { status?: { parents?: unknown[] } }
            return (r.status?.parents?.length ?? 0) > 0
          }),
        )
        return written.every(Boolean) ? true : undefined
      },
      { timeoutMs: 90_000 },
    )
  })

  afterAll(async () => {
    await ns?.remove()
    await gwIstiod?.stop()
  })

  async function grade(services: GradingServices): Promise<CheckRunResult[]> {
    const context: CheckContext = {
      labId: 'gateway-status',
      stepIndex: 0,
      workspaceDir: '/nonexistent',
      vars: { LEARNER_NAMESPACE: ns!.name },
      runCommand: () => Promise.reject(new Error('a status check runs no command')),
      readWorkspaceFile: () => Promise.resolve(undefined),
      services,
    }
    return runChecks(checkKinds, { checks, context, failuresBefore: () => Number.MAX_SAFE_INTEGER })
  }

  it('reads the conditions istiod wrote and agrees with the offline prediction', async () => {
    const gateway: GatewayRef = {
      namespace: 'istio-system',
      service: 'istio-ingressgateway',
      selector: { istio: 'ingressgateway' },
      adminPort: 15000,
    }
    const text = objects(ns!.name)
      .map((o) => stringify(o))
      .join('---\n')
    const offline = await grade({ resources: createTextResourceSource([{ file: 'objects.yaml', text }]) })
    const services = createLiveServices({
      kube: { kubeconfigPath: inject('kubeconfig') },
      gateway,
      probe: { type: 'service', gateway, inCluster: false },
      namespaces: [ns!.name],
    })
    // istiod may rewrite a status once it has seen every object (a Gateway's Programmed waits for
    // its Service): the live grade is read again until it agrees, and compared after at most 30 s.
    let live = await grade(services)
    await poll(
      async () => {
        live = await grade(services)
        return JSON.stringify(live.map(verdict)) === JSON.stringify(offline.map(verdict)) ? true : undefined
      },
      { what: 'the live status verdicts to agree with the prediction', timeoutMs: 30_000, intervalMs: 500 },
    ).catch(() => undefined)

    expect(live.map((r) => [r.id, r.status])).toEqual([
      ['gw-programmed', 'passed'],
      ['listener-accepted', 'passed'],
      ['good-accepted', 'passed'],
      ['good-refs', 'passed'],
      ['typo-accepted', 'failed'],
      ['typo-refused', 'passed'],
      ['twice-accepted', 'failed'],
    ])
    // Live, every verdict comes from the status on the object, not from the prediction.
    const layers = (results: CheckRunResult[]): string[] =>
      results.flatMap((r) => r.layers.map((l) => `${r.id} ${l.layer}: ${l.message ?? ''}`))
    for (const line of layers(live)) {
      expect(line).toMatch(/^[a-z-]+ config: .*as istiod wrote it\)?$/)
    }
    for (const line of layers(offline)) {
      expect(line).toMatch(/^[a-z-]+ config: .*predicted from your resources\)?$/)
    }
    expect(layers(live)).toHaveLength(checks.length)
    const typo = live.find((r) => r.id === 'typo-accepted')!
    expect(typo.message).toMatch(
      /^HTTPRoute [a-z0-9-]+\/typo on Gateway [a-z0-9-]+\/gw: Accepted is False \(NoMatchingParent\)/,
    )
    expect(typo.finding).toMatch(
      /spec\.parentRefs\[0\]\.sectionName: .*"htpp" not found\. sectionName names a listener/,
    )
    expect(live.map(verdict)).toEqual(offline.map(verdict))
  })
})
