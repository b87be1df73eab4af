// Installs Istio's CRDs from the pinned istio.io/istio module (manifests/charts/base/files/
// crd-all.gen.yaml in the Go module cache, located through the istio wrapper module) and waits until every one is Established.
import { readFileSync } from 'node:fs'
import { ApiException, loadAllYaml, V1CustomResourceDefinition, type ApiextensionsV1Api } from '@kubernetes/client-node'
import { istioModule, moduleFile } from './gomod.ts'
import { poll } from './poll.ts'

export const istioCrdFile = 'manifests/charts/base/files/crd-all.gen.yaml'

/** Reads the CRD objects from the Istio module (downloading it once, about 20 MB). */
export async function loadIstioCrds(): Promise<V1CustomResourceDefinition[]> {
  const file = await moduleFile(istioModule, istioCrdFile)
  // loadAllYaml maps wire keys (x-kubernetes-int-or-string) onto the client's models; plain YAML
  // objects would lose them when the client serializes the request.
  return loadAllYaml(readFileSync(file, 'utf8')).filter(
    (obj): obj is V1CustomResourceDefinition => obj instanceof V1CustomResourceDefinition,
  )
}

function established(crd: V1CustomResourceDefinition): boolean {
  return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false
}

/** Creates the CRDs (existing ones are left alone) and waits for Established. Returns their names. */
export async function installIstioCrds(api: ApiextensionsV1Api, abort?: () => void): Promise<string[]> {
  return installCrds(api, await loadIstioCrds(), 'Istio CRDs', abort)
}

/** Creates CRDs (existing ones are left alone) and waits until each is Established. */
export async function installCrds(
  api: ApiextensionsV1Api,
  crds: readonly V1CustomResourceDefinition[],
  what: string,
  abort?: () => void,
): Promise<string[]> {
  for (const body of crds) {
    try {
      await api.createCustomResourceDefinition({ body })
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 409)) {
        throw err
      }
    }
  }
  const names = crds.map((c) => c.metadata?.name ?? '')
  await poll(
    async () => {
      const list = await api.listCustomResourceDefinition({})
      const ok = new Set(list.items.filter(established).map((c) => c.metadata?.name))
      return names.every((n) => ok.has(n)) ? true : undefined
    },
    { what: `${what} to be Established`, timeoutMs: 60_000, abort },
  )
  return names
}
