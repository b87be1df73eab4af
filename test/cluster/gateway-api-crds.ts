// The Kubernetes Gateway API CRDs at v1.6.0, read at run time from the sigs.k8s.io/gateway-api
// module in the Go module cache (config/crd/<channel>/), located through the istio wrapper module,
// whose go.mod pins v1.6.0 (istiod 1.31 builds against it). Nothing is copied into the repo.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadAllYaml, V1CustomResourceDefinition, type ApiextensionsV1Api } from '@kubernetes/client-node'
import { type ModuleRef, moduleDir } from './gomod.ts'
import { installCrds } from './istio-crds.ts'

export const gatewayApiVersion = 'v1.6.0'
export const gatewayApiModule: ModuleRef = { wrapper: 'istio', pkg: 'sigs.k8s.io/gateway-api/apis/v1' }

/** The CRDs of one release channel (the ValidatingAdmissionPolicy next to them is left out). */
export async function loadGatewayApiCrds(
  channel: 'standard' | 'experimental' = 'standard',
): Promise<V1CustomResourceDefinition[]> {
  const dir = await moduleDir(gatewayApiModule)
  if (!dir.endsWith(`@${gatewayApiVersion}`)) {
    throw new Error(`the istio wrapper pins ${dir}, not sigs.k8s.io/gateway-api@${gatewayApiVersion}`)
  }
  const crdDir = join(dir, 'config', 'crd', channel)
  return readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .flatMap((f): unknown[] => loadAllYaml(readFileSync(join(crdDir, f), 'utf8')) as unknown[])
    .filter((obj): obj is V1CustomResourceDefinition => obj instanceof V1CustomResourceDefinition)
}

/** Installs the channel's CRDs and waits until each is Established; returns their names. */
export async function installGatewayApiCrds(
  api: ApiextensionsV1Api,
  channel: 'standard' | 'experimental' = 'standard',
): Promise<string[]> {
  return installCrds(api, await loadGatewayApiCrds(channel), `Gateway API ${gatewayApiVersion} CRDs`)
}

/**
 * The release's `<channel>-install.yaml` as upstream hack/build-install-yaml.sh assembles it from
 * config/crd/<channel>/gateway*.yaml (a header, then per file `---`, `#`, `# <path>`, `#`, the
 * file): the stand-in for the download in provisioning tests. The header is a placeholder, as
 * kindlab neither pins nor applies it.
 */
export async function installYamlFromModule(channel: 'standard' | 'experimental' = 'standard'): Promise<string> {
  const dir = await moduleDir(gatewayApiModule)
  const crdDir = join(dir, 'config', 'crd', channel)
  const files = readdirSync(crdDir)
    .filter((f) => f.startsWith('gateway') && f.endsWith('.yaml'))
    .sort()
  let out = `# (licence header)\n#\n# Gateway API ${channel} channel install\n#\n`
  for (const f of files) {
    out += `---\n#\n# config/crd/${channel}/${f}\n#\n${readFileSync(join(crdDir, f), 'utf8')}`
  }
  return out
}
