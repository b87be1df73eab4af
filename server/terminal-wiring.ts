// Connects the terminal websocket to kindlab's sessions: a session token opens that session's
// shell in its workspace, with the cluster's environment (KUBECONFIG) and the lab variables.
import type { FastifyInstance } from 'fastify'
import type { SessionRecord } from './store/sessions-repo.ts'
import {
  createTerminalManager,
  type TerminalManager,
  type TerminalManagerOptions,
} from './terminal/terminal-manager.ts'
import { terminalRoute, type TerminalAuth } from './terminal/terminal-route.ts'

export interface TerminalWiringOptions {
  authenticate(token: string): SessionRecord | undefined
  isAllowedOrigin(origin: string | undefined, host: string | undefined): boolean
  /** Environment every shell gets (e.g. KUBECONFIG when a cluster is attached). */
  env: Readonly<Record<string, string>>
  idleTimeoutMs: number
  /** Shells running at once (terminal-manager.ts). */
  maxShells?: number
  /** Where shells run (e.g. a trainee's workspace pod); a local shell when absent. */
  createSession?: TerminalManagerOptions['createSession']
}

export interface TerminalWiring {
  register(app: FastifyInstance): Promise<void>
  /** The shells, once registered (for cohorts: close one trainee's shell). */
  manager(): TerminalManager | undefined
  closeAll(): Promise<void>
}

export function attachTerminal(options: TerminalWiringOptions): TerminalWiring {
  let manager: TerminalManager | undefined
  const toAuth = (session: SessionRecord): TerminalAuth => ({
    sessionId: session.id,
    workspaceDir: session.workspaceDir,
    env: { ...session.vars, ...options.env },
    sessionKind: session.kind,
  })
  return {
    async register(app) {
      manager = createTerminalManager({
        logger: app.log,
        idleTimeoutMs: options.idleTimeoutMs,
        ...(options.maxShells === undefined ? {} : { maxShells: options.maxShells }),
        ...(options.createSession ? { createSession: options.createSession } : {}),
      })
      await app.register(terminalRoute, {
        manager,
        isAllowedOrigin: (origin, host) => options.isAllowedOrigin(origin, host),
        authenticate: (token) => {
          const session = options.authenticate(token)
          return session ? toAuth(session) : undefined
        },
      })
    },
    manager: () => manager,
    closeAll: async () => {
      await manager?.closeAll()
    },
  }
}
