// Shared pieces of the cohort routes: instructor auth and per-key rate limits that answer 429
// with Retry-After. (Strict validation is the whole API's dialect: http/validation.ts.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Cohorts } from '../../cohorts/cohorts.ts'
import type { RateLimiter } from '../../cohorts/rate-limit.ts'
import { AppError } from '../../errors.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'

export interface CohortRouteDeps {
  cohorts: Cohorts
  sessions: SessionService
  limits: { join: RateLimiter; login: RateLimiter; check: RateLimiter }
  /** What handouts print: the public address (else the request's Host) and the access token. */
  links?: { publicUrl?: string; accessToken?: string }
}

/** The instructor behind the request's bearer token; trainee tokens get 403, none 401. */
export function requireInstructor(deps: CohortRouteDeps, request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization)
  const instructor = deps.cohorts.instructors.verify(token)
  if (instructor) {
    return instructor
  }
  if (token && deps.sessions.authenticate(token)) {
    throw new AppError('LAB_ERR_AUTH_FORBIDDEN', {
      message: 'Only the instructor can do this; a trainee or learner session cannot.',
      hint: 'Sign in on /instructor with the admin token or password.',
    })
  }
  throw new AppError('LAB_ERR_AUTH_REQUIRED', {
    message: 'This needs an instructor sign-in.',
    hint: 'Sign in on /instructor with the admin token kindlab printed at its first start.',
  })
}

/** Takes one token from `limiter` for `key`, or answers 429. */
export function limit(limiter: RateLimiter, key: string, reply: FastifyReply): void {
  const r = limiter.take(key)
  if (!r.ok) {
    void reply.header('retry-after', String(Math.ceil(r.retryAfterMs / 1000)))
    throw new AppError('LAB_ERR_RATE_LIMITED', {
      message: 'Too many attempts in a short time.',
      hint: `Wait ${Math.ceil(r.retryAfterMs / 1000)} s and try again.`,
    })
  }
}

/**
 * Rate-limits every route declared with `config: { rateLimited: true }` (e.g. Check). The key is
 * one a client cannot renew for free: a trainee's seat (their session id, kept across rejoins),
 * but for solo sessions, which anyone may open, the client address; no session, the address too.
 */
export function registerRouteRateLimit(app: FastifyInstance, limiter: RateLimiter, sessions: SessionService): void {
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config as { rateLimited?: boolean } | undefined
    if (config?.rateLimited) {
      const session = sessions.authenticate(bearerToken(request.headers.authorization))
      const key = session && session.kind !== 'solo' ? `session:${session.id}` : `ip:${request.ip}`
      limit(limiter, key, reply)
    }
  })
}

export const cohortParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' } },
} as const

export const traineeParams = {
  type: 'object',
  required: ['id', 'trainee'],
  additionalProperties: false,
  properties: { id: cohortParams.properties.id, trainee: { type: 'string', pattern: '^trainee[0-9]{2,3}$' } },
} as const

export const noBody = { type: 'object', additionalProperties: false, maxProperties: 0 } as const
