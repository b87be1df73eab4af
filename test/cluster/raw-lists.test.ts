// Issue 17 item 6: the live grader reads the API server's lists as JSON (kube-api.ts readJson), no
// longer through client-node's typed models and back. On the REAL kube-apiserver: the objects the
// cluster source hands the grader are those of the old path (client-node's typed lists, JSON round
// trip), and so is the grader's model built from them. The one difference is notation: the typed
// path turned the built-in kinds' timestamps into Dates and back (`18:54:37.000Z`); now they are the
// API server's own (`18:54:37Z`), as Istio's objects always were. Same instants (the grader parses
// them: translate/order.ts timeOf), so they are compared as instants.
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Secret } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClusterResourceSource } from '../../server/adapters/live/cluster-resource-source.ts'
import { fromApiObjects } from '../../server/grader/core/model/collect.ts'
import { eventually, kubeConfig, testNamespace } from './cluster-client.ts'
import { createIstioObject, ISTIO_GROUP as group, ISTIO_VERSION as version, istioPlural } from './istio-api.ts'
import { clusterTarget } from './provision/harness.ts'

type Json = Record<string, unknown>

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

/** `value` with every RFC 3339 timestamp written one way (the instant it names). */
function asInstants(value: unknown): unknown {
  if (typeof value === 'string' && RFC3339.test(value)) {
    return new Date(value).toISOString()
  }
  if (Array.isArray(value)) {
    return value.map(asInstants)
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asInstants(v)]))
  }
  return value
}

/** The old path's translation: a typed model (or custom object) through JSON, managedFields dropped. */
function oldPlain(item: unknown, apiVersion: string, kind: string): Json {
  const o = JSON.parse(JSON.stringify(item)) as Json
  const metadata = (o['metadata'] ?? {}) as Json
  delete metadata['managedFields']
  return { apiVersion, kind, ...o, metadata }
}

/** What the cluster source returned before: client-node's typed lists, in the same kind order. */
async function oldList(kc: KubeConfig, namespace: string): Promise<Json[]> {
  const custom = kc.makeApiClient(CustomObjectsApi)
  const core = kc.makeApiClient(CoreV1Api)
  const out: Json[] = []
  for (const kind of ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry'] as const) {
    const list = (await custom.listNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: istioPlural(kind),
    })) as { items?: unknown[] }
    out.push(...(list.items ?? []).map((i) => oldPlain(i, `${group}/${version}`, kind)))
  }
  out.push(...(await core.listNamespacedService({ namespace })).items.map((i) => oldPlain(i, 'v1', 'Service')))
  out.push(...(await core.listNamespacedPod({ namespace })).items.map((i) => oldPlain(i, 'v1', 'Pod')))
  out.push(...(await core.listNamespacedConfigMap({ namespace })).items.map((i) => oldPlain(i, 'v1', 'ConfigMap')))
  out.push(
    ...(await core.listNamespacedSecret({ namespace })).items.map((s: V1Secret) => ({
      ...oldPlain({ metadata: s.metadata, type: s.type }, 'v1', 'Secret'),
      data: Object.fromEntries(Object.keys(s.data ?? {}).map((k) => [k, ''])),
    })),
  )
  return out
}

describe('lists read as the API server sent them (real kube-apiserver)', () => {
  let kc: KubeConfig
  let ns: { name: string; remove: () => Promise<void> }

  beforeAll(async () => {
    kc = kubeConfig()
    ns = await testNamespace(kc, 'raw')
    const namespace = ns.name
    const core = kc.makeApiClient(CoreV1Api)
    const custom = kc.makeApiClient(CustomObjectsApi)
    await createIstioObject(custom, namespace, 'Gateway', 'web', {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }],
    })
    await createIstioObject(custom, namespace, 'VirtualService', 'shop', {
      hosts: ['shop.example.com'],
      gateways: ['web'],
      http: [{ route: [{ destination: { host: 'frontend', subset: 'v1', port: { number: 80 } }, weight: 100 }] }],
    })
    await createIstioObject(custom, namespace, 'DestinationRule', 'frontend', {
      host: 'frontend',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    })
    await createIstioObject(custom, namespace, 'ServiceEntry', 'ext', {
      hosts: ['api.example.com'],
      ports: [{ number: 443, name: 'https', protocol: 'TLS' }],
      resolution: 'DNS',
    })
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'frontend', labels: { app: 'frontend' }, annotations: { note: 'graded' } },
        spec: {
          selector: { app: 'frontend' },
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'admin', port: 9000, targetPort: 9001, protocol: 'TCP' },
          ],
        },
      },
    })
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'frontend-1', labels: { app: 'frontend', version: 'v1' } },
        spec: {
          containers: [
            {
              name: 'server',
              image: 'frontend:v1',
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            },
          ],
        },
      },
    })
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'answers' }, data: { q1: 'b' } } })
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'shop-cert' },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': 'x', 'tls.key': 'y' },
      },
    })
    // A status with timestamps and IPs, as a scheduled pod has (kwok runs it).
    await eventually('frontend-1 Running', async () => {
      const pod = await core.readNamespacedPod({ name: 'frontend-1', namespace })
      return pod.status?.phase === 'Running' && pod.status.podIP ? pod : undefined
    })
  })
  afterAll(async () => ns?.remove())

  it('hands the grader the same objects as the typed path, and the same model', async () => {
    const source = createClusterResourceSource({ kube: clusterTarget(), namespaces: [ns.name] })
    // The kinds the typed path read (the Kubernetes Gateway API kinds came later, raw only).
    const classic = new Set([
      'gateway',
      'virtualservice',
      'destinationrule',
      'serviceentry',
      'service',
      'pod',
      'configmap',
      'secret',
    ])
    const [now, before] = await Promise.all([source.list({ kinds: classic }), oldList(kc, ns.name)])
    const kinds = (objects: unknown[]) => objects.map((o) => (o as { kind: string }).kind)
    expect(kinds(now.objects)).toEqual(kinds(before))
    expect(kinds(now.objects)).toEqual(
      expect.arrayContaining([
        'Gateway',
        'VirtualService',
        'DestinationRule',
        'ServiceEntry',
        'Service',
        'Pod',
        'ConfigMap',
        'Secret',
      ]),
    )
    expect(asInstants(now.objects)).toEqual(asInstants(before))
    expect(asInstants(fromApiObjects(now.objects))).toEqual(asInstants(fromApiObjects(before)))
    // The timestamps are the API server's own, and the comparison above did look at them.
    const pod = now.objects.find((o) => (o as { kind: string }).kind === 'Pod') as { status: { startTime: string } }
    expect(pod.status.startTime).toMatch(RFC3339)
    expect(now.objects).not.toEqual(before)
  })
})
