// The learner's workspace folder: created per session under the data dir; files read and saved
// only inside it (no `..`, no absolute paths, no symlink escapes).
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { AppError } from '../../errors.ts'

export function workspaceDirFor(dataDir: string, sessionId: string): string {
  return join(dataDir, 'workspaces', sessionId)
}

export async function ensureWorkspace(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
}

/** Resolves a learner-given relative path inside the workspace, or throws LAB_ERR_VALIDATION. */
export function resolveInside(workspaceDir: string, relativePath: string): string {
  const target = resolve(workspaceDir, relativePath)
  const rel = relative(workspaceDir, target)
  if (relativePath === '' || isAbsolute(relativePath) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new AppError('LAB_ERR_VALIDATION', {
      message: `The file name "${relativePath}" points outside your workspace.`,
      hint: 'Use a plain relative name such as gateway.yaml.',
    })
  }
  return target
}

async function assertNoEscape(workspaceDir: string, target: string): Promise<void> {
  const [realRoot, realTarget] = await Promise.all([realpath(workspaceDir), realpath(target)])
  const rel = relative(realRoot, realTarget)
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new AppError('LAB_ERR_VALIDATION', {
      message: `The file "${relative(workspaceDir, target)}" links outside your workspace.`,
      hint: 'Replace the symbolic link with a regular file.',
    })
  }
}

export async function readWorkspaceFile(workspaceDir: string, relativePath: string): Promise<string | undefined> {
  const target = resolveInside(workspaceDir, relativePath)
  try {
    await assertNoEscape(workspaceDir, target)
    return await readFile(target, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined
    }
    throw err
  }
}

export async function writeWorkspaceFile(workspaceDir: string, relativePath: string, content: string): Promise<string> {
  const target = resolveInside(workspaceDir, relativePath)
  await mkdir(dirname(target), { recursive: true })
  await writeFile(target, content, 'utf8')
  return relative(workspaceDir, target)
}
