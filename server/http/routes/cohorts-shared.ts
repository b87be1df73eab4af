// Shared pieces of the cohort routes: instructor auth and per-key rate limits (@fastify/rate-limit)
// that answer 429 with Retry-After and our error shape. (Strict validation is the whole API's dialect: http/validation.ts.)
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Cohorts } from '../../cohorts/cohorts.ts'
import type { RateLimitPolicy, RateLimits } from '../../cohorts/rate-limits.ts'
import { AppError } from '../../errors.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Counted by the Check rate limit (registerRouteRateLimit), e.g. Check. */
    rateLimited?: boolean
  }
}

export interface CohortRouteDeps {
  cohorts: Cohorts
  sessions: SessionService
  limits: RateLimits
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

/** Counts one request of a kind for a key; refuses it with 429 once the policy's window is full. */
export type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/** Registers @fastify/rate-limit (for the routes that ask; no global limit) once on `app`. */
export async function registerRateLimiting(app: FastifyInstance): Promise<void> {
  if (!app.hasDecorator('createRateLimit')) {
    await app.register(rateLimit, { global: false, cache: 10_000 } satisfies RateLimitPluginOptions)
  }
}

/**
 * A limiter for one kind of request (its own counts; `name` prefixes its keys) keyed by `keyOf`. A
 * refused request gets Retry-After and LAB_ERR_RATE_LIMITED with how long to wait.
 */
export function createLimiter(
  app: FastifyInstance,
  name: string,
  policy: RateLimitPolicy,
  keyOf: (request: FastifyRequest) => string,
): Limiter {
  const check = app.createRateLimit({
    max: policy.max,
    timeWindow: policy.timeWindowMs,
    keyGenerator: (request) => `${name}:${keyOf(request)}`,
  })
  return async (request, reply) => {
    const r = await check(request)
    if (!r.isAllowed && r.isExceeded) {
      const seconds = Math.max(1, r.ttlInSeconds)
      void reply.header('retry-after', String(seconds))
      throw new AppError('LAB_ERR_RATE_LIMITED', {
        message: 'Too many attempts in a short time.',
        hint: `Wait ${seconds} s and try again.`,
      })
    }
  }
}

/**
 * Rate-limits every route declared with `config: { rateLimited: true }` (e.g. Check). The key is
 * one a client cannot renew for free: a trainee's seat (their session id, kept across rejoins),
 * but for solo sessions, which anyone may open, the client address; no session, the address too.
 */
export function registerRouteRateLimit(app: FastifyInstance, policy: RateLimitPolicy, sessions: SessionService): void {
  const limit = createLimiter(app, 'check', policy, (request) => {
    const session = sessions.authenticate(bearerToken(request.headers.authorization))
    return session && session.kind !== 'solo' ? `session:${session.id}` : `ip:${request.ip}`
  })
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.rateLimited === true) {
      await limit(request, reply)
    }
  })
}

const cohortId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' })
export const cohortParams = Type.Object({ id: cohortId }, { additionalProperties: false })

export const traineeParams = Type.Object(
  { id: cohortId, trainee: Type.String({ pattern: '^trainee[0-9]{2,3}$' }) },
  { additionalProperties: false },
)

/** A POST that carries nothing: `{}` and no more. */
export const noBody = Type.Object({}, { additionalProperties: false, maxProperties: 0 })
