// Public cohort routes: trainees join (personal link token, or class code plus name) and the
// instructor signs in. Both are rate-limited per client address.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { InstructorSessionDto, JoinResultDto } from '../../protocol/cohort-dto.ts'
import { bearerToken } from '../../services/session-service.ts'
import { displayNameSchema, parseDisplayName } from '../display-name.ts'
import { createLimiter, type CohortRouteDeps } from './cohorts-shared.ts'

/** A personal join token (from a trainee's link), or a class code plus a name. */
const joinBody = Type.Object(
  {
    joinToken: Type.Optional(Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
    classCode: Type.Optional(Type.String({ minLength: 4, maxLength: 16, pattern: '^[A-Za-z0-9 -]+$' })),
    displayName: Type.Optional(displayNameSchema),
  },
  { additionalProperties: false, minProperties: 1 },
)

const loginBody = Type.Object(
  {
    adminToken: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const cohortJoinRoutes: FastifyPluginAsyncTypebox<CohortRouteDeps> = async (app, deps) => {
  const { cohorts } = deps
  const limitJoin = createLimiter(app, 'join', deps.limits.join, (request) => `ip:${request.ip}`)
  const limitLogin = createLimiter(app, 'login', deps.limits.login, (request) => `ip:${request.ip}`)

  app.post('/join', { schema: { body: joinBody } }, async (request, reply): Promise<JoinResultDto> => {
    await limitJoin(request, reply)
    const body = request.body
    const result = await cohorts.service.join(
      body.displayName === undefined ? body : { ...body, displayName: parseDisplayName(body.displayName) },
    )
    void reply.status(201)
    return result
  })

  app.post(
    '/instructor/session',
    { schema: { body: loginBody } },
    async (request, reply): Promise<InstructorSessionDto> => {
      await limitLogin(request, reply)
      const session = cohorts.instructors.login(request.body)
      void reply.status(201)
      return session
    },
  )

  app.delete('/instructor/session', async (request, reply) => {
    const token = bearerToken(request.headers.authorization)
    if (token) {
      cohorts.instructors.logout(token)
    }
    return reply.status(204).send()
  })
}
