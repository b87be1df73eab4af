// The instructor's cohort API: create, list, detail, handout, plan, reset a trainee, watch a
// trainee's terminal, tear down; the grade book as JSON, CSV and a live stream. Every route needs
// an instructor session (trainee tokens get 403).
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { gradeBookCsv } from '../../cohorts/gradebook.ts'
import { COHORT_NAME_PATTERN, DOMAIN_PATTERN } from '../../cohorts/plan/names.ts'
import { isValidWebhookUrl } from '../../cohorts/webhooks.ts'
import { AppError } from '../../errors.ts'
import type { WatchTokenDto } from '../../protocol/cohort-dto.ts'
import { cohortFieldMessages, fieldOfSchemaError } from '../../protocol/cohort-rules.ts'
import { cohortJoinRoutes } from './cohorts-join.ts'
import {
  cohortParams,
  noBody,
  registerRateLimiting,
  registerRouteRateLimit,
  requireInstructor,
  traineeParams,
  type CohortRouteDeps,
} from './cohorts-shared.ts'
import { gradeBookStream } from './cohorts-stream.ts'

const createBody = Type.Object(
  {
    name: Type.String({ pattern: COHORT_NAME_PATTERN }),
    labId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    trainees: Type.Integer({ minimum: 1, maximum: 200 }),
    mode: Type.Optional(Type.Union([Type.Literal('namespace'), Type.Literal('cluster')])),
    domain: Type.Optional(Type.String({ maxLength: 200, pattern: DOMAIN_PATTERN })),
    reserve: Type.Optional(Type.Integer({ minimum: 0, maximum: 200 })),
    webhookUrl: Type.Optional(Type.String({ minLength: 8, maxLength: 500 })),
    gating: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

const gatingBody = Type.Object({ open: Type.Boolean() }, { additionalProperties: false })

/** The create form's schema errors as one sentence for people, naming the field it belongs to. */
function cohortFormError(errors: ReadonlyArray<{ instancePath?: string; params?: Record<string, unknown> }>): Error {
  const field = errors.map(fieldOfSchemaError).find((f) => f !== undefined)
  return field
    ? new AppError('LAB_ERR_VALIDATION', { message: cohortFieldMessages[field], details: { field } })
    : new AppError('LAB_ERR_VALIDATION', {
        message: 'The form has a field kindlab does not know.',
        hint: 'Reload the page and try again.',
      })
}

export const cohortRoutes: FastifyPluginAsyncTypebox<CohortRouteDeps> = async (app, deps) => {
  const { cohorts } = deps
  app.addHook('preHandler', async (request) => {
    requireInstructor(deps, request)
  })
  app.get('/cohorts', async () => cohorts.service.list())

  app.post(
    '/cohorts',
    { schema: { body: createBody }, schemaErrorFormatter: cohortFormError },
    async (request, reply) => {
      const body = request.body
      if (body.webhookUrl !== undefined && !isValidWebhookUrl(body.webhookUrl)) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: cohortFieldMessages.webhookUrl,
          details: { field: 'webhookUrl' },
        })
      }
      const created = await cohorts.service.create(body)
      void reply.status(201)
      return created
    },
  )

  app.get('/cohorts/:id', { schema: { params: cohortParams } }, async (request) =>
    cohorts.service.detail(request.params.id),
  )

  app.delete('/cohorts/:id', { schema: { params: cohortParams } }, async (request) =>
    cohorts.service.teardown(request.params.id),
  )

  app.get('/cohorts/:id/handout', { schema: { params: cohortParams } }, async (request) =>
    cohorts.service.handout(
      request.params.id,
      // The Host was checked against the allowed names before any route ran (http/access-guard.ts).
      deps.links?.publicUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`,
      deps.links?.accessToken,
    ),
  )

  app.get('/cohorts/:id/plan', { schema: { params: cohortParams } }, async (request) => {
    const c = cohorts.service.find(request.params.id)
    return cohorts.planView(c)
  })

  app.post(
    '/cohorts/:id/trainees/:trainee/reset',
    { schema: { params: traineeParams, body: noBody } },
    async (request) => {
      const { id, trainee } = request.params
      return cohorts.service.resetTrainee(id, trainee)
    },
  )

  // Gating: the instructor opens every step for one trainee (open: true) or gates them again.
  app.put(
    '/cohorts/:id/trainees/:trainee/gating',
    {
      schema: { params: traineeParams, body: gatingBody },
    },
    async (request, reply) => {
      const { id, trainee } = request.params
      cohorts.openSteps(cohorts.service.find(id), trainee, request.body.open)
      return reply.status(204).send()
    },
  )

  app.post(
    '/cohorts/:id/trainees/:trainee/watch',
    { schema: { params: traineeParams, body: noBody } },
    async (request): Promise<WatchTokenDto> => {
      const { id, trainee } = request.params
      const c = cohorts.service.find(id)
      const seat = cohorts.repo.seat(c.id, trainee)
      if (!seat?.sessionId) {
        throw new AppError('LAB_ERR_TRAINEE_NOT_FOUND', {
          message: `${trainee} has not joined yet, so there is no terminal to watch.`,
        })
      }
      return { ...cohorts.watch.issue(seat.sessionId), sessionId: seat.sessionId }
    },
  )

  app.get('/cohorts/:id/gradebook', { schema: { params: cohortParams } }, async (request) =>
    cohorts.gradebook.book(cohorts.service.find(request.params.id)),
  )

  app.get('/cohorts/:id/gradebook.csv', { schema: { params: cohortParams } }, async (request, reply) => {
    const c = cohorts.service.find(request.params.id)
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${c.name}-gradebook.csv"`)
    return gradeBookCsv(cohorts.gradebook.book(c))
  })

  app.get('/cohorts/:id/gradebook/stream', { schema: { params: cohortParams } }, async (request, reply) => {
    gradeBookStream(cohorts, cohorts.service.find(request.params.id), request, reply)
  })

  app.get('/cohorts/:id/webhooks', { schema: { params: cohortParams } }, async (request) =>
    cohorts.webhooks.stats(cohorts.service.find(request.params.id).id),
  )
}

/** Registers the cohort API under /api and the Check rate limit. Call from buildApp. */
export async function registerCohortRoutes(app: FastifyInstance, deps: CohortRouteDeps): Promise<void> {
  await registerRateLimiting(app)
  registerRouteRateLimit(app, deps.limits.check, deps.sessions)
  await app.register(cohortJoinRoutes, { prefix: '/api', ...deps })
  await app.register(cohortRoutes, { prefix: '/api', ...deps })
}
