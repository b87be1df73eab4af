// Where kindlab's own files are: the package root, the built web app, the bundled labs.
// Works from the bundle (dist/kindlab.js) and from the TypeScript sources (tsx).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/** The folder holding kindlab's package.json. */
export function packageRoot(): string {
  if (cached) {
    return cached
  }
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'package.json')
    if (
      existsSync(candidate) &&
      (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'kindlab'
    ) {
      cached = dir
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error('kindlab: cannot find its package.json above ' + fileURLToPath(import.meta.url))
    }
    dir = parent
  }
}

export const webDistDir = (): string => join(packageRoot(), 'dist', 'web')
export const bundledLabsDir = (): string => join(packageRoot(), 'labs')
export const clustersDir = (): string => join(packageRoot(), 'clusters')
