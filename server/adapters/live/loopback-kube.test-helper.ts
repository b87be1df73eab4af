// A loopback endpoint in place of a cluster for the live adapters' unit tests: it answers the API
// reads a test gives (by path) and speaks the kubelet's port-forward channel protocol
// (v4.channel.k8s.io: a channel byte per frame, the port number first on each channel), relaying
// each forwarded pod port to a loopback server. There is no kubelet on this machine; the real
// kube-apiserver side is the cluster suite's (test/cluster/tcp-forward.test.ts, gateway-proxy.test.ts).
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { connect, type Server as TcpServer } from 'node:net'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { WebSocketServer, type WebSocket } from 'ws'

export interface LoopbackKube {
  port: number
  /** API answers by URL path (query ignored); anything else is 404. */
  objects: Map<string, object>
  /** Pod port → loopback port a port-forward to that pod port reaches. */
  upstreams: Map<number, number>
  /** Every port-forward upgrade URL, in order. */
  upgrades: string[]
  /** Every GET URL, in order. */
  reads: string[]
  /** When set, port-forward upgrades are refused with this HTTP status (RBAC 403, no kubelet 500). */
  refuse: number | undefined
  /** A KubeConfig for this endpoint. */
  kubeConfig(): KubeConfig
  /** Writes that kubeconfig into `dir` and returns its path. */
  kubeconfigFile(dir: string): string
  close(): Promise<void>
}

export const listen = (s: Server | TcpServer): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)))

export const closeServer = (s: Server | TcpServer): Promise<void> => new Promise((resolve) => s.close(() => resolve()))

const portFrame = (channel: number, port: number): Buffer => Buffer.from([channel, port & 0xff, (port >> 8) & 0xff])

/** What the kubelet does for one port-forward websocket: relays the data channel to the pod port. */
function relay(ws: WebSocket, port: number, upstream: number | undefined): void {
  ws.send(portFrame(0, port))
  ws.send(portFrame(1, port))
  if (upstream === undefined) {
    ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`an error occurred forwarding ${port}: connection refused`)]))
    ws.close()
    return
  }
  const socket = connect(upstream, '127.0.0.1')
  socket.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), chunk])))
  socket.on('end', () => ws.close())
  socket.on('error', () => ws.close())
  ws.on('message', (data: Buffer) => data[0] === 0 && socket.write(data.subarray(1)))
  ws.on('close', () => socket.destroy())
}

/** Starts the endpoint on a loopback port. */
export async function startLoopbackKube(): Promise<LoopbackKube> {
  const objects = new Map<string, object>()
  const upstreams = new Map<number, number>()
  const upgrades: string[] = []
  const reads: string[] = []
  const api = createServer((req, res) => {
    reads.push(req.url ?? '')
    const body = objects.get(new URL(req.url ?? '/', 'http://x').pathname)
    res
      .writeHead(body ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(body ?? { kind: 'Status', code: 404, reason: 'NotFound' }))
  })
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  })
  const state: { refuse: number | undefined } = { refuse: undefined }
  api.on('upgrade', (req, socket, head) => {
    upgrades.push(req.url ?? '')
    if (state.refuse !== undefined) {
      socket.end(`HTTP/1.1 ${state.refuse} No\r\ncontent-length: 0\r\n\r\n`)
      return
    }
    const podPort = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ports'))
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, podPort, upstreams.get(podPort)))
  })
  const port = await listen(api)
  const kubeConfig = (): KubeConfig => {
    const kc = new KubeConfig()
    kc.loadFromOptions({
      clusters: [{ name: 'loop', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'loop', cluster: 'loop', user: 'u' }],
      currentContext: 'loop',
    })
    return kc
  }
  return {
    get refuse() {
      return state.refuse
    },
    set refuse(status: number | undefined) {
      state.refuse = status
    },
    port,
    objects,
    upstreams,
    upgrades,
    reads,
    kubeConfig,
    kubeconfigFile: (dir) => {
      const path = join(dir, 'loop.kubeconfig')
      writeFileSync(path, kubeConfig().exportConfig(), { mode: 0o600 })
      return path
    },
    close: () => {
      for (const ws of wss.clients) {
        ws.terminate()
      }
      return closeServer(api)
    },
  }
}
