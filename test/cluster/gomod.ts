// Locates files inside a pinned Go module in the local module cache (`go mod download -json`),
// downloading it through the Go module proxy the first time. Nothing is copied into the repo.
import { join } from 'node:path'
import { goJson } from './versions.ts'

interface Download {
  Dir?: string
  Version?: string
  Error?: string
}

/** Absolute directory of `module@version` in the module cache. */
export async function moduleDir(module: string, version: string): Promise<string> {
  const info = await goJson<Download>(process.cwd(), ['mod', 'download', '-json', `${module}@${version}`])
  if (!info.Dir) {
    throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir in output'}`)
  }
  return info.Dir
}

/** Path of a file inside a module, e.g. Istio's CRD bundle. */
export async function moduleFile(module: string, version: string, file: string): Promise<string> {
  return join(await moduleDir(module, version), file)
}
