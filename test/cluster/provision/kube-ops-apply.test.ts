// The product's server-side apply (adapters/kube/kube-ops.ts) on the REAL API server keeps the wire
// fields the client's models name differently: a CRD's `x-kubernetes-int-or-string` (as in Istio's
// own CRDs) reaches the API server and comes back.
import { ApiextensionsV1Api, loadYaml, type KubernetesObject } from '@kubernetes/client-node'
import { afterAll, describe, expect, it } from 'vitest'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { kubeConfig } from '../cluster-client.ts'
import { clusterTarget } from './harness.ts'

const group = 'kube-ops.kindlab.test'
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `ports.${group}` },
  spec: {
    group,
    names: { kind: 'Port', plural: 'ports', singular: 'port', listKind: 'PortList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { target: { 'x-kubernetes-int-or-string': true } },
              },
            },
          },
        },
      },
    ],
  },
}

describe('kube-ops apply on the real API server', () => {
  const ops = createKubeOps(clusterTarget())
  afterAll(async () => {
    await ops.delete([crd])
  })

  const readBack = async (): Promise<unknown> => {
    const read = await kubeConfig()
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: crd.metadata.name })
    return read.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.['spec']?.properties?.['target']
      ?.x_kubernetes_int_or_string
  }

  it("keeps a plain CRD schema's x-kubernetes-int-or-string (sent as it is, the client's models would lose it)", async () => {
    await ops.apply([crd])
    expect(await readBack()).toBe(true)
  })

  it('keeps it too for an object that is a client model already (loadYaml), which must not be converted twice', async () => {
    await ops.delete([crd])
    await ops.apply([loadYaml<KubernetesObject>(JSON.stringify(crd))])
    expect(await readBack()).toBe(true)
  })
})
