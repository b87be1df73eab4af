// The Gateway API install file is applied only when every file in it matches its pinned SHA-256:
// split as upstream's build script joins it, a changed byte, a missing or an extra file refuses
// the whole download. The shipped blueprint pins v1.6.0 for kind targets only.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { type GatewayApiPin, loadBlueprint } from './blueprint.ts'
import { splitInstallYaml, verifiedInstallObjects } from './gateway-api-crds.ts'
import { planUp } from './plan.ts'
import { planText } from './plan-text.ts'

const crd = (plural: string): string =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.gateway.networking.k8s.io\nspec:\n  group: gateway.networking.k8s.io\n`
const files: Record<string, string> = {
  'gateway.networking.k8s.io_gateways.yaml': crd('gateways'),
  'gateway.networking.k8s.io_httproutes.yaml': `# a comment the file keeps\n${crd('httproutes')}`,
}
const sha = (t: string): string => createHash('sha256').update(t).digest('hex')
const pin: GatewayApiPin = {
  version: 'v9.9.9',
  url: 'https://example.test/{version}/standard-install.yaml',
  files: Object.fromEntries(Object.entries(files).map(([f, t]) => [f, sha(t)])),
}

/** The install file as upstream hack/build-install-yaml.sh writes it (header, then each file). */
function install(parts: Record<string, string>, year = '2026'): string {
  let out = `# Copyright ${year} The Kubernetes Authors.\n#\n# Gateway API Standard channel install\n#\n`
  for (const [f, t] of Object.entries(parts)) {
    out += `---\n#\n# config/crd/standard/${f}\n#\n${t}`
  }
  return out
}

function refusal(text: string): string {
  try {
    verifiedInstallObjects(text, pin)
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('LAB_ERR_CHECKSUM_MISMATCH')
    return (err as AppError).message
  }
  throw new Error('not refused')
}

describe('the Gateway API install file', () => {
  it('splits into the files it was built from, byte for byte, whatever the header says', () => {
    expect(splitInstallYaml(install(files, '2031'))).toEqual(
      Object.entries(files).map(([file, text]) => ({ file, text })),
    )
  })

  it('gives the objects when every file matches its pin', () => {
    const objects = verifiedInstallObjects(install(files), pin)
    expect(objects.map((o) => o.metadata.name)).toEqual([
      'gateways.gateway.networking.k8s.io',
      'httproutes.gateway.networking.k8s.io',
    ])
  })

  it('refuses a changed byte, a missing file and a file nobody pinned', () => {
    const changed = { ...files, 'gateway.networking.k8s.io_gateways.yaml': crd('gateway') }
    expect(refusal(install(changed))).toMatch(
      /gateway\.networking\.k8s\.io_gateways\.yaml has SHA-256 [0-9a-f]{64}, pinned/,
    )
    const { 'gateway.networking.k8s.io_httproutes.yaml': _dropped, ...fewer } = files
    expect(refusal(install(fewer))).toContain('lacks gateway.networking.k8s.io_httproutes.yaml')
    expect(refusal(install({ ...files, 'gateway.networking.k8s.io_extra.yaml': crd('extras') }))).toContain(
      'holds gateway.networking.k8s.io_extra.yaml, which is not pinned',
    )
    expect(refusal('<html>not found</html>')).toContain('lacks')
  })
})

describe('the shipped pin', () => {
  const base = { kubeconfigPath: '/k', workDir: '/w' }

  it('installs Gateway API v1.6.0 in kind, and leaves an existing cluster alone', async () => {
    const bp = await loadBlueprint()
    expect(bp.gatewayApi?.version).toBe('v1.6.0')
    expect(Object.keys(bp.gatewayApi?.files ?? {})).toHaveLength(11)
    const kind = planUp(bp, { ...base, target: { type: 'kind', clusterName: 'kindlab' } })
    expect(planText(kind).join('\n')).toContain('check each of its 11 files against its pinned SHA-256')
    // The Envoy istiod deploys for each Gateway (the kube-gateway template) is proxyv2: saved with the rest.
    expect(kind.images.find((i) => i.image.includes('/proxyv2:'))?.usedBy).toContain('Gateway API gateways')
    const context = planUp(bp, { ...base, target: { type: 'context', context: 'prod' } })
    expect(context.steps.map((s) => s.id)).not.toContain('gateway-api')
  })
})
