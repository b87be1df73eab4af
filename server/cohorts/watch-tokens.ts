// Short-lived tokens that let an instructor watch one trainee's terminal read-only ("over the
// shoulder"). In memory on purpose: a watch token is worth a minute, and a restart simply asks
// the instructor's page for a new one.
import { randomBytes } from 'node:crypto'

export const WATCH_TOKEN_MS = 60_000

export function createWatchTokens(now: () => number = Date.now) {
  const tokens = new Map<string, { sessionId: string; expiresAt: number }>()
  return {
    issue(sessionId: string): { token: string; expiresAt: number } {
      for (const [t, v] of tokens) {
        if (v.expiresAt < now()) {
          tokens.delete(t)
        }
      }
      const token = `klw_${randomBytes(24).toString('base64url')}`
      const expiresAt = now() + WATCH_TOKEN_MS
      tokens.set(token, { sessionId, expiresAt })
      return { token, expiresAt }
    },
    /** The watched session id; a token stays valid until it expires (reconnects reuse it). */
    resolve(token: string): string | undefined {
      const entry = tokens.get(token)
      return entry && entry.expiresAt >= now() ? entry.sessionId : undefined
    },
  }
}

export type WatchTokens = ReturnType<typeof createWatchTokens>
