// The pure parts of the sim's `kindlab up` stand-ins (test/cluster/dataplane/istioctl-install.ts):
// what of istioctl's rendering the simulated cluster gets, how its manifest is read, and the kind
// stand-in. The whole path runs in test/cluster/dataplane/istioctl-install.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dumpYaml, KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node'
import { afterAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { asKindKubeconfig, parseManifest, simInstallObjects, simKind } from '../cluster/dataplane/istioctl-install.ts'
import type { KubeObject } from '../../server/provision/blueprint.ts'

const obj = (kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
})

describe('simInstallObjects', () => {
  it('drops only the two webhook configurations and creates the namespaces istioctl install would', () => {
    const generated = [
      obj('ServiceAccount', 'istiod', 'istio-system'),
      obj('ValidatingWebhookConfiguration', 'istio-validator-istio-system'),
      obj('MutatingWebhookConfiguration', 'istio-sidecar-injector'),
      obj('ClusterRole', 'istiod-clusterrole-istio-system'),
      obj('Service', 'istio-ingressgateway', 'istio-system'),
      obj('ConfigMap', 'other', 'istio-cni'),
    ]
    const { apply, dropped } = simInstallObjects(generated)
    expect(dropped.map((o) => o.kind)).toEqual(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'])
    expect(apply.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'Namespace istio-system',
      'Namespace istio-cni',
      'ServiceAccount istiod',
      'ClusterRole istiod-clusterrole-istio-system',
      'Service istio-ingressgateway',
      'ConfigMap other',
    ])
  })
})

const manifest = `---
# only a comment
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: things.example.com }
spec:
  group: example.com
  names: { kind: Thing, plural: things }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            status:
              type: object
              properties:
                observedGeneration:
                  anyOf: [{ type: integer }, { type: string }]
                  x-kubernetes-int-or-string: true
---
apiVersion: v1
kind: ConfigMap
metadata: { name: c, namespace: istio-system }
`

describe('parseManifest', () => {
  it("skips empty documents and keeps a CRD's x-kubernetes-int-or-string for the client's serializer", () => {
    const objects = parseManifest(manifest)
    expect(objects.map((o) => o.kind)).toEqual(['CustomResourceDefinition', 'ConfigMap'])
    const crd = objects[0] as unknown as V1CustomResourceDefinition
    expect(crd).toBeInstanceOf(V1CustomResourceDefinition)
    // What the client sends: the key survives. Read as plain YAML it is lost (the API server then
    // answers 422), which is why parseManifest goes through the client's models.
    expect(dumpYaml(crd)).toMatch(/x-kubernetes-int-or-string: true/)
    const plain: unknown = parseAllDocuments(manifest)[2]?.toJS()
    expect(dumpYaml(plain)).not.toMatch(/x-kubernetes-int-or-string/)
  })
})

describe('the kind stand-in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-kind-stand-in-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("names the sim's cluster, gives its kubeconfig under kind's context, and refuses to create or load", async () => {
    const source = new KubeConfig()
    source.loadFromOptions({
      clusters: [{ name: 'sim', server: 'https://127.0.0.1:6443', caData: 'Y2E=' }],
      users: [{ name: 'admin', certData: 'Y2VydA==', keyData: 'a2V5' }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'admin' }],
      currentContext: 'sim',
    })
    const path = join(dir, 'admin.kubeconfig')
    writeFileSync(path, source.exportConfig())
    const kind = simKind('kindlab', () => asKindKubeconfig(path, 'kind-kindlab'))
    expect(await kind.clusters()).toEqual(['kindlab'])
    const kc = new KubeConfig()
    kc.loadFromString(await kind.kubeconfig('kindlab'))
    expect(kc.getCurrentContext()).toBe('kind-kindlab')
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443')
    expect(kc.getCurrentUser()?.name).toBe('admin')
    expect(() => kind.create('kindlab', 'c.yaml', 'k')).toThrow(/no kind here/)
    expect(() => kind.loadImageArchive('kindlab', 'images.tar')).toThrow(/no kind here/)
  })
})
