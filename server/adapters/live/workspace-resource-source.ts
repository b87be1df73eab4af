// The learner's resources offline: every *.yaml / *.yml file in the workspace, recursively, parsed
// as multi-document YAML exactly as kubectl reads it. Bounded (file size, file count, depth); unreadable or broken files become
// problems for the grader to report, never exceptions. Symlinks and dot-folders are not followed.
import { lstat, readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { ResourceSnapshot, TextResourceSource } from '../../checks/live-services.ts'
import { readKubeYaml } from '../../grader/core/yaml/kube-yaml.ts'

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

/** One workspace file: its text, or why it was not read. */
type WorkspaceFile = { file: string; text: string } | { file: string; problem: string }

async function readOne(dir: string, path: string, maxFileBytes: number): Promise<WorkspaceFile | undefined> {
  const file = relative(dir, path).split(sep).join('/')
  const info = await lstat(path).catch(() => undefined)
  if (!info?.isFile()) {
    return undefined
  }
  if (info.size > maxFileBytes) {
    return { file, problem: `The file is larger than ${Math.round(maxFileBytes / 1024)} KiB and was not read.` }
  }
  try {
    return { file, text: await readFile(path, 'utf8') }
  } catch (err) {
    return { file, problem: `The file cannot be read: ${(err as Error).message}` }
  }
}

/**
 * A ResourceSource over the learner's workspace folder (offline mode). It hands the grader the
 * texts, so that the workspace is read exactly as `kindlab check --resources` reads a file: the
 * same reader (kubectl's semantics) and the same field lines.
 */
export function createWorkspaceResourceSource(options: WorkspaceResourceSourceOptions): TextResourceSource {
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024
  const readAll = async (): Promise<WorkspaceFile[]> => {
    const { files, truncated } = await findYamlFiles(options.dir, options.maxDepth ?? 8, options.maxFiles ?? 200)
    const out: WorkspaceFile[] = []
    for (const path of files) {
      const one = await readOne(options.dir, path, maxFileBytes)
      if (one !== undefined) {
        out.push(one)
      }
    }
    if (truncated) {
      out.push({
        file: '.',
        problem: `Only the first ${files.length} YAML files were read; move unrelated files out of the workspace.`,
      })
    }
    return out
  }
  return {
    describe: () => 'your workspace files',
    async texts() {
      return (await readAll()).map((f) => ('text' in f ? f : { file: f.file, text: '', problem: f.problem }))
    },
    async list(): Promise<ResourceSnapshot> {
      const snapshot: ResourceSnapshot = { objects: [], origins: [], problems: [] }
      for (const f of await readAll()) {
        if (!('text' in f)) {
          snapshot.problems.push({ file: f.file, message: f.problem })
          continue
        }
        // Read exactly as kubectl reads it; what kubectl refuses is a problem at file:line.
        const read = readKubeYaml(f.text)
        for (const doc of read.documents) {
          snapshot.objects.push(doc.value)
          snapshot.origins.push({ file: f.file, document: doc.index })
        }
        if (read.error !== undefined) {
          snapshot.problems.push({
            file: f.file,
            line: read.error.line,
            message: `kubectl refuses this YAML (document ${read.error.document + 1}): ${read.error.message}`,
          })
        }
      }
      return snapshot
    },
  }
}
