// POST /api/workspace/files: the Save button of a `file:NAME` block writes the file into the
// learner's workspace, where their terminal can use it.
import type { FastifyPluginAsync } from 'fastify'
import { writeWorkspaceFile } from '../../adapters/workspace/workspace-fs.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'

export const workspaceRoutes: FastifyPluginAsync<{ sessions: SessionService }> = async (app, opts) => {
  app.post(
    '/workspace/files',
    {
      bodyLimit: 1024 * 1024,
      schema: {
        body: {
          type: 'object',
          required: ['name', 'content'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\w./-]+$' },
            content: { type: 'string', maxLength: 512 * 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const session = opts.sessions.require(bearerToken(request.headers.authorization))
      const { name, content } = request.body as { name: string; content: string }
      const path = await writeWorkspaceFile(session.workspaceDir, name, content)
      return reply.status(201).send({ path })
    },
  )
}
