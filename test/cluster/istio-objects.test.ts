// Istio's CRDs are served by the API server: a Gateway and a VirtualService (networking.istio.io/v1)
// are created, validated against the CRD schema, and read back.
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kubeConfig, testNamespace } from './cluster-client.ts'
import { createIstioObject, ISTIO_GROUP as group, ISTIO_VERSION as version } from './istio-api.ts'

describe('Istio objects', () => {
  let kc: KubeConfig
  let ns: { name: string; remove: () => Promise<void> }

  beforeAll(async () => {
    kc = kubeConfig()
    ns = await testNamespace(kc, 'istio')
  })
  afterAll(async () => ns?.remove())

  it('creates a Gateway and a VirtualService and reads them back', async () => {
    const api = kc.makeApiClient(CustomObjectsApi)
    const namespace = ns.name
    await createIstioObject(api, namespace, 'Gateway', 'web', {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }],
    })
    await createIstioObject(api, namespace, 'VirtualService', 'shop', {
      hosts: ['shop.example.com'],
      gateways: ['web'],
      http: [{ route: [{ destination: { host: 'shop', port: { number: 80 } } }] }],
    })

    const gateway = (await api.getNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'gateways',
      name: 'web',
    })) as {
      spec: { servers: Array<{ hosts: string[] }> }
    }
    expect(gateway.spec.servers[0]?.hosts).toEqual(['shop.example.com'])
    const list = (await api.listNamespacedCustomObject({ group, version, namespace, plural: 'virtualservices' })) as {
      items: Array<{ metadata: { name: string }; spec: { gateways: string[] } }>
    }
    expect(list.items.map((vs) => [vs.metadata.name, vs.spec.gateways])).toEqual([['shop', ['web']]])
  })

  it('rejects an object that violates the CRD schema', async () => {
    const api = kc.makeApiClient(CustomObjectsApi)
    const error: unknown = await createIstioObject(api, ns.name, 'VirtualService', 'bad', {
      hosts: 'not-a-list',
    }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ApiException)
    expect((error as ApiException<unknown>).code).toBe(422)
  })
})
