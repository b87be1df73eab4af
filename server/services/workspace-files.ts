// A session's workspace files and a lab's assets, for the HTTP routes: the routes name a session or
// a lab, the workspace adapter keeps every path inside its folder (no `..`, no links out).
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readWorkspaceFile, resolveInside, writeWorkspaceFile } from '../adapters/workspace/workspace-fs.ts'
import { AppError } from '../errors.ts'
import type { Lab } from '../labs/load-labs.ts'

/** The file's text, or undefined when it does not exist. */
export function readSessionFile(session: { workspaceDir: string }, name: string): Promise<string | undefined> {
  return readWorkspaceFile(session.workspaceDir, name)
}

/** Writes the file and returns its path relative to the workspace. */
export function writeSessionFile(session: { workspaceDir: string }, name: string, content: string): Promise<string> {
  return writeWorkspaceFile(session.workspaceDir, name, content)
}

/** The bytes of `assets/<file>` of the lab; LAB_ERR_NOT_FOUND when there is no such asset. */
export async function readLabAsset(lab: Pick<Lab, 'dir'>, file: string): Promise<Buffer> {
  const path = resolveInside(join(lab.dir, 'assets'), file)
  return readFile(path).catch(() => {
    throw new AppError('LAB_ERR_NOT_FOUND', { message: `The lab has no asset called ${file}.` })
  })
}
