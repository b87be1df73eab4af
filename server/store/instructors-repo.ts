// The instructor and their sign-in sessions: one instructor row (admin token hash, optional
// password hash) and session tokens, stored only as hashes with an expiry. The rules (hashing,
// who may sign in) are in cohorts/instructor-auth.ts.
import type { Db } from './db.ts'

export interface InstructorRow {
  id: string
  token_hash: string
  password_hash: string | null
}

export function createInstructorsRepo(db: Db) {
  const first = db.prepare<[], InstructorRow>('SELECT id, token_hash, password_hash FROM instructors LIMIT 1')
  const insert = db.prepare('INSERT INTO instructors (id, token_hash, created_at) VALUES (?, ?, ?)')
  const setToken = db.prepare('UPDATE instructors SET token_hash = ? WHERE id = ?')
  const setPassword = db.prepare('UPDATE instructors SET password_hash = ? WHERE id = ?')
  const endSessionsOf = db.prepare('DELETE FROM instructor_sessions WHERE instructor_id = ?')
  const endExpired = db.prepare('DELETE FROM instructor_sessions WHERE expires_at < ?')
  const insertSession = db.prepare(
    'INSERT INTO instructor_sessions (token_hash, instructor_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  )
  const findSession = db.prepare<[string, number], { instructor_id: string }>(
    'SELECT instructor_id FROM instructor_sessions WHERE token_hash = ? AND expires_at > ?',
  )
  const endSession = db.prepare('DELETE FROM instructor_sessions WHERE token_hash = ?')
  return {
    /** The instructor, once created. */
    first: (): InstructorRow | undefined => first.get(),
    create(id: string, tokenHash: string, at: number): void {
      insert.run(id, tokenHash, at)
    },
    /** A new admin token: the old one and every session signed in with it end. */
    replaceToken(id: string, tokenHash: string): void {
      setToken.run(tokenHash, id)
      endSessionsOf.run(id)
    },
    setPassword(id: string, passwordHash: string): void {
      setPassword.run(passwordHash, id)
    },
    /** Stores a session (and forgets the expired ones). */
    addSession(tokenHash: string, instructorId: string, at: number, expiresAt: number): void {
      endExpired.run(at)
      insertSession.run(tokenHash, instructorId, at, expiresAt)
    },
    /** The instructor id of an unexpired session. */
    sessionInstructor: (tokenHash: string, at: number): string | undefined =>
      findSession.get(tokenHash, at)?.instructor_id,
    endSession(tokenHash: string): void {
      endSession.run(tokenHash)
    },
  }
}

export type InstructorsRepo = ReturnType<typeof createInstructorsRepo>
