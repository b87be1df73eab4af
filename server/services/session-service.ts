// Sessions: issue a token to the page, find the session behind a token, and give each session its
// own workspace folder. Tokens are shown once and stored hashed. Solo sessions are capped (per
// client address and overall) and expire after `expiryMs` without use; trainee sessions are
// bounded by their cohort's seats and expired by the cohort reaper.
import type { SessionRecord, SessionsRepo } from '../store/sessions-repo.ts'
import { ensureWorkspace, workspaceDirFor } from '../adapters/workspace/workspace-fs.ts'
import { AppError } from '../errors.ts'

export interface SessionService {
  create(input?: {
    displayName?: string
    vars?: Record<string, string>
    kind?: string
    /** The client address asking (solo sessions): counted against the per-client cap. */
    client?: string
  }): Promise<{ token: string; session: SessionRecord }>
  authenticate(token: string | undefined): SessionRecord | undefined
  require(token: string | undefined): SessionRecord
}

export interface SessionLimits {
  /** A solo session unused this long ends, and its workspace goes. @default 48 h */
  expiryMs?: number
  /** Live solo sessions one client address may hold. @default 20 */
  maxPerClient?: number
  /** Live solo sessions in all. @default 500 */
  maxTotal?: number
  now?: () => number
}

export const sessionLimitDefaults = { expiryHours: 48, maxPerClient: 20, maxTotal: 500 } as const

export function createSessionService(repo: SessionsRepo, dataDir: string, limits: SessionLimits = {}): SessionService {
  const now = limits.now ?? Date.now
  const expiryMs = limits.expiryMs ?? sessionLimitDefaults.expiryHours * 3600_000
  const maxPerClient = limits.maxPerClient ?? sessionLimitDefaults.maxPerClient
  const maxTotal = limits.maxTotal ?? sessionLimitDefaults.maxTotal
  const hours = Math.max(1, Math.round(expiryMs / 3600_000))

  function assertRoom(client: string | undefined): void {
    const since = now() - expiryMs
    if (client !== undefined && repo.countLiveSolo(since, client) >= maxPerClient) {
      throw new AppError('LAB_ERR_SESSION_LIMIT', {
        message: `This browser's address already holds ${maxPerClient} open lab sessions, the most one client may have.`,
        hint: `Keep using a tab you already have open (sessions are kept in the browser), or wait: sessions unused for ${hours} h end by themselves.`,
      })
    }
    if (repo.countLiveSolo(since) >= maxTotal) {
      throw new AppError('LAB_ERR_SESSION_LIMIT', {
        message: `This kindlab server already holds ${maxTotal} open lab sessions, the most it allows.`,
        hint: `Try again later, or ask whoever runs the server to raise KINDLAB_MAX_SESSIONS.`,
      })
    }
  }

  const service: SessionService = {
    async create(input = {}) {
      const { client, ...rest } = input
      if ((rest.kind ?? 'solo') === 'solo') {
        assertRoom(client)
      }
      const created = repo.create({
        ...rest,
        ...(client === undefined ? {} : { client }),
        workspaceDirFor: (id) => workspaceDirFor(dataDir, id),
      })
      await ensureWorkspace(created.session.workspaceDir)
      return created
    },
    authenticate(token) {
      if (!token) {
        return undefined
      }
      const session = repo.findByToken(token)
      if (!session) {
        return undefined
      }
      if (session.kind === 'solo' && session.lastSeenAt < now() - expiryMs) {
        return undefined // expired: the reaper ends it and deletes its workspace (session-reaper.ts)
      }
      repo.touch(session.id)
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
