// One terminal websocket from upgrade to close: waits for the hello frame, authenticates its token,
// attaches to the session's shell, then relays input, resizes and acks. Malformed frames get an
// error frame; nothing a client sends can throw out of here. Tokens are never logged.
import type { FastifyBaseLogger } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import { AppError, toAppError } from '../errors.ts'
import {
  MAX_CLIENT_FRAME_BYTES,
  TerminalCloseCode,
  decodeClientFrame,
  type ClientFrame,
  type HelloFrame,
} from '../protocol/terminal-frames.ts'
import { closeSocket, createSocketViewer, sendError, toErrorInfo } from './socket-viewer.ts'
import type { TerminalManager } from './terminal-manager.ts'
import type { ViewerHandle } from './terminal-session.ts'

/** Who a token belongs to, as decided by the server's session service. */
export interface TerminalAuth {
  /** The learner session: one shell per id, kept across reconnects. */
  sessionId: string
  /** The shell's working directory and HOME. */
  workspaceDir: string
  /** Extra environment for the shell, e.g. KUBECONFIG. */
  env?: Record<string, string>
  /** The session's kind (`trainee` for a cohort seat): trainee shells are sandboxed. */
  sessionKind?: string
  /** Watch mode: attach read-only to a running shell (e.g. an instructor watching a trainee). */
  readOnly?: boolean
}

/** Resolves a token to a session, or undefined when it is unknown or expired. */
export type TerminalAuthenticate = (token: string) => TerminalAuth | undefined | Promise<TerminalAuth | undefined>

export interface ConnectionContext {
  authenticate: TerminalAuthenticate
  manager: TerminalManager
  authTimeoutMs: number
  log: FastifyBaseLogger
}

const MAX_QUEUED_FRAMES = 64

function rejection(code: 'LAB_ERR_AUTH_REQUIRED' | 'LAB_ERR_VALIDATION', message: string, hint: string): AppError {
  return new AppError(code, { message, hint })
}

const authRequired = rejection(
  'LAB_ERR_AUTH_REQUIRED',
  'The terminal needs a valid lab session; this one is unknown or has expired.',
  'Reload the page to start a new session.',
)

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) {
    return Buffer.concat(data)
  }
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}

/** Serves one accepted websocket until it closes. */
export function serveTerminalSocket(socket: WebSocket, ctx: ConnectionContext): void {
  new TerminalConnection(socket, ctx).start()
}

class TerminalConnection {
  #state: 'hello' | 'auth' | 'attached' | 'closed' = 'hello'
  #queue: Uint8Array[] = []
  #handle: ViewerHandle | undefined
  #authTimer: ReturnType<typeof setTimeout> | undefined
  #log: FastifyBaseLogger

  constructor(
    readonly socket: WebSocket,
    readonly ctx: ConnectionContext,
  ) {
    this.#log = ctx.log
  }

  start(): void {
    this.#authTimer = setTimeout(
      () => this.#reject(TerminalCloseCode.AuthTimeout, authRequired, 'no hello frame in time'),
      this.ctx.authTimeoutMs,
    )
    this.socket.on('message', (data) => this.#onMessage(toBytes(data)))
    this.socket.on('close', () => {
      this.#state = 'closed'
      clearTimeout(this.#authTimer)
      this.#handle?.detach()
      this.#handle = undefined
    })
  }

  #onMessage(bytes: Uint8Array): void {
    if (this.#state === 'closed') {
      return
    }
    if (bytes.byteLength > MAX_CLIENT_FRAME_BYTES) {
      const err = rejection(
        'LAB_ERR_VALIDATION',
        `A terminal frame of ${bytes.byteLength} bytes is too large.`,
        'Paste less at once.',
      )
      this.#reject(TerminalCloseCode.TooBig, err, 'frame too large')
      return
    }
    if (this.#state === 'auth') {
      this.#enqueue(bytes)
      return
    }
    const decoded = decodeClientFrame(bytes)
    if (this.#state === 'hello') {
      if (decoded.ok && decoded.frame.type === 'hello') {
        this.#state = 'auth'
        void this.#authenticate(decoded.frame)
      } else {
        this.#reject(TerminalCloseCode.AuthRequired, authRequired, 'first frame was not a hello')
      }
      return
    }
    if (!decoded.ok) {
      sendError(
        this.socket,
        toErrorInfo(
          rejection(
            'LAB_ERR_VALIDATION',
            `Ignored a malformed terminal frame: ${decoded.reason}.`,
            'Reload the page if the terminal misbehaves.',
          ),
        ),
      )
      return
    }
    this.#dispatch(decoded.frame)
  }

