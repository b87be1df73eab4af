// The terminal websocket (`GET /ws/terminal`): a real shell, so it is guarded. The Origin must be
// allowed (no cross-site websocket hijacking) and the first frame must carry a valid session token
// (never the URL, which gets logged). Needs @fastify/websocket registered first; does not register it.
import type { FastifyPluginAsync } from 'fastify'
import { AppError } from '../errors.ts'
import { TerminalCloseCode } from '../protocol/terminal-frames.ts'
import { closeSocket, toErrorInfo } from './socket-viewer.ts'
import { serveTerminalSocket, type TerminalAuthenticate } from './terminal-connection.ts'
import { createTerminalManager, type TerminalManager, type TerminalManagerOptions } from './terminal-manager.ts'

export type { TerminalAuth, TerminalAuthenticate } from './terminal-connection.ts'

/** Options of {@link terminalRoute}. */
export interface TerminalRouteOptions {
  /** Resolves the token from the hello frame; undefined rejects the connection (close 4401). */
  authenticate: TerminalAuthenticate
  /** Decides whether a page at `origin` may open a shell on this server (`host` = Host header). */
  isAllowedOrigin(origin: string | undefined, host: string | undefined): boolean
  /**
   * The shells. Pass one to reach them from elsewhere (closeSession on logout or lab reset) and
   * call its closeAll() on shutdown yourself. Without it, the plugin makes one from
   * `managerOptions` and closes its shells when fastify closes.
   */
  manager?: TerminalManager
  managerOptions?: TerminalManagerOptions
  /** @default '/ws/terminal' */
  path?: string
  /** Close connections that send no hello frame within this time. @default 10_000 */
  authTimeoutMs?: number
}

const originRejected = new AppError('LAB_ERR_ORIGIN_REJECTED', {
  message: 'The terminal refused a connection from another website.',
  hint: "Open the lab from kindlab's own address.",
})

/**
 * Serves the terminal websocket.
 * @example
 * await app.register(websocket, { options: { maxPayload: MAX_CLIENT_FRAME_BYTES } })
 * await app.register(terminalRoute, {
 *   authenticate: (token) => sessions.authenticate(token),
 *   isAllowedOrigin: (origin, host) => hostPolicy.allowsOrigin(origin, host), // http/host-policy.ts
 *   manager,
 * })
 */
export const terminalRoute: FastifyPluginAsync<TerminalRouteOptions> = async (app, options) => {
  if (!app.hasDecorator('websocketServer')) {
    throw new Error('terminalRoute needs @fastify/websocket: register it before this plugin')
  }
  const manager = options.manager ?? createTerminalManager({ logger: app.log, ...options.managerOptions })
  if (options.manager === undefined) {
    app.addHook('onClose', async () => manager.closeAll())
  }
  const authTimeoutMs = options.authTimeoutMs ?? 10_000

  app.get(options.path ?? '/ws/terminal', { websocket: true }, (socket, request) => {
    const { origin, host } = request.headers
    if (!options.isAllowedOrigin(origin, host)) {
      request.log.warn({ origin }, 'terminal connection refused: origin not allowed')
      closeSocket(socket, TerminalCloseCode.OriginRejected, toErrorInfo(originRejected))
      return
    }
    serveTerminalSocket(socket, { authenticate: options.authenticate, manager, authTimeoutMs, log: request.log })
  })
}
