import { describe, expect, it } from 'vitest'
import { openDb } from '../store/db.ts'
import { createInstructorsRepo } from '../store/instructors-repo.ts'
import { createInstructorAuth, INSTRUCTOR_SESSION_MS } from './instructor-auth.ts'

function auth() {
  let now = 1_000_000
  const db = openDb(':memory:')
  const instructors = createInstructorAuth(createInstructorsRepo(db), () => now)
  return { instructors, advance: (ms: number) => (now += ms), close: () => db.close() }
}

describe('instructor sign-in over the database', () => {
  it('prints the admin token once; it signs in; the session expires and signing out ends it', () => {
    const t = auth()
    const adminToken = t.instructors.bootstrap()
    expect(adminToken).toMatch(/^kla_/)
    expect(t.instructors.bootstrap()).toBeUndefined()
    const first = t.instructors.login({ adminToken: adminToken ?? '' })
    const id = t.instructors.verify(first.token)
    expect(id).toBeDefined()
    expect(t.instructors.verify('kli_not-a-session')).toBeUndefined()
    t.advance(INSTRUCTOR_SESSION_MS + 1)
    expect(t.instructors.verify(first.token)).toBeUndefined()
    const second = t.instructors.login({ adminToken: adminToken ?? '' })
    expect(t.instructors.verify(second.token)).toBe(id)
    t.instructors.logout(second.token)
    expect(t.instructors.verify(second.token)).toBeUndefined()
    t.close()
  })

  it('a new admin token ends the sessions of the old one, which no longer signs in; a password does', () => {
    const t = auth()
    const old = t.instructors.bootstrap() ?? ''
    const session = t.instructors.login({ adminToken: old })
    const fresh = t.instructors.resetAdminToken()
    expect(t.instructors.verify(session.token)).toBeUndefined()
    expect(() => t.instructors.login({ adminToken: old })).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_AUTH_REQUIRED' }),
    )
    expect(t.instructors.verify(t.instructors.login({ adminToken: fresh }).token)).toBeDefined()
    expect(() => t.instructors.login({ password: 'correct horse' })).toThrow(/not right/)
    t.instructors.setPassword('correct horse')
    expect(t.instructors.verify(t.instructors.login({ password: 'correct horse' }).token)).toBeDefined()
    expect(() => t.instructors.login({ password: 'wrong horse' })).toThrow(/not right/)
    t.close()
  })

  it('resetting before any start creates the instructor with the new token', () => {
    const t = auth()
    const token = t.instructors.resetAdminToken()
    expect(t.instructors.bootstrap()).toBeUndefined()
    expect(t.instructors.verify(t.instructors.login({ adminToken: token }).token)).toBeDefined()
    t.close()
  })
})
