// Where the cluster harness keeps its binaries, and its progress-line type: apart from build.ts so
// that envoy.ts (which build.ts loads for --dataplane) can use them without an import cycle.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { versions } from './versions.ts'

export type Log = (line: string) => void

/** Where binaries for the pinned versions live; override the root with KINDLAB_CACHE_DIR. */
export function binDir(): string {
  const root =
    process.env['KINDLAB_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'kindlab')
  return join(root, 'cluster', versions.kubernetes)
}
