// How often one client may join, sign in as an instructor and press Check: at most `max` requests
// in any window of `timeWindowMs`, per key (client address, or a trainee's seat). Enforced by
// @fastify/rate-limit in server/http/routes/cohorts-shared.ts; the numbers live here, with the class.

export interface RateLimitPolicy {
  max: number
  timeWindowMs: number
}

export interface RateLimits {
  join: RateLimitPolicy
  login: RateLimitPolicy
  check: RateLimitPolicy
}

/**
 * A classroom behind one NAT address joins at once: 60 at a time, about 2/s over a window. Codes and
 * tokens are far too long to guess at that rate. Sign-in: 10 per 50 s; Check: 10 per 10 s.
 */
export const defaultRateLimits: RateLimits = {
  join: { max: 60, timeWindowMs: 30_000 },
  login: { max: 10, timeWindowMs: 50_000 },
  check: { max: 10, timeWindowMs: 10_000 },
}
