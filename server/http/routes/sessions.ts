// POST /api/sessions issues a session token to the page; GET /api/session tells who it belongs to.
// Beyond localhost, creating a session needs the access token the server printed at start.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { AppError } from '../../errors.ts'
import { displayNameSchema, parseDisplayName } from '../display-name.ts'
import type { SessionDto } from '../../protocol/api-dto.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'

export interface SessionRoutesOptions {
  sessions: SessionService
  accessToken: string | undefined
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
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
      if (opts.accessToken) {
        const given = request.headers['x-kindlab-access']
        if (typeof given !== 'string' || !sameSecret(given, opts.accessToken)) {
          throw new AppError('LAB_ERR_AUTH_REQUIRED', {
            message: 'This kindlab server needs its access link to start a session.',
            hint: 'Open the link the server printed when it started (it ends with #access=...).',
          })
        }
      }
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
