// Locates files inside a pinned Go module through the wrapper module that builds it
// (test/cluster/go/<wrapper>), downloading the module through the Go module proxy the first time.
// Nothing is copied into the repo.
//
// Why not `go mod download -json module@version`: it (and `go list -m -json`) asks the proxy for the
// version's `.info` first, and for some pseudo-versions (istio.io/istio's) the proxy serves `.mod`
// and `.zip` but answers 403 for `.info`. Listing one package of the module from the wrapper module
// fetches exactly what `go build` fetches (`.mod` and `.zip`), so it works on an empty module cache.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { goText } from './versions.ts'

const here = dirname(fileURLToPath(import.meta.url))

/** Where a module lives: the wrapper module that requires it and one package inside it. */
export interface ModuleRef {
  /** Folder under test/cluster/go whose go.mod pins the module. */
  wrapper: string
  /** Any package of the module (its root need not be a package). */
  pkg: string
}

export const istioModule: ModuleRef = { wrapper: 'istio', pkg: 'istio.io/istio/pkg/version' }
export const kwokModule: ModuleRef = { wrapper: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok' }

/** Absolute directory of the module (as pinned by its wrapper's go.mod) in the module cache. */
export async function moduleDir(ref: ModuleRef, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const cwd = join(here, 'go', ref.wrapper)
  let dir: string
  try {
    // -find: do not resolve the package's imports, only locate it (and download its module).
    dir = (await goText(cwd, ['list', '-find', '-f', '{{.Module.Dir}}', ref.pkg], env)).trim()
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err)
    throw new Error(`cannot locate the module of ${ref.pkg} from test/cluster/go/${ref.wrapper}: ${detail}`)
  }
  if (!dir || !existsSync(dir)) {
    throw new Error(`go list reported module directory "${dir}" for ${ref.pkg}, which does not exist`)
  }
  return dir
}

/** Path of a file inside a module, e.g. Istio's CRD bundle; a clear error names a missing file. */
export async function moduleFile(ref: ModuleRef, file: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const path = join(await moduleDir(ref, env), file)
  if (!existsSync(path)) {
    throw new Error(`${file} is missing from the module of ${ref.pkg} (looked at ${path})`)
  }
  return path
}
