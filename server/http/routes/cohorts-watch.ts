// "Over the shoulder": the instructor's read-only view of a trainee's terminal, served on its own
// websocket path with the terminal engineer's route plugin and the same terminal manager. Only
// watch tokens open it, and every attachment is read-only (enforced here, whatever the page asks).
import type { FastifyInstance } from 'fastify'
import type { SessionRecord } from '../../store/sessions-repo.ts'
import type { TerminalManager } from '../../terminal/terminal-manager.ts'
import { terminalRoute } from '../../terminal/terminal-route.ts'

export const WATCH_PATH = '/ws/watch'

export interface WatchRouteOptions {
  /** The shells (server/compose/terminal.ts): watching attaches to a running one. */
  manager: TerminalManager
  isAllowedOrigin(origin: string | undefined, host: string | undefined): boolean
  /** The trainee session a watch token stands for. */
  resolve(token: string): SessionRecord | undefined
}

export async function registerWatchRoute(app: FastifyInstance, options: WatchRouteOptions): Promise<void> {
  await app.register(terminalRoute, {
    path: WATCH_PATH,
    manager: options.manager,
    isAllowedOrigin: (origin, host) => options.isAllowedOrigin(origin, host),
    authenticate: (token) => {
      const session = options.resolve(token)
      return session ? { sessionId: session.id, workspaceDir: session.workspaceDir, readOnly: true } : undefined
    },
  })
}
