// istiod (pilot-discovery) runs against the real API server: a gateway proxy holding an ADS stream
// gets the route generated from a Gateway and VirtualService, traceable in /debug/config_dump.
// Runs by default when the cluster suite starts istiod (KINDLAB_CLUSTER_ISTIOD=0 turns it off).
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { eventually, kubeConfig, testNamespace, uniqueName } from './cluster-client.ts'
import { createIstioObject } from './istio-api.ts'
import { configDump, holdGatewayStream, routeConfigs, type XdsStream } from './istiod-client.ts'

describe('istiod', () => {
  let kc: KubeConfig
  let ns: { name: string; remove: () => Promise<void> }
  let stream: XdsStream | undefined
  const gatewayLabel = uniqueName('gw')

  beforeAll(async () => {
    kc = kubeConfig()
    ns = await testNamespace(kc, 'istiod')
  })
  afterAll(async () => {
    stream?.stop()
    await ns?.remove()
  })

  it('pushes a route for a VirtualService bound to a Gateway', async () => {
    const istiod = inject('istiod')
    if (!istiod) {
      throw new Error('istiod was not started: istiod runs by default; KINDLAB_CLUSTER_ISTIOD=0 turns it off')
    }
    const namespace = ns.name
    const host = `${namespace}.example.com`
    await kc.makeApiClient(CoreV1Api).createNamespacedService({
      namespace,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } },
    })
    const api = kc.makeApiClient(CustomObjectsApi)
    await createIstioObject(api, namespace, 'Gateway', 'web', {
      selector: { gateway: gatewayLabel },
      servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: [host] }],
    })
    await createIstioObject(api, namespace, 'VirtualService', 'shop', {
      hosts: [host],
      gateways: ['web'],
      http: [{ route: [{ destination: { host: `web.${namespace}.svc.cluster.local` } }] }],
    })
    stream = holdGatewayStream(istiod, `${gatewayLabel}-0`, { gateway: gatewayLabel, istio: 'ingressgateway' })
    const active = stream
    const vhost = await eventually('istiod to push the route for the VirtualService', async () => {
      const dump = await configDump(istiod, active.proxyId)
      return routeConfigs(dump)
        .flatMap((rc) => rc.virtualHosts ?? [])
        .find((vh) => vh.domains.includes(host))
    })
    expect(vhost.routes[0]?.route?.cluster).toBe(`outbound|80||web.${namespace}.svc.cluster.local`)
    expect(vhost.routes[0]?.metadata?.filterMetadata?.istio?.config).toBe(
      `/apis/networking.istio.io/v1/namespaces/${namespace}/virtual-service/shop`,
    )
    expect(active.responses.some((r) => r.type.endsWith('RouteConfiguration') && r.resources > 0)).toBe(true)
  })
})
