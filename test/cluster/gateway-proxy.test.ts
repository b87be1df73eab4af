// Issue 15: the live layers on a Kubernetes Gateway's own proxy find it through the API. Against
// the real kube-apiserver, with what istiod's automated deployment makes (built by hand here: a
// Deployment-less Pod labelled `gateway.networking.k8s.io/gateway-name=web` and the Service
// `web-istio` selecting it, Envoy on the listener ports): the proxy's newest Ready pod through its
// Service's selector (not another Gateway's pod), the pod port behind a listener port, the proxy's
// own Service on an existing cluster, and what is said when the Service is missing. NOT exercised
// here: a completed tunnel, because kwok nodes have no kubelet to carry the stream
// (server/adapters/live/gateway-proxy.test.ts drives that part against a loopback endpoint).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLiveServices, type GatewayRef, type ProbeRoute } from '../../server/adapters/live/live-services.ts'
import type { GatewayProxyRef, LiveCluster } from '../../server/checks/live-services.ts'
import { eventually, kubeConfig, testNamespace } from './cluster-client.ts'

const gatewayLabel = 'gateway.networking.k8s.io/gateway-name'

describe("a Kubernetes Gateway's proxy found through the API (real kube-apiserver; no kubelet, so no tunnel completes)", () => {
  const admin = kubeConfig()
  const core = admin.makeApiClient(CoreV1Api)
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-gateway-proxy-'))
  const path = join(dir, 'admin.kubeconfig')
  let ns: { name: string; remove: () => Promise<void> }
  let ingress: GatewayRef
  let web: GatewayProxyRef

  const proxyOn = (probe: ProbeRoute, ref: GatewayProxyRef = web): LiveCluster => {
    const proxy = createLiveServices({ kube: { kubeconfigPath: path }, gateway: ingress, probe }).cluster.proxy?.(ref)
    if (proxy === undefined) {
      throw new Error('the live cluster has no proxy()')
    }
    return proxy
  }
  const onKind: ProbeRoute = { type: 'host-ports', host: '127.0.0.1', ports: { 80: 1, 443: 1 } }

  const proxyPod = (name: string, gateway: string): V1Pod => ({
    metadata: { name, labels: { [gatewayLabel]: gateway } },
    spec: {
      containers: [
        {
          name: 'istio-proxy',
          image: 'registry.k8s.io/pause:3.10',
          ports: [{ name: 'redis-ish', containerPort: 16379 }],
        },
      ],
    },
  })
  const ready = (name: string) =>
    eventually(`pod ${name} to be Ready`, async () => {
      const p = await core.readNamespacedPod({ name, namespace: ns.name })
      return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? name : undefined
    })

  beforeAll(async () => {
    writeFileSync(path, admin.exportConfig(), { mode: 0o600 })
    ns = await testNamespace(admin, 'kgwproxy')
    ingress = {
      namespace: ns.name,
      service: 'istio-ingressgateway',
      selector: { istio: 'ingressgateway' },
      adminPort: 15000,
    }
    web = { gateway: `${ns.name}/web`, service: { namespace: ns.name, name: 'web-istio' } }
    // istiod's Service for Gateway `web` (class istio): status-port, then the listener ports.
    await core.createNamespacedService({
      namespace: ns.name,
      body: {
        metadata: { name: 'web-istio', labels: { [gatewayLabel]: 'web' } },
        spec: {
          type: 'ClusterIP',
          selector: { [gatewayLabel]: 'web' },
          ports: [
            { name: 'status-port', port: 15021, targetPort: 15021, appProtocol: 'tcp' },
            { name: 'http', port: 8080, targetPort: 8080, appProtocol: 'http' },
            { name: 'redis', port: 6379, targetPort: 'redis-ish', appProtocol: 'tcp' },
          ],
        },
      },
    })
    // Another Gateway's proxy first, then web's: only web's may be picked.
    await core.createNamespacedPod({ namespace: ns.name, body: proxyPod('other-istio-0', 'other') })
    await core.createNamespacedPod({ namespace: ns.name, body: proxyPod('web-istio-0', 'web') })
    await Promise.all([ready('other-istio-0'), ready('web-istio-0')])
  }, 120_000)
  afterAll(async () => {
    await ns.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  it("on kind, probes the listener port through a port-forward to the proxy's pod, at the pod port its Service names", async () => {
    const result = await proxyOn(onKind).httpProbe({
      port: 8080,
      host: 'shop.example.com',
      path: '/',
      timeoutMs: 8_000,
    })
    expect(result.status).toBeUndefined()
    expect(result.via).toBe(
      `a port-forward to ${ns.name}/web-istio-0 port 8080 (kind maps host ports for the istio-ingressgateway only)`,
    )
    // The API server cannot reach a kubelet for a kwok node: said in our words, never "answered".
    expect(result.error).toMatch(
      new RegExp(`could not open a port-forward to ${ns.name}/web-istio-0 port 8080 \\(HTTP 5\\d\\d\\)`),
    )
    const tcp = await proxyOn(onKind).tcpProbe({ port: 6379, send: 'PING\r\n', timeoutMs: 8_000 })
    expect(tcp.via).toMatch(new RegExp(`${ns.name}/web-istio-0 port 16379 \\(`))
  })

  it("reads the proxy Envoy's config_dump through a port-forward to the same pod's admin port 15000", async () => {
    await expect(proxyOn(onKind).configDump()).rejects.toThrow(/^The port-forward to web-istio-0:15000 failed/)
  })

  it("on an existing cluster, probes go to the proxy's own Service (here ClusterIP only: no address, said so)", async () => {
    const result = await proxyOn({ type: 'service', gateway: ingress, inCluster: false }).httpProbe({
      port: 8080,
      host: 'shop.example.com',
      path: '/',
    })
    expect(result.error).toMatch(
      new RegExp(`^The gateway Service ${ns.name}/web-istio has no address kindlab can reach from here`),
    )
  })

  it("says when the Gateway's Service does not exist, naming the Gateway and how to look", async () => {
    const gone = { gateway: `${ns.name}/gone`, service: { namespace: ns.name, name: 'gone-istio' } }
    await expect(proxyOn(onKind, gone).configDump()).rejects.toMatchObject({
      code: 'LAB_ERR_ENVOY_UNREACHABLE',
      message: expect.stringContaining(
        `Gateway ${ns.name}/gone's proxy has no Service ${ns.name}/gone-istio`,
      ) as unknown,
      hint: expect.stringContaining(`kubectl -n ${ns.name} get deploy,svc,pods -l ${gatewayLabel}=gone`) as unknown,
    })
  })
})