  #enqueue(bytes: Uint8Array): void {
    if (this.#queue.length >= MAX_QUEUED_FRAMES) {
      const err = rejection(
        'LAB_ERR_VALIDATION',
        'Too many terminal frames arrived before sign-in finished.',
        'Reload the page.',
      )
      this.#reject(TerminalCloseCode.AuthRequired, err, 'frame flood before authentication')
      return
    }
    this.#queue.push(bytes)
  }

  #dispatch(frame: ClientFrame): void {
    switch (frame.type) {
      case 'input':
        this.#handle?.input(frame.data)
        break
      case 'resize':
        this.#handle?.resize(frame)
        break
      case 'ack':
        this.#handle?.ack(frame.bytes)
        break
      case 'hello':
        sendError(
          this.socket,
          toErrorInfo(rejection('LAB_ERR_VALIDATION', 'This terminal is already signed in.', 'Send hello only once.')),
        )
        break
    }
  }

  async #authenticate(hello: HelloFrame): Promise<void> {
    let auth: TerminalAuth | undefined
    try {
      auth = await this.ctx.authenticate(hello.token)
    } catch (err) {
      this.#log.error({ err }, 'terminal authentication failed')
      this.#reject(TerminalCloseCode.Unavailable, toAppError(err), 'authenticate threw')
      return
    }
    if (this.#state === 'closed') {
      return
    }
    if (auth === undefined) {
      this.#reject(TerminalCloseCode.AuthRequired, authRequired, 'unknown or expired token')
      return
    }
    clearTimeout(this.#authTimer)
    this.#attach(auth, hello)
  }

  #attach(auth: TerminalAuth, hello: HelloFrame): void {
    const readOnly = auth.readOnly === true || hello.readOnly === true
    this.#log = this.#log.child({ sessionId: auth.sessionId, readOnly })
    try {
      this.#handle = this.ctx.manager.attach({
        sessionId: auth.sessionId,
        workspaceDir: auth.workspaceDir,
        ...(auth.env === undefined ? {} : { env: auth.env }),
        ...(auth.sessionKind === undefined ? {} : { sessionKind: auth.sessionKind }),
        ...(hello.cols === undefined || hello.rows === undefined
          ? {}
          : { size: { cols: hello.cols, rows: hello.rows } }),
        viewer: createSocketViewer(this.socket, readOnly),
      })
    } catch (err) {
      const appError = toAppError(err)
      const code =
        appError.code === 'LAB_ERR_SESSION_NOT_FOUND'
          ? TerminalCloseCode.SessionNotFound
          : TerminalCloseCode.Unavailable
      this.#log.error({ err }, 'terminal could not attach')
      this.#reject(code, appError, 'attach failed')
      return
    }
    this.#state = 'attached'
    this.#log.info('terminal attached')
    const queued = this.#queue
    this.#queue = []
    for (const bytes of queued) {
      this.#onMessage(bytes)
    }
  }

  #reject(code: number, err: AppError, why: string): void {
    if (this.#state === 'closed') {
      return
    }
    this.#log.warn({ code: err.code, closeCode: code }, `terminal connection refused: ${why}`)
    this.#state = 'closed'
    clearTimeout(this.#authTimer)
    closeSocket(this.socket, code, toErrorInfo(err))
  }
}
