// The learner's workspace files from the lab page. GET reads one (the in-page editor loads it with
// its version); POST writes one: the Save button of a `file:NAME` block and the editor's Save.
// A POST with `expectedVersion` writes only if the file is still as the page loaded it (null: only
// if it does not exist yet), so a file the learner changed in the terminal is never lost silently.
import { createHash } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { AppError } from '../../errors.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'
import { readSessionFile, writeSessionFile } from '../../services/workspace-files.ts'

const fileName = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\w./-]+$' } as const

/** A short fingerprint of a file's content: equal content, equal version. */
export function contentVersion(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32)
}

export const workspaceRoutes: FastifyPluginAsync<{ sessions: SessionService }> = async (app, opts) => {
  app.get(
    '/workspace/files',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: fileName },
        },
      },
    },
    async (request) => {
      const session = opts.sessions.require(bearerToken(request.headers.authorization))
      const { name } = request.query as { name: string }
      const content = await readSessionFile(session, name)
      return content === undefined
        ? { path: name, exists: false }
        : { path: name, exists: true, content, version: contentVersion(content) }
    },
  )

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
            name: fileName,
            content: { type: 'string', maxLength: 512 * 1024 },
            expectedVersion: { type: ['string', 'null'], maxLength: 64 },
          },
        },
      },
    },
    async (request, reply) => {
      const session = opts.sessions.require(bearerToken(request.headers.authorization))
      const { name, content, expectedVersion } = request.body as {
        name: string
        content: string
        expectedVersion?: string | null
      }
      if (expectedVersion !== undefined) {
        const current = await readSessionFile(session, name)
        const currentVersion = current === undefined ? null : contentVersion(current)
        if (currentVersion !== expectedVersion) {
          throw new AppError('LAB_ERR_WORKSPACE_CHANGED', {
            message:
              current === undefined
                ? `~/${name} was deleted after the page loaded it.`
                : `~/${name} was changed after the page loaded it (in the terminal or another tab).`,
            hint: 'Save again to overwrite it, or reload the file to keep those changes.',
            details: { path: name, version: currentVersion },
          })
        }
      }
      const path = await writeSessionFile(session, name, content)
      return reply.status(201).send({ path, version: contentVersion(content) })
    },
  )
}
