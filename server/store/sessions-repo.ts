// Sessions: who is at the keyboard. Tokens are stored only as SHA-256 hashes.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Db } from './db.ts'

export interface SessionRecord {
  id: string
  kind: string
  displayName: string | undefined
  workspaceDir: string
  vars: Record<string, string>
  createdAt: number
  lastSeenAt: number
}

interface SessionRow {
  id: string
  kind: string
  display_name: string | null
  workspace_dir: string
  vars_json: string
  created_at: number
  last_seen_at: number
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name ?? undefined,
    workspaceDir: row.workspace_dir,
    vars: JSON.parse(row.vars_json) as Record<string, string>,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  }
}

export function createSessionsRepo(db: Db, now: () => number = Date.now) {
  const insert = db.prepare(
    `INSERT INTO sessions (id, token_hash, kind, display_name, workspace_dir, vars_json, client, created_at, last_seen_at)
     VALUES (@id, @tokenHash, @kind, @displayName, @workspaceDir, @varsJson, @client, @now, @now)`,
  )
  const byToken = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ? AND ended_at IS NULL')
  const byId = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?')
  const touch = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?')
  const end = db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ?')
  const liveSolo = db.prepare<[number], { n: number }>(
    "SELECT COUNT(*) AS n FROM sessions WHERE kind = 'solo' AND ended_at IS NULL AND last_seen_at >= ?",
  )
  const liveSoloOf = db.prepare<[number, string], { n: number }>(
    "SELECT COUNT(*) AS n FROM sessions WHERE kind = 'solo' AND ended_at IS NULL AND last_seen_at >= ? AND client = ?",
  )
  const idleSolo = db.prepare<[number], SessionRow>(
    "SELECT * FROM sessions WHERE kind = 'solo' AND ended_at IS NULL AND last_seen_at < ?",
  )
  return {
    /** Creates a session and returns it with its token (shown once, stored hashed). */
    create(input: {
      kind?: string
      displayName?: string
      workspaceDirFor: (id: string) => string
      vars?: Record<string, string>
      /** The client address that asked for it (solo sessions, for the per-client cap). */
      client?: string
    }) {
      const id = randomUUID()
      const token = randomBytes(24).toString('base64url')
      const workspaceDir = input.workspaceDirFor(id)
      insert.run({
        id,
        tokenHash: hashToken(token),
        kind: input.kind ?? 'solo',
        displayName: input.displayName ?? null,
        workspaceDir,
        varsJson: JSON.stringify(input.vars ?? {}),
        client: input.client ?? null,
        now: now(),
      })
      return { token, session: toRecord(byId.get(id) as SessionRow) }
    },
    findByToken(token: string): SessionRecord | undefined {
      const row = byToken.get(hashToken(token))
      return row ? toRecord(row) : undefined
    },
    findById(id: string): SessionRecord | undefined {
      const row = byId.get(id)
      return row ? toRecord(row) : undefined
    },
    touch(id: string): void {
      touch.run(now(), id)
    },
    end(id: string): void {
      end.run(now(), id)
    },
    /** Solo sessions not ended and used since `since`, of one client address or of everyone. */
    countLiveSolo(since: number, client?: string): number {
      return (client === undefined ? liveSolo.get(since) : liveSoloOf.get(since, client))?.n ?? 0
    },
    /** Ends the solo sessions unused since `cutoff`; returns them (their workspaces are to go). */
    endIdleSolo(cutoff: number): SessionRecord[] {
      return db.transaction(() => {
        const rows = idleSolo.all(cutoff)
        for (const row of rows) {
          end.run(now(), row.id)
        }
        return rows.map(toRecord)
      })()
    },
  }
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>
