// The learner's workspace files from the lab page. GET reads one (the in-page editor loads it with
// its version); POST writes one: the Save button of a `file:NAME` block and the editor's Save.
// A POST with `expectedVersion` writes only if the file is still as the page loaded it (null: only
// if it does not exist yet), so a file the learner changed in the terminal is never lost silently.
import { createHash } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError } from '../../errors.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'
import { readSessionFile, writeSessionFile } from '../../services/workspace-files.ts'

const fileName = Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\w./-]+$' })
const fileQuery = Type.Object({ name: fileName }, { additionalProperties: false })
const saveBody = Type.Object(
  {
    name: fileName,
    content: Type.String({ maxLength: 512 * 1024 }),
    /** The version the page loaded; null: the file must not exist yet. */
    expectedVersion: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  },
  { additionalProperties: false },
)

/** A short fingerprint of a file's content: equal content, equal version. */
export function contentVersion(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32)
}

export const workspaceRoutes: FastifyPluginAsyncTypebox<{ sessions: SessionService }> = async (app, opts) => {
  app.get('/workspace/files', { schema: { querystring: fileQuery } }, async (request) => {
    const session = opts.sessions.require(bearerToken(request.headers.authorization))
    const { name } = request.query
    const content = await readSessionFile(session, name)
    return content === undefined
      ? { path: name, exists: false }
      : { path: name, exists: true, content, version: contentVersion(content) }
  })

  app.post(
    '/workspace/files',
    {
      bodyLimit: 1024 * 1024,
      schema: { body: saveBody },
    },
    async (request, reply) => {
      const session = opts.sessions.require(bearerToken(request.headers.authorization))
      const { name, content, expectedVersion } = request.body
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
