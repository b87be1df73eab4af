// Adapts a `ws` WebSocket to a TerminalViewer, and closes rejected sockets the same way every time:
// an error frame the page can show, then a close frame whose reason is the stable error code.
import type { WebSocket } from 'ws'
import type { AppError } from '../errors.ts'
import { encodeServerFrame, type ErrorInfo } from '../protocol/terminal-frames.ts'
import type { TerminalViewer } from './terminal-session.ts'

/** The error frame body for an AppError (code, message, hint; never the cause). */
export function toErrorInfo(err: AppError): ErrorInfo {
  return err.hint === undefined
    ? { code: err.code, message: err.message }
    : { code: err.code, message: err.message, hint: err.hint }
}

function isOpen(socket: WebSocket): boolean {
  return socket.readyState === socket.OPEN
}

/** Sends an error frame without closing (e.g. one malformed frame). */
export function sendError(socket: WebSocket, error: ErrorInfo): void {
  if (isOpen(socket)) {
    socket.send(encodeServerFrame({ type: 'error', ...error }), { binary: true })
  }
}

/** Sends `error` (if any) and closes with `code`; the close reason is the error code. */
export function closeSocket(socket: WebSocket, code: number, error?: ErrorInfo): void {
  if (error !== undefined) {
    sendError(socket, error)
  }
  if (isOpen(socket) || socket.readyState === socket.CONNECTING) {
    socket.close(code, error?.code.slice(0, 120))
  }
}

/** A viewer that writes frames to `socket`. Sends after close are dropped. */
export function createSocketViewer(socket: WebSocket, readOnly: boolean): TerminalViewer {
  return {
    readOnly,
    send(frame) {
      if (isOpen(socket)) {
        socket.send(frame, { binary: true })
      }
    },
    close(code, error) {
      closeSocket(socket, code, error)
    },
  }
}
