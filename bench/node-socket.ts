// A Node transport for the browser's terminal client (web/src/terminal/terminal-socket.ts), built on
// `ws`: lets tests and the benchmark drive the exact client code the page runs, over a real socket.
import { WebSocket } from 'ws'
import type { SocketFactory } from '../web/src/terminal/terminal-socket.ts'

/** Options for {@link createNodeSocketFactory}. */
export interface NodeSocketOptions {
  /** Origin header to send (browsers always send one). */
  origin?: string
}

/** A SocketFactory that opens `ws` websockets. */
export function createNodeSocketFactory(options: NodeSocketOptions = {}): SocketFactory {
  return (url, handlers) => {
    const ws = new WebSocket(url, options.origin === undefined ? {} : { origin: options.origin })
    ws.binaryType = 'nodebuffer'
    ws.on('open', () => handlers.onOpen())
    ws.on('message', (data: Buffer) =>
      handlers.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
    )
    ws.on('close', (code, reason) => handlers.onClose(code, reason.toString()))
    ws.on('error', () => {
      // 'close' follows every error; handled there
    })
    return {
      send: (data) => ws.send(data),
      close: (code, reason) => {
        if (ws.readyState === ws.CONNECTING) {
          ws.terminate()
        } else {
          ws.close(code, reason)
        }
      },
      get isOpen() {
        return ws.readyState === ws.OPEN
      },
    }
  }
}
