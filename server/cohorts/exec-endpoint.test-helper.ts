// A loopback stand-in for a pod's exec endpoint, for the command-check runner's tests: kwok's fake
// kubelets cannot exec, so the real API server cannot serve this stream here. It speaks what the
// API server and kubelet speak to client-node: the websocket subprotocol it is offered (v4 or v5
// channel.k8s.io), stdout on channel 1, stderr on channel 2, then the V1Status as JSON on channel 3
// (Success, or Failure/NonZeroExitCode with the ExitCode cause), then it closes. The command the
// client asks for really runs, as a local process, the way the kubelet runs it in the container;
// closing the websocket does not kill it (as in a real container). Test code only.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { KubeConfig } from '@kubernetes/client-node'
import { WebSocketServer, type WebSocket } from 'ws'

export type ChannelProtocol = 'v4.channel.k8s.io' | 'v5.channel.k8s.io'

export interface ExecRequest {
  namespace: string
  pod: string
  container: string
  command: string[]
  tty: boolean
  stdin: boolean
  protocol: string
}

/** How the endpoint answers: run the command (default), or misbehave like a broken exec. */
export type ExecBehaviour =
  | { type: 'run' }
  | { type: 'refuse'; status: number; message: string }
  | { type: 'hang-up' }
  | { type: 'stall' }
  | { type: 'status'; status: object }

export interface ExecEndpoint {
  kubeConfig(): KubeConfig
  requests: ExecRequest[]
  /** How each command's process ended: exit code, or 128 + signal number like a container runtime. */
  exits: Array<Promise<number>>
  behave(next: ExecBehaviour): void
  close(): Promise<void>
}

const channel = (n: number, data: Buffer | string) =>
  Buffer.concat([Buffer.from([n]), typeof data === 'string' ? Buffer.from(data) : data])

/** The status a kubelet sends for an exit code (k8s.io/client-go remotecommand's shape). */
export function statusFor(code: number, command: string[]): object {
  return code === 0
    ? { metadata: {}, status: 'Success' }
    : {
        metadata: {},
        status: 'Failure',
        message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
      }
}

const signals: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 }

/**
 * @param protocol the one channel protocol this endpoint accepts
 * @param path the "container's" PATH (e.g. a folder without bash, like a minimal image)
 */
export async function startExecEndpoint(
  protocol: ChannelProtocol,
  // eslint-disable-next-line no-restricted-properties -- the stand-in "container" finds sh and bash where the tests do
  path = process.env['PATH'] ?? '',
): Promise<ExecEndpoint> {
  const requests: ExecRequest[] = []
  const exits: Array<Promise<number>> = []
  const children = new Set<ChildProcess>()
  let behaviour: ExecBehaviour = { type: 'run' }
  const server: Server = createServer()
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const wss = new WebSocketServer({
    server,
    handleProtocols: (offered) => (offered.has(protocol) ? protocol : false),
    verifyClient: (_info, done) => {
      if (behaviour.type === 'refuse') {
        done(false, behaviour.status, behaviour.message)
      } else if (behaviour.type !== 'stall') {
        done(true)
      } // stall: the upgrade is never answered
    },
  })
  wss.on('connection', (ws: WebSocket, req) => {
    const url = new URL(req.url ?? '/', 'http://loopback')
    const [, namespace = '', pod = ''] =
      /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname) ?? []
    const command = url.searchParams.getAll('command')
    const q = (name: string) => url.searchParams.get(name) === 'true'
    const container = url.searchParams.get('container') ?? ''
    requests.push({ namespace, pod, container, command, tty: q('tty'), stdin: q('stdin'), protocol: ws.protocol })
    if (behaviour.type === 'hang-up') {
      ws.close()
    } else if (behaviour.type === 'status') {
      ws.send(channel(3, JSON.stringify(behaviour.status)), () => ws.close())
    } else {
      exits.push(run(ws, command, children, path))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    requests,
    exits,
    behave: (next) => void (behaviour = next),
    kubeConfig: () => {
      const kc = new KubeConfig()
      kc.loadFromOptions({
        clusters: [{ name: 'loopback', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
        users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'c', cluster: 'loopback', user: 'u' }],
        currentContext: 'c',
      })
      return kc
    },
    close: async () => {
      for (const child of children) {
        child.kill('SIGKILL')
      }
      for (const client of wss.clients) {
        client.terminate()
      }
      wss.close()
      for (const socket of sockets) {
        socket.destroy() // stalled upgrades too
      }
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Runs `command` like the kubelet: output on channels 1 and 2 while it runs, the status once it ended. */
function run(ws: WebSocket, command: string[], children: Set<ChildProcess>, path: string): Promise<number> {
  const [file = 'false', ...args] = command
  // A container's environment, not the test runner's: PATH only.
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: path } })
  children.add(child)
  const send = (n: number) => (data: Buffer) => ws.readyState === ws.OPEN && ws.send(channel(n, data))
  child.stdout.on('data', send(1))
  child.stderr.on('data', send(2))
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child)
      const exit = code ?? 128 + (signals[signal ?? ''] ?? 0)
      if (ws.readyState === ws.OPEN) {
        ws.send(channel(3, JSON.stringify(statusFor(exit, command))), () => ws.close())
      }
      resolve(exit)
    })
  })
}
