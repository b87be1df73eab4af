// The learner's resources offline: every *.yaml / *.yml file in the workspace, recursively, parsed
// as multi-document YAML. Bounded (file size, file count, depth); unreadable or broken files become
// problems for the grader to report; only a file past the YAML reader's limits (alias bombs, deep
// nesting) is an error, LAB_ERR_INPUT_FILE with its line. Symlinks and dot-folders are not followed.
import { lstat, readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { LineCounter, parseAllDocuments } from 'yaml'
import type { ResourceSnapshot, ResourceSource } from '../../checks/live-services.ts'
import { assertParsedWithinLimits, documentValue } from '../workspace/yaml-limits.ts'

export interface WorkspaceResourceSourceOptions {
  dir: string
  /** @default 1 MiB */
  maxFileBytes?: number
  /** @default 200 */
  maxFiles?: number
  /** @default 8 */
  maxDepth?: number
}

const skipDirs = new Set(['node_modules'])
const isYaml = (name: string): boolean => /\.ya?ml$/i.test(name)

/** YAML files under `dir`, sorted by path; folders starting with "." and node_modules are skipped. */
export async function findYamlFiles(
  dir: string,
  maxDepth: number,
  maxFiles: number,
): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = []
  let truncated = false
  const walk = async (current: string, depth: number): Promise<void> => {
    const entries = (await readdir(current, { withFileTypes: true }).catch(() => [])).sort((a, b) =>
      a.name.localeCompare(b.name),
    )
    for (const entry of entries) {
      if (files.length >= maxFiles) {
        truncated = true
        return
      }
      const path = join(current, entry.name)
      if (entry.isDirectory() && !entry.name.startsWith('.') && !skipDirs.has(entry.name) && depth < maxDepth) {
        await walk(path, depth + 1)
      } else if (entry.isFile() && isYaml(entry.name)) {
        files.push(path)
      }
    }
  }
  await walk(dir, 0)
  return { files, truncated }
}

async function readOne(dir: string, path: string, maxFileBytes: number, snapshot: ResourceSnapshot): Promise<void> {
  const file = relative(dir, path).split(sep).join('/')
  const info = await lstat(path).catch(() => undefined)
  if (!info?.isFile()) {
    return
  }
  if (info.size > maxFileBytes) {
    snapshot.problems.push({
      file,
      message: `The file is larger than ${Math.round(maxFileBytes / 1024)} KiB and was not read.`,
    })
    return
  }
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    snapshot.problems.push({ file, message: `The file cannot be read: ${(err as Error).message}` })
    return
  }
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines })
  ;(Array.isArray(docs) ? docs : []).forEach((doc, index) => {
    // Past the reader's limits (alias bombs, deep nesting) the whole Check is refused with a 400.
    assertParsedWithinLimits(doc, file, lines)
    const error = doc.errors[0]
    if (error) {
      snapshot.problems.push({
        file,
        line: error.linePos?.[0]?.line ?? 1,
        message: error.message.split('\n')[0] ?? 'YAML error',
      })
      return
    }
    const value = documentValue(doc, file, lines)
    if (value !== null && value !== undefined) {
      snapshot.objects.push(value)
      snapshot.origins.push({ file, document: index })
    }
  })
}

/** A ResourceSource over the learner's workspace folder (offline mode). */
export function createWorkspaceResourceSource(options: WorkspaceResourceSourceOptions): ResourceSource {
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024
  return {
    describe: () => 'your workspace files',
    async list(): Promise<ResourceSnapshot> {
      const snapshot: ResourceSnapshot = { objects: [], origins: [], problems: [] }
      const { files, truncated } = await findYamlFiles(options.dir, options.maxDepth ?? 8, options.maxFiles ?? 200)
      for (const path of files) {
        await readOne(options.dir, path, maxFileBytes, snapshot)
      }
      if (truncated) {
        snapshot.problems.push({
          file: '.',
          message: `Only the first ${files.length} YAML files were read; move unrelated files out of the workspace.`,
        })
      }
      return snapshot
    },
  }
}
