// A port-forward from a loopback port to a pod port through the Kubernetes API (client-node
// PortForward, websocket channels), like `kubectl port-forward`: one tunnel per TCP connection.
// Binds 127.0.0.1 only. close() ends the listener and every tunnel.
import { createServer, type Server, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import { PortForward, type KubeConfig } from '@kubernetes/client-node'

export interface PodPort {
  namespace: string
  pod: string
  port: number
}

export interface LocalForward {
  /** The loopback port that reaches the pod port. */
  readonly port: number
  /** The last error a tunnel reported (the API refusing, the kubelet's error channel), if any. */
  lastError(): unknown
  /** How many tunnels the API server has opened so far (the local end accepts before that). */
  opened(): number
  close(): Promise<void>
}

/** What the pod's side said on the port-forward's error channel (e.g. nothing listens on the port). */
export class PodPortError extends Error {
  override readonly name = 'PodPortError'
}

/** Minimal view of what PortForward.portForward resolves to (a ws WebSocket). */
interface TunnelSocket {
  on?(event: 'close', listener: () => void): void
  close(): void
}

function errorChannel(record: (err: Error) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8').trim()
      if (text) {
        record(new PodPortError(text))
      }
      done()
    },
  })
}

function tunnel(
  pf: PortForward,
  target: PodPort,
  socket: Socket,
  record: (err: unknown) => void,
  tunnels: Set<TunnelSocket>,
  onOpen: () => void,
): void {
  socket.on('error', () => socket.destroy())
  pf.portForward(target.namespace, target.pod, [target.port], socket, errorChannel(record), socket)
    .then((result) => {
      const ws = (typeof result === 'function' ? result() : result) as TunnelSocket | null
      if (!ws) {
        socket.destroy()
        return
      }
      tunnels.add(ws)
      onOpen()
      ws.on?.('close', () => {
        tunnels.delete(ws)
        socket.end()
      })
      socket.on('close', () => ws.close())
    })
    .catch((err: unknown) => {
      record(err)
      socket.destroy()
    })
}

/** Opens 127.0.0.1:<random port> → pod:port. `pf` is for tests; the default uses `kc`. */
export async function openPortForward(
  kc: KubeConfig,
  target: PodPort,
  pf: PortForward = new PortForward(kc),
): Promise<LocalForward> {
  let last: unknown
  let opened = 0
  const tunnels = new Set<TunnelSocket>()
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    tunnel(
      pf,
      target,
      socket,
      (err) => (last = err),
      tunnels,
      () => opened++,
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    lastError: () => last,
    opened: () => opened,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of tunnels) {
          ws.close()
        }
        for (const socket of sockets) {
          socket.destroy()
        }
        server.close(() => resolve())
      }),
  }
}
