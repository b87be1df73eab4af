// The learner's workspace folder: created per session under the data dir; files read and saved
// only inside it (no `..`, no absolute paths, no symlink escapes). The learner's shell can make
// links in it, so a save resolves the real folder and never follows a link at the file itself.
import { constants } from 'node:fs'
import { lstat, mkdir, open, readFile, realpath } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
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

function linkRefused(name: string, why: string, cause?: unknown): AppError {
  return new AppError('LAB_ERR_WORKSPACE_LINK', {
    message: `The file "${name}" was not saved: ${why}.`,
    // `rm` removes the link (or pipe) itself, never what it points to.
    hint: `Remove it in your terminal (rm ${name}) and press Save again; Save writes only regular files inside your workspace.`,
    ...(cause === undefined ? {} : { cause }),
  })
}

function folderRefused(name: string): AppError {
  return new AppError('LAB_ERR_WORKSPACE_LINK', {
    message: `The file "${name}" was not saved: a folder on its path is a link that leads outside your workspace.`,
    hint: 'Find the link with `ls -l` in your terminal, replace it with a real folder, and press Save again.',
  })
}

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  )

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/** Creates the folders of `dir` under the real `root`, refusing any that is or leads outside it. */
async function ensureFolderInside(root: string, dir: string, name: string): Promise<string> {
  let existing = dir
  while (!(await exists(existing))) {
    existing = dirname(existing)
  }
  const real = await realpath(existing)
  if (!isInside(root, real)) {
    throw folderRefused(name)
  }
  const rest = relative(existing, dir)
  const target = rest === '' ? real : join(real, rest)
  await mkdir(target, { recursive: true })
  // Checked again after creating: a link swapped in meanwhile is caught here.
  const realTarget = await realpath(target)
  if (!isInside(root, realTarget)) {
    throw folderRefused(name)
  }
  return realTarget
}

// O_NOFOLLOW: a link at the file itself fails (ELOOP) instead of being followed; O_NONBLOCK: a
// named pipe does not hang the request; no O_TRUNC until the file is known to be ours alone.
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK

/**
 * Saves `content` at `relativePath` inside the workspace. Refuses (LAB_ERR_WORKSPACE_LINK) a path
 * through a folder link that leaves the workspace, a link at the file itself, a hard-linked file
 * and anything that is not a regular file.
 */
export async function writeWorkspaceFile(workspaceDir: string, relativePath: string, content: string): Promise<string> {
  const target = resolveInside(workspaceDir, relativePath)
  const name = relative(workspaceDir, target)
  const root = await realpath(workspaceDir)
  const folder = await ensureFolderInside(root, dirname(join(root, name)), name)
  const handle = await open(join(folder, basename(target)), WRITE_FLAGS, 0o644).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP' || err.code === 'ENXIO' || err.code === 'EISDIR') {
      throw linkRefused(name, err.code === 'ELOOP' ? 'it is a symbolic link' : 'it is not a regular file', err)
    }
    throw err
  })
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) {
      throw linkRefused(name, 'it is not a regular file')
    }
    if (stat.nlink > 1) {
      throw linkRefused(name, 'it is a hard link to another file')
    }
    await handle.truncate(0)
    await handle.writeFile(content, 'utf8')
  } finally {
    await handle.close()
  }
  return name
}
