// Removes an ended session's workspace folder (only ever a folder named by a session id under
// <dataDir>/workspaces; anything else is refused, so a bad id can never reach another path).
import { rm } from 'node:fs/promises'
import { workspaceDirFor } from './workspace-fs.ts'

const sessionId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Deletes `<dataDir>/workspaces/<id>` and everything in it; a missing folder is fine. */
export async function removeWorkspace(dataDir: string, id: string): Promise<void> {
  if (!sessionId.test(id)) {
    throw new Error(`not a session id: ${JSON.stringify(id)}`)
  }
  await rm(workspaceDirFor(dataDir, id), { recursive: true, force: true, maxRetries: 2 })
}
