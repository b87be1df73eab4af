// The Kubernetes Gateway API CRDs `kindlab up` installs: the release's standard-install.yaml, split
// into the files it is built from (upstream hack/build-install-yaml.sh: a licence header, then
// per file `---`, `#`, `# config/crd/standard/<file>`, `#` and the file verbatim), each file
// checked against a SHA-256 pinned in clusters/blueprint.yaml. The header (its year is the build's)
// is not pinned and not applied. Pure: the executor downloads, this module verifies and parses.
import { createHash } from 'node:crypto'
import { parseAllDocuments } from 'yaml'
import { AppError } from '../errors.ts'
import type { GatewayApiPin, KubeObject } from './blueprint.ts'

/** One file of an install YAML, as the build script appended it. */
export interface InstallPart {
  file: string
  text: string
}

const marker = /^---\n#\n# config\/crd\/[a-z]+\/([A-Za-z0-9._-]+)\n#\n/gm

/** Splits an install YAML into its files; the text before the first file (the header) is dropped. */
export function splitInstallYaml(text: string): InstallPart[] {
  const starts = [...text.matchAll(marker)]
  return starts.map((m, i) => ({
    file: m[1]!,
    text: text.slice(m.index + m[0].length, starts[i + 1]?.index ?? text.length),
  }))
}

function mismatch(url: string, why: string): AppError {
  return new AppError('LAB_ERR_CHECKSUM_MISMATCH', {
    message: `The Gateway API install file from ${url} does not match its pins: ${why}; nothing was applied.`,
    hint: 'Retry (a proxy may have changed the download). If it happens again, the release was replaced upstream: report it and do not use that file.',
  })
}

/**
 * The objects of a downloaded install YAML when every file in it is pinned and matches its
 * SHA-256, and every pinned file is in it; a checksum error otherwise.
 * @example verifiedInstallObjects(await download(url), bp.gatewayApi).map((o) => o.metadata.name)
 */
export function verifiedInstallObjects(text: string, pin: GatewayApiPin, url = pin.url): KubeObject[] {
  const parts = splitInstallYaml(text)
  const seen = new Set<string>()
  for (const part of parts) {
    const want = pin.files[part.file]
    if (want === undefined) {
      throw mismatch(url, `it holds ${part.file}, which is not pinned`)
    }
    const got = createHash('sha256').update(part.text, 'utf8').digest('hex')
    if (got !== want.toLowerCase()) {
      throw mismatch(url, `${part.file} has SHA-256 ${got}, pinned ${want}`)
    }
    seen.add(part.file)
  }
  const missing = Object.keys(pin.files).filter((f) => !seen.has(f))
  if (missing.length > 0) {
    throw mismatch(url, `it lacks ${missing.join(', ')}`)
  }
  return parts.flatMap((p) =>
    parseAllDocuments(p.text)
      .map((d) => d.toJS() as unknown)
      .filter((o): o is KubeObject => typeof o === 'object' && o !== null && 'kind' in o && 'metadata' in o),
  )
}

/** The URL of the pinned release's install file. */
export function installUrl(pin: GatewayApiPin): string {
  return pin.url.replaceAll('{version}', pin.version)
}
