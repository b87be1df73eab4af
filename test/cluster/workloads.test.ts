// A Deployment and a Service on the real API server: the scheduler binds the pod to a node and
// (on the built-in control plane) kwok marks it Running; the EndpointSlice controller sees it.
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, kubeConfig, testNamespace } from './cluster-client.ts'

describe('workloads', () => {
  let kc: KubeConfig
  let ns: { name: string; remove: () => Promise<void> }
  const labels = { app: 'echo' }

  beforeAll(async () => {
    kc = kubeConfig()
    ns = await testNamespace(kc, 'workloads')
  })
  afterAll(async () => ns?.remove())

  it('runs a Deployment pod and exposes it through a Service', async () => {
    const apps = kc.makeApiClient(AppsV1Api)
    const core = kc.makeApiClient(CoreV1Api)
    const namespace = ns.name
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'echo', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [{ name: 'echo', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 8080 }] }],
            },
          },
        },
      },
    })
    const service = await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'echo' },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      },
    })
    expect(service.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/)

    const pod = await eventually('a Running echo pod', async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=echo' })
      return pods.items.find((p) => p.status?.phase === 'Running' && p.spec?.nodeName)
    })
    expect(pod.status?.podIP).toBeTruthy()

    const deployment = await eventually('the Deployment to be available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'echo', namespace })
      return d.status?.availableReplicas === 1 ? d : undefined
    })
    expect(deployment.status?.readyReplicas).toBe(1)

    const slice = await eventually('an EndpointSlice with the pod address', async () => {
      const slices = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
        namespace,
        labelSelector: 'kubernetes.io/service-name=echo',
      })
      return slices.items.find((s) => s.endpoints.some((e) => e.addresses.includes(pod.status?.podIP ?? '')))
    })
    expect(slice.ports?.[0]?.port).toBe(8080)
  })
})
