// Sessions: issue a token to the page, find the session behind a token, and give each session its
// own workspace folder. Tokens are shown once and stored hashed.
import type { SessionRecord, SessionsRepo } from '../store/sessions-repo.ts'
import { ensureWorkspace, workspaceDirFor } from '../adapters/workspace/workspace-fs.ts'
import { AppError } from '../errors.ts'

export interface SessionService {
  create(input?: {
    displayName?: string
    vars?: Record<string, string>
    kind?: string
  }): Promise<{ token: string; session: SessionRecord }>
  authenticate(token: string | undefined): SessionRecord | undefined
  require(token: string | undefined): SessionRecord
}

export function createSessionService(repo: SessionsRepo, dataDir: string): SessionService {
  const service: SessionService = {
    async create(input = {}) {
      const created = repo.create({ ...input, workspaceDirFor: (id) => workspaceDirFor(dataDir, id) })
      await ensureWorkspace(created.session.workspaceDir)
      return created
    },
    authenticate(token) {
      if (!token) {
        return undefined
      }
      const session = repo.findByToken(token)
      if (session) {
        repo.touch(session.id)
      }
      return session
    },
    require(token) {
      const session = service.authenticate(token)
      if (!session) {
        throw new AppError('LAB_ERR_AUTH_REQUIRED', {
          message: 'Your lab session is missing or has expired.',
          hint: 'Reload the page to start a new session.',
        })
      }
      return session
    },
  }
  return service
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1]
}
