// Instructor sign-in: an admin token printed once at first start (stored hashed), optionally a
// password (scrypt). Signing in gives an instructor session token (hashed, expiring), which is
// what the instructor API accepts. Trainee session tokens never pass here. Stored through
// store/instructors-repo.ts.
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto'
import { AppError } from '../errors.ts'
import type { InstructorsRepo } from '../store/instructors-repo.ts'
import { sha256 } from './secrets.ts'

export const INSTRUCTOR_SESSION_MS = 12 * 60 * 60 * 1000
const scryptParams = { N: 16384, r: 8, p: 1 }

export interface InstructorAuth {
  /** Creates the instructor on first start and returns the admin token to print; undefined after. */
  bootstrap(): string | undefined
  /** Replaces the admin token (lost token); returns the new one. */
  resetAdminToken(): string
  setPassword(password: string): void
  login(input: { adminToken?: string; password?: string }): { token: string; expiresAt: number }
  /** The instructor id behind a session token, or undefined. */
  verify(token: string | undefined): string | undefined
  logout(token: string): void
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16)
  const hash = scryptSync(password, salt, 32, scryptParams)
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$')
  if (scheme !== 'scrypt' || !saltHex || !hashHex) {
    return false
  }
  const expected = Buffer.from(hashHex, 'hex')
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length, scryptParams)
  return timingSafeEqual(actual, expected)
}

export function createInstructorAuth(repo: InstructorsRepo, now: () => number = Date.now): InstructorAuth {
  const first = () => repo.first()
  const refused = () =>
    new AppError('LAB_ERR_AUTH_REQUIRED', {
      message: 'That admin token or password is not right.',
      hint: 'Use the admin token kindlab printed at its first start, or run `kindlab cohort admin-token --reset`.',
    })
  const auth: InstructorAuth = {
    bootstrap() {
      if (first()) {
        return undefined
      }
      const token = `kla_${randomBytes(24).toString('base64url')}`
      repo.create(randomUUID(), sha256(token), now())
      return token
    },
    resetAdminToken() {
      const token = `kla_${randomBytes(24).toString('base64url')}`
      const row = first()
      if (!row) {
        repo.create(randomUUID(), sha256(token), now())
      } else {
        repo.replaceToken(row.id, sha256(token))
      }
      return token
    },
    setPassword(password) {
      auth.bootstrap()
      const row = first()
      repo.setPassword(row?.id ?? '', hashPassword(password))
    },
    login({ adminToken, password }) {
      const row = first()
      if (!row) {
        throw refused()
      }
      const tokenOk =
        adminToken !== undefined && timingSafeEqual(Buffer.from(sha256(adminToken)), Buffer.from(row.token_hash))
      const passwordOk =
        password !== undefined && row.password_hash !== null && verifyPassword(password, row.password_hash)
      if (!tokenOk && !passwordOk) {
        throw refused()
      }
      const token = `kli_${randomBytes(24).toString('base64url')}`
      const expiresAt = now() + INSTRUCTOR_SESSION_MS
      repo.addSession(sha256(token), row.id, now(), expiresAt)
      return { token, expiresAt }
    },
    verify(token) {
      if (!token) {
        return undefined
      }
      return repo.sessionInstructor(sha256(token), now())
    },
    logout(token) {
      repo.endSession(sha256(token))
    },
  }
  return auth
}
