// The live grading adapters against the REAL control plane: the cluster ResourceSource reads the
// learner's Istio objects, Services and Pods as API objects; the LiveCluster finds the Ready
// gateway pod (a stand-in that runs no Envoy) and turns the failed port-forward into a clear error;
// a read-only identity and an unreachable API become the right codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { createClusterResourceSource } from '../../../server/adapters/live/cluster-resource-source.ts'
import { resolveGatewayAddress } from '../../../server/adapters/live/gateway-address.ts'
import { createLiveCluster } from '../../../server/adapters/live/live-cluster.ts'
import { probeFor } from '../../../server/adapters/live/live-services.ts'
import type { KubeObject } from '../../../server/provision/blueprint.ts'
import { eventually, kubeConfig, testNamespace } from '../cluster-client.ts'
import { installGatewayApiCrds } from '../gateway-api-crds.ts'
import { clusterTarget } from './harness.ts'

const group = 'networking.istio.io'
const version = 'v1'

describe('live grading adapters on a real control plane', () => {
  const target = clusterTarget()
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-live-'))
  let kc: KubeConfig
  let ns: { name: string; remove: () => Promise<void> }

  beforeAll(async () => {
    kc = kubeConfig()
    ns = await testNamespace(kc, 'live')
    const namespace = ns.name
    const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' }
    const objects: KubeObject[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'gateway', namespace, labels },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'istio-proxy',
                  image: 'registry.k8s.io/pause:3.10',
                  ports: [{ containerPort: 8080 }, { containerPort: 15000 }],
                },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'frontend', namespace },
        spec: { selector: { app: 'frontend' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      },
    ]
    await createKubeOps(target).apply(objects)
    const custom = kc.makeApiClient(CustomObjectsApi)
    const create = (plural: string, kind: string, name: string, spec: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        body: { apiVersion: `${group}/${version}`, kind, metadata: { name }, spec },
      })
    await create('gateways', 'Gateway', 'shop', {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['hipster.example.com'] }],
    })
    await create('virtualservices', 'VirtualService', 'shop', {
      hosts: ['hipster.example.com'],
      gateways: ['shop'],
      http: [{ route: [{ destination: { host: 'frontend', port: { number: 80 } } }] }],
    })
    await create('destinationrules', 'DestinationRule', 'frontend', { host: 'frontend' })
    await create('serviceentries', 'ServiceEntry', 'ext', {
      hosts: ['api.example.com'],
      ports: [{ number: 443, name: 'https', protocol: 'TLS' }],
      resolution: 'DNS',
    })
    await eventually('a Ready gateway pod', async () => {
      const pods = await kc
        .makeApiClient(CoreV1Api)
        .listNamespacedPod({ namespace, labelSelector: 'istio=ingressgateway' })
      return pods.items.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    })
  })

  afterAll(async () => {
    await ns?.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  it("lists the learner's Gateway, VirtualService, DestinationRule, ServiceEntry, Services and Pods as plain API objects", async () => {
    const snapshot = await createClusterResourceSource({ kube: target, namespaces: [ns.name] }).list()
    const kinds = snapshot.objects.map(
      (o) => `${(o as { apiVersion: string }).apiVersion} ${(o as { kind: string }).kind}`,
    )
    expect(kinds).toEqual(
      expect.arrayContaining([
        `${group}/v1 Gateway`,
        `${group}/v1 VirtualService`,
        `${group}/v1 DestinationRule`,
        `${group}/v1 ServiceEntry`,
        'v1 Service',
        'v1 Pod',
      ]),
    )
    expect(snapshot.origins).toHaveLength(snapshot.objects.length)
    expect(snapshot.problems).toEqual([])
    const service = snapshot.objects.find((o) => (o as { kind: string }).kind === 'Service') as {
      metadata: Record<string, unknown>
      spec: { ports: unknown[] }
    }
    expect(service.spec.ports).toEqual([
      expect.objectContaining({ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }),
    ])
    expect(service.metadata['managedFields']).toBeUndefined()
    expect(typeof service.metadata['creationTimestamp']).toBe('string')
    const vs = snapshot.objects.find((o) => (o as { kind: string }).kind === 'VirtualService') as {
      spec: { gateways: string[] }
    }
    expect(vs.spec.gateways).toEqual(['shop'])
    const everywhere = await createClusterResourceSource({ kube: target }).list()
    expect(everywhere.objects.length).toBeGreaterThanOrEqual(snapshot.objects.length)
  })

  it('reads Kubernetes Gateway API objects when a check asks for a Gateway API kind, and only then', async () => {
    await installGatewayApiCrds(kc.makeApiClient(ApiextensionsV1Api))
    const namespace = ns.name
    const api = kc.makeApiClient(CustomObjectsApi)
    await eventually('the HTTPRoute to be created', () =>
      api.createNamespacedCustomObject({
        group: 'gateway.networking.k8s.io',
        version: 'v1',
        namespace,
        plural: 'httproutes',
        body: {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'shop', namespace },
          spec: { parentRefs: [{ name: 'web' }], rules: [{ backendRefs: [{ name: 'frontend', port: 80 }] }] },
        },
      }),
    )
    const source = createClusterResourceSource({ kube: target, namespaces: [namespace] })
    const kindsOf = (objects: unknown[]): string[] =>
      objects.map((o) => `${(o as { apiVersion: string }).apiVersion} ${(o as { kind: string }).kind}`)
    const gwApi = await source.list({ kinds: new Set(['gateway', 'httproute', 'service']) })
    expect(kindsOf(gwApi.objects)).toEqual(
      expect.arrayContaining(['gateway.networking.k8s.io/v1 HTTPRoute', `${group}/v1 Gateway`, 'v1 Service']),
    )
    // Its namespace too, with its labels, for listeners whose allowedRoutes select namespaces.
    const withNs = await source.list({ kinds: new Set(['httproute', 'namespace']) })
    expect(
      withNs.objects
        .filter((o) => (o as { kind: string }).kind === 'Namespace')
        .map((o) => (o as { metadata: { name: string } }).metadata.name),
    ).toEqual([namespace])
    expect(gwApi.problems).toEqual([])
    // A classic check (Gateway, VirtualService, ...) does not read the Gateway API at all.
    const classic = await source.list({ kinds: new Set(['gateway', 'virtualservice']) })
    expect(kindsOf(classic.objects).filter((k) => k.startsWith('gateway.networking.k8s.io'))).toEqual([])
  })

  it('finds the Ready gateway pod and reports a failed port-forward as LAB_ERR_ENVOY_UNREACHABLE', async () => {
    // kwok nodes have no kubelet to forward through; on kind nothing listens on 15000 in the stand-in.
    const probe = { host: '127.0.0.1', portFor: (p: number) => p }
    const live = createLiveCluster({
      kube: target,
      gateway: { namespace: ns.name, selector: { istio: 'ingressgateway' }, adminPort: 15000 },
      probe,
    })
    const err = await live.configDump().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'LAB_ERR_ENVOY_UNREACHABLE' })
    expect((err as Error).message).toMatch(/^The port-forward to gateway-[a-z0-9]+-[a-z0-9]+:15000 failed/)
    const none = createLiveCluster({
      kube: target,
      gateway: { namespace: ns.name, selector: { istio: 'no-such-gateway' }, adminPort: 15000 },
      probe,
    })
    await expect(none.configDump()).rejects.toMatchObject({
      code: 'LAB_ERR_ENVOY_UNREACHABLE',
      message: expect.stringMatching(/^No running ingress gateway pod/) as unknown,
    })
  })

  it('says LAB_ERR_KUBE_FORBIDDEN for an identity without read rights and LAB_ERR_KUBE_UNREACHABLE for a dead API address', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'nobody' } } })
    const token =
      (
        await core.createNamespacedServiceAccountToken({
          name: 'nobody',
          namespace: ns.name,
          body: { spec: { audiences: [] } },
        })
      ).status?.token ?? ''
    const cluster = kc.getCurrentCluster()
    if (!cluster) {
      throw new Error('no cluster in the test kubeconfig')
    }
    const write = (name: string, server: string, user: { name: string; token?: string }) => {
      const k = new KubeConfig()
      k.loadFromOptions({
        clusters: [{ ...cluster, server }],
        users: [user],
        contexts: [{ name, cluster: cluster.name, user: user.name }],
        currentContext: name,
      })
      const file = join(dir, `${name}.kubeconfig`)
      writeFileSync(file, k.exportConfig())
      return { kubeconfigPath: file, context: name }
    }
    const readOnly = write('nobody', cluster.server, { name: 'nobody', token })
    await expect(createClusterResourceSource({ kube: readOnly, namespaces: [ns.name] }).list()).rejects.toMatchObject({
      code: 'LAB_ERR_KUBE_FORBIDDEN',
    })
    const dead = write('dead', 'https://127.0.0.1:1', { name: 'admin', token: 'x' })
    await expect(createClusterResourceSource({ kube: dead }).list()).rejects.toMatchObject({
      code: 'LAB_ERR_KUBE_UNREACHABLE',
    })
  })

  it("finds an existing cluster's gateway address: its load balancer, its DNS name in the cluster, or says it has none", async () => {
    const core = kc.makeApiClient(CoreV1Api)
    const namespace = ns.name
    const gateway = { namespace, service: 'edge' }
    const edge: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'edge', namespace },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'edge' },
        ports: [{ name: 'http2', port: 80, targetPort: 8080 }],
      },
    }
    await createKubeOps(target).apply([edge])
    const where = 'test'
    await expect(resolveGatewayAddress(kc, where, gateway, true)).resolves.toMatchObject({
      host: `edge.${namespace}.svc.cluster.local`,
    })
    if (inject('clusterKind') === 'sim') {
      // kwok nodes have no addresses, and nothing has set a load balancer address yet.
      await expect(resolveGatewayAddress(kc, where, gateway, false)).rejects.toMatchObject({
        code: 'LAB_ERR_PROBE_FAILED',
      })
      const live = createLiveCluster({
        kube: target,
        gateway: { namespace, selector: { app: 'edge' }, adminPort: 15000 },
        probe: probeFor(
          { type: 'service', gateway: { ...gateway, selector: {}, adminPort: 15000 }, inCluster: false },
          target,
        ),
      })
      expect(await live.httpProbe({ port: 80, host: 'x', path: '/' })).toMatchObject({
        status: undefined,
        error: expect.stringContaining('has no address kindlab can reach') as unknown,
      })
    } else {
      // A real node has an address: the node port of the Service's port 80.
      const svc = await core.readNamespacedService({ name: 'edge', namespace })
      const viaNode = await resolveGatewayAddress(kc, where, gateway, false)
      expect(viaNode.portFor(80)).toBe(svc.spec?.ports?.[0]?.nodePort)
    }
    // What a cloud controller does: the status subresource gets the load balancer's address.
    await core.patchNamespacedServiceStatus(
      { name: 'edge', namespace, body: { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    const address = await resolveGatewayAddress(kc, where, gateway, false)
    expect([address.host, address.portFor(80)]).toEqual(['127.0.0.1', 80])
  })
})
