// The terminal for a lab page: one call mounts xterm.js in an element and connects it to the shell
// of the page's session. Everything else in this folder is an implementation detail.
import type { ErrorInfo, ExitInfo } from '../../../server/protocol/terminal-frames.ts'
import { createTerminalSocket, type SocketFactory, type StateDetail, type TerminalState } from './terminal-socket.ts'
import { createConnectionNotices } from './connection-notices.ts'
import { createTerminalView, type TerminalView } from './terminal-view.ts'

export type { StateDetail, TerminalState } from './terminal-socket.ts'

export interface MountTerminalOptions {
  /** The websocket URL, e.g. `ws://host/ws/terminal`; a relative path or http(s) URL is resolved. */
  url: string
  /** The page's session token; sent in the first frame, never in the URL. */
  token: string
  /** Watch mode: output only, typing and run() do nothing. */
  readOnly?: boolean
  /** The id of an element that tells keyboard users how to leave the terminal. */
  describedBy?: string
  onState?(state: TerminalState, detail?: StateDetail): void
}

/** A mounted terminal. */
export interface MountedTerminal {
  /** Types `command` followed by Enter into the shell (queued until connected). */
  run(command: string): void
  focus(): void
  /** Closes the connection and removes the terminal from the page. */
  dispose(): void
}

const browserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url)
  ws.binaryType = 'arraybuffer'
  ws.onopen = () => handlers.onOpen()
  ws.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) {
      handlers.onMessage(new Uint8Array(event.data))
    }
  }
  ws.onclose = (event) => handlers.onClose(event.code, event.reason)
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    get isOpen() {
      return ws.readyState === WebSocket.OPEN
    },
  }
}

function toWebSocketUrl(url: string): string {
  const resolved = new URL(url, location.href)
  if (resolved.protocol === 'http:' || resolved.protocol === 'https:') {
    resolved.protocol = resolved.protocol === 'https:' ? 'wss:' : 'ws:'
  }
  return resolved.href
}

function describeExit(info: ExitInfo): string {
  const how = info.signal === null ? `with code ${info.code ?? '?'}` : `by signal ${info.signal}`
  return `The shell exited ${how}. Press Enter to start a new one.`
}

function showError(view: TerminalView, error: ErrorInfo): void {
  view.notice(error.hint === undefined ? error.message : `${error.message} ${error.hint}`, 'error')
}

/**
 * Mounts a terminal in `el` and connects it.
 * @example
 * const terminal = mountTerminal(pane, { url: '/ws/terminal', token, onState: (s) => (status.textContent = s) })
 * terminal.run('kubectl get pods')
 */
export function mountTerminal(el: HTMLElement, opts: MountTerminalOptions): MountedTerminal {
  const notices = createConnectionNotices()
  const view = createTerminalView(el, {
    readOnly: opts.readOnly === true,
    ...(opts.describedBy ? { describedBy: opts.describedBy } : {}),
  })
  const socket = createTerminalSocket({
    url: toWebSocketUrl(opts.url),
    token: opts.token,
    readOnly: opts.readOnly === true,
    sink: view,
    createSocket: browserSocket,
    size: () => view.size(),
    onState: (state, detail) => {
      const line = notices.onState(state, detail)
      if (line) {
        view.notice(line)
      }
      opts.onState?.(state, detail)
    },
    onReady: (info) => {
      const line = notices.onReady(info)
      if (line) {
        view.notice(line)
      }
    },
    onError: (error) => showError(view, error),
    onExit: (info) => view.notice(describeExit(info)),
  })
  view.onInput((data) => {
    if (socket.state === 'exited' || socket.state === 'disconnected') {
      if (data.includes('\r') && !opts.readOnly) {
        socket.connect()
      }
      return
    }
    socket.sendInput(data)
  })
  view.onResize((size) => socket.resize(size))
  socket.connect()
  return {
    run: (command) => socket.sendInput(`${command}\r`),
    focus: () => view.focus(),
    dispose() {
      socket.dispose()
      view.dispose()
    },
  }
}
