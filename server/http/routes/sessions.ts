// POST /api/sessions issues a session token to the page; GET /api/session tells who it belongs to.
// With an access token set, creating a session needs it (checked for every entry point in
// http/access-guard.ts, before this route runs).
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { displayNameSchema, parseDisplayName } from '../display-name.ts'
import type { SessionDto } from '../../protocol/api-dto.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'

export interface SessionRoutesOptions {
  sessions: SessionService
}

const createBody = Type.Object({ displayName: Type.Optional(displayNameSchema) }, { additionalProperties: false })

export const sessionRoutes: FastifyPluginAsyncTypebox<SessionRoutesOptions> = async (app, opts) => {
  app.post('/sessions', { schema: { body: createBody } }, async (request, reply): Promise<SessionDto> => {
    const raw = request.body.displayName
    const displayName = raw === undefined ? undefined : parseDisplayName(raw)
    const { token, session } = await opts.sessions.create({
      client: request.ip,
      ...(displayName === undefined ? {} : { displayName }),
    })
    void reply.status(201)
    return { token, sessionId: session.id }
  })
  app.get('/session', async (request) => {
    const session = opts.sessions.require(bearerToken(request.headers.authorization))
    return { sessionId: session.id, displayName: session.displayName ?? null }
  })
}
