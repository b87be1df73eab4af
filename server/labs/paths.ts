// Where the labs that ship with kindlab live: the `labs/` folder next to the package root, found
// from this module's URL so it works from the bundle (dist/) and from the sources (tsx).
import { bundledLabsDir } from '../paths.ts'

/**
 * The default labs folder for `kindlab labs validate` and `kindlab serve`: `<package root>/labs`.
 * The package root is the nearest folder above this module whose package.json is kindlab's, so
 * the answer is the same for dist/kindlab.js, a dist/chunks/ file and server/labs/paths.ts.
 */
export function defaultLabsDir(): string {
  return bundledLabsDir()
}
