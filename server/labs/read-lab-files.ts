// Reads a labs folder from disk into plain data (texts and file lists) for the validator. The only
// filesystem code of server/labs; everything after it is pure.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../errors.ts'

/** One lab folder as read from disk. */
export interface LabFolder {
  /** The folder name, which must equal the lab id. */
  name: string
  /** Absolute path. */
  dir: string
  /** lab.yaml's text; undefined when the file is missing. */
  labYaml: string | undefined
  /** Every file, relative to the lab folder with forward slashes. */
  files: ReadonlySet<string>
  /** Every folder, relative to the lab folder. */
  dirs: ReadonlySet<string>
  /** Texts of the Markdown files in steps/ and the YAML files under manifests/, by relative path. */
  texts: ReadonlyMap<string, string>
}

const MAX_FILES = 5000
const MAX_DEPTH = 8
const SKIPPED = new Set(['node_modules', '.git'])

/** Reads every lab folder (each subfolder not starting with `.` or `_`) of `labsDir`, sorted by name. */
export async function readLabFolders(labsDir: string): Promise<LabFolder[]> {
  const entries = await readdir(labsDir, { withFileTypes: true }).catch((err: unknown) => {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `Cannot read the labs folder ${labsDir}.`,
      hint: 'Pass the folder that holds the lab folders, e.g. `kindlab labs validate ./labs`.',
      cause: err,
    })
  })
  const names = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !entry.name.startsWith('_'))
    .map((entry) => entry.name)
    .sort()
  return Promise.all(names.map((name) => readLabFolder(join(labsDir, name), name)))
}

/** Reads one lab folder. */
export async function readLabFolder(dir: string, name: string): Promise<LabFolder> {
  const files = new Set<string>()
  const dirs = new Set<string>()
  await listTree(dir, '', files, dirs, 0)
  const texts = new Map<string, string>()
  const wanted = [...files].filter((file) => /^steps\/[^/]+\.md$/.test(file) || /^manifests\/.+\.ya?ml$/.test(file))
  await Promise.all(wanted.map(async (file) => texts.set(file, await readFile(join(dir, file), 'utf8'))))
  const labYaml = files.has('lab.yaml') ? await readFile(join(dir, 'lab.yaml'), 'utf8') : undefined
  return { name, dir, labYaml, files, dirs, texts }
}

async function listTree(
  root: string,
  prefix: string,
  files: Set<string>,
  dirs: Set<string>,
  depth: number,
): Promise<void> {
  if (depth > MAX_DEPTH || files.size > MAX_FILES) {
    return
  }
  const entries = await readdir(join(root, prefix), { withFileTypes: true })
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory() && !SKIPPED.has(entry.name)) {
      dirs.add(rel)
      await listTree(root, rel, files, dirs, depth + 1)
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(join(root, rel))))) {
      files.add(rel)
    }
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  )
}
