// Issue 13 (a): on kind in namespace mode a trainee's TCP port (20001…) has no host port, so the
// TCP check's traffic layer goes through a port-forward to the gateway pod. Against the real
// kube-apiserver: the path decision (a mapped port keeps the host port, an unmapped one takes the
// port-forward and says so), the lookup of the pod port behind the Service port, and the
// translation of what the API server answers. NOT exercised here: a completed tunnel and a real
// exchange through it, because the simulated cluster's pods run on kwok nodes that have no kubelet
// to carry the stream (server/adapters/live/gateway-tcp-forward.test.ts drives that part against a
// loopback endpoint speaking the kubelet's port-forward protocol).
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLiveServices, type GatewayRef } from '../../server/adapters/live/live-services.ts'
import type { LiveCluster } from '../../server/checks/live-services.ts'
import { eventually, kubeConfig, testNamespace } from './cluster-client.ts'
import { serviceAccountConfig } from './cohort/helpers.ts'

const ping = { send: 'PING\r\n', expect: '+PONG', timeoutMs: 8_000 }

describe('TCP probe through a port-forward to the gateway pod (real kube-apiserver; no kubelet, so no tunnel completes)', () => {
  const admin = kubeConfig()
  const core = admin.makeApiClient(CoreV1Api)
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-tcp-forward-'))
  let ns: { name: string; remove: () => Promise<void> }
  let gateway: GatewayRef
  let pod = ''

  /** The live cluster the server builds for a kind class cluster: host ports 80 and 6379 only. */
  const liveAs = (kc: KubeConfig, name: string): LiveCluster => {
    const path = join(dir, `${name}.kubeconfig`)
    writeFileSync(path, kc.exportConfig(), { mode: 0o600 })
    const services = createLiveServices({
      kube: { kubeconfigPath: path },
      gateway,
      probe: { type: 'host-ports', host: '127.0.0.1', ports: { 80: 1, 6379: 1 } },
    })
    return services.cluster
  }

  beforeAll(async () => {
    ns = await testNamespace(admin, 'tcpfwd')
    gateway = {
      namespace: ns.name,
      service: 'istio-ingressgateway',
      selector: { istio: 'ingressgateway' },
      adminPort: 15000,
    }
    await core.createNamespacedService({
      namespace: ns.name,
      body: {
        metadata: { name: gateway.service },
        spec: {
          selector: gateway.selector,
          ports: [
            { name: 'http2', port: 80, targetPort: 8080 },
            { name: 'tcp-trainee-20001', port: 20001, targetPort: 20001 },
            { name: 'tcp-named', port: 20009, targetPort: 'redis-ish' },
          ],
        },
      },
    })
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'istio-ingressgateway-0', labels: gateway.selector },
        spec: {
          containers: [
            {
              name: 'istio-proxy',
              image: 'registry.k8s.io/pause:3.10',
              ports: [{ name: 'redis-ish', containerPort: 16379 }],
            },
          ],
        },
      },
    })
    // kwok marks the pod Running and Ready (no kubelet behind it).
    pod = await eventually('the gateway pod to be Ready', async () => {
      const p = await core.readNamespacedPod({ name: 'istio-ingressgateway-0', namespace: ns.name })
      return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p.metadata?.name : undefined
    })
  }, 120_000)
  afterAll(async () => {
    await ns.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps a mapped port (6379) on its host port, and says nothing of a port-forward', async () => {
    const result = await liveAs(admin, 'admin').tcpProbe({ port: 6379, ...ping, timeoutMs: 2_000 })
    expect(result.via).toBeUndefined()
  })

  it('probes an unmapped trainee port through a port-forward to the pod port, and says which path and why it failed', async () => {
    const result = await liveAs(admin, 'admin').tcpProbe({ port: 20001, ...ping })
    expect(result).toMatchObject({ connected: false, received: '' })
    expect(result.via).toBe(
      `a port-forward to ${ns.name}/${pod} port 20001 (kind maps no host port for gateway port 20001)`,
    )
    // The API server answers the upgrade, but cannot reach a kubelet for a kwok node: translated,
    // never a raw websocket error and never "connected".
    // (kube-apiserver 1.36 answers the upgrade with HTTP 500 there.)
    expect(result.error).toMatch(
      new RegExp(
        `could not open a port-forward to ${ns.name}/${pod} port 20001 \\(HTTP 5\\d\\d\\): the API server did not reach the kubelet`,
      ),
    )
    expect(result.error).not.toMatch(/Unexpected server response/)
  })

  it('follows a named targetPort to the container port it names', async () => {
    const result = await liveAs(admin, 'admin').tcpProbe({ port: 20009, ...ping })
    expect(result.via).toMatch(new RegExp(`${pod} port 16379 \\(`))
  })

  it('says when the port is not on the gateway Service at all (the lab: a port only the Gateway opens is never reached)', async () => {
    const result = await liveAs(admin, 'admin').tcpProbe({ port: 20002, ...ping })
    expect(result).toMatchObject({ connected: false })
    expect(result.error).toBe(
      `port 20002 is not a TCP port of Service ${ns.name}/istio-ingressgateway, so no traffic reaches it`,
    )
  })

  it('translates a refused port-forward (an identity without pods/portforward) into LAB_ERR_KUBE_FORBIDDEN words', async () => {
    // May read the gateway Service and pods (so the lookup passes), may not port-forward.
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api)
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'reader' } } })
    await rbac.createNamespacedRole({
      namespace: ns.name,
      body: {
        metadata: { name: 'reader' },
        rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] }],
      },
    })
    await rbac.createNamespacedRoleBinding({
      namespace: ns.name,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns.name }],
      },
    })
    const reader = await serviceAccountConfig(admin, ns.name, 'reader')
    const result = await eventually('the Role to apply', async () => {
      const r = await liveAs(reader, 'reader').tcpProbe({ port: 20001, ...ping })
      return /refused the port-forward/.test(r.error ?? '') ? r : undefined
    })
    expect(result).toMatchObject({ connected: false })
    expect(result.error).toMatch(new RegExp(`refused the port-forward to ${ns.name}/${pod} port 20001 \\(HTTP 403\\)`))
  })
})
