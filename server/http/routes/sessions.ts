// POST /api/sessions issues a session token to the page; GET /api/session tells who it belongs to.
// With an access token set, creating a session needs it (checked for every entry point in
// http/access-guard.ts, before this route runs).
import type { FastifyPluginAsync } from 'fastify'
import { displayNameSchema, parseDisplayName } from '../display-name.ts'
import type { SessionDto } from '../../protocol/api-dto.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'

export interface SessionRoutesOptions {
  sessions: SessionService
}

export const sessionRoutes: FastifyPluginAsync<SessionRoutesOptions> = async (app, opts) => {
  app.post(
    '/sessions',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { displayName: displayNameSchema },
        },
      },
    },
    async (request, reply): Promise<SessionDto> => {
      const body = (request.body ?? {}) as { displayName?: string }
      const displayName = body.displayName === undefined ? undefined : parseDisplayName(body.displayName)
      const { token, session } = await opts.sessions.create({
        client: request.ip,
        ...(displayName === undefined ? {} : { displayName }),
      })
      void reply.status(201)
      return { token, sessionId: session.id }
    },
  )
  app.get('/session', async (request) => {
    const session = opts.sessions.require(bearerToken(request.headers.authorization))
    return { sessionId: session.id, displayName: session.displayName ?? null }
  })
}
