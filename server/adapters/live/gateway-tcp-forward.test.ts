// The TCP probe's way to the gateway when kind maps no host port for it (issue 13 a): the pure
// path decision, the pod port behind a Service port, and a whole exchange through client-node's
// real PortForward. There is no kubelet on this machine, so the API side is a loopback endpoint
// that answers the two reads and speaks the kubelet's port-forward channel protocol
// (v4.channel.k8s.io), relaying to a loopback TCP server that answers Redis' PING. The same path
// against the real kube-apiserver (decision, lookup, refusals) is test/cluster/tcp-forward.test.ts.
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createTcpServer, connect, type Server as TcpServer } from 'node:net'
import { KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { podPortFor, tcpProbeThroughForward, type ForwardTarget } from './gateway-tcp-forward.ts'
import { tcpPathFor } from './live-services.ts'

const gateway = { namespace: 'istio-system', service: 'istio-ingressgateway', selector: {}, adminPort: 15000 }

describe('tcpPathFor', () => {
  it('keeps mapped kind ports on the host port and sends the others through a port-forward', () => {
    const kind = { type: 'host-ports', ports: { 80: 80, 443: 443, 6379: 3306 } } as const
    expect(tcpPathFor(kind, 6379)).toEqual({ via: 'address' })
    expect(tcpPathFor(kind, 20001)).toEqual({
      via: 'port-forward',
      reason: 'kind maps no host port for gateway port 20001',
    })
    const nodes = { type: 'node-ports', node: 'kindlab-control-plane', ports: { 6379: 30306 } } as const
    expect(tcpPathFor(nodes, 20001)).toMatchObject({ via: 'port-forward' })
  })

  it('dials an existing cluster (load balancer, Service name) or a given address directly', () => {
    expect(tcpPathFor({ type: 'service', gateway, inCluster: false }, 20001)).toEqual({ via: 'address' })
    expect(tcpPathFor({ type: 'address', host: '10.0.0.9', gateway }, 20001)).toEqual({ via: 'address' })
  })
})

describe('podPortFor', () => {
  const service: V1Service = {
    spec: {
      ports: [
        { port: 20001, targetPort: 20001 },
        { port: 20002 },
        { port: 20003, targetPort: 'redis' },
        { port: 20004, protocol: 'UDP', targetPort: 9 },
      ],
    },
  }
  const pod: V1Pod = { spec: { containers: [{ name: 'p', ports: [{ name: 'redis', containerPort: 16379 }] }] } }
  it.each([
    [20001, 20001],
    [20002, 20002],
    [20003, 16379],
    [20004, undefined],
    [20005, undefined],
  ])('Service port %i → pod port %s', (port, expected) => expect(podPortFor(service, pod, port)).toBe(expected))
})

describe('an exchange through a port-forward (loopback endpoint in place of the kubelet)', () => {
  let redis: TcpServer
  let api: Server
  let apiPort = 0
  let redisPort = 0
  let refuse: number | undefined
  const upgrades: string[] = []
  const listen = (s: Server | TcpServer): Promise<number> =>
    new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)))
  const portFrame = (channel: number, port: number) => Buffer.from([channel, port & 0xff, (port >> 8) & 0xff])

  function relay(ws: WebSocket, port: number): void {
    ws.send(portFrame(0, port))
    ws.send(portFrame(1, port))
    const upstream = connect(redisPort, '127.0.0.1')
    upstream.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), chunk])))
    upstream.on('end', () => ws.close())
    ws.on('message', (data: Buffer) => data[0] === 0 && upstream.write(data.subarray(1)))
    ws.on('close', () => upstream.destroy())
  }

  beforeAll(async () => {
    redis = createTcpServer((socket) =>
      socket.on('data', (d) => socket.write(d.toString().startsWith('PING') ? '+PONG\r\n' : '-ERR\r\n')),
    )
    redisPort = await listen(redis)
    api = createHttpServer((req, res) => {
      const bodies: Record<string, object> = {
        '/api/v1/namespaces/istio-system/services/istio-ingressgateway': {
          kind: 'Service',
          spec: { ports: [{ port: 20001, targetPort: 20001 }] },
        },
        '/api/v1/namespaces/istio-system/pods/istio-ingressgateway-abc': {
          kind: 'Pod',
          metadata: { name: 'istio-ingressgateway-abc' },
          spec: { containers: [] },
        },
      }
      const body = bodies[req.url ?? '']
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}))
    })
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
    })
    api.on('upgrade', (req, socket, head) => {
      upgrades.push(req.url ?? '')
      if (refuse) {
        socket.end(`HTTP/1.1 ${refuse} No\r\ncontent-length: 0\r\n\r\n`)
        return
      }
      const url = new URL(req.url ?? '/', 'http://x')
      wss.handleUpgrade(req, socket, head, (ws) => relay(ws, Number(url.searchParams.get('ports'))))
    })
    apiPort = await listen(api)
  })
  afterAll(async () => {
    await Promise.all([api, redis].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  })

  const target = (): ForwardTarget => {
    const kc = new KubeConfig()
    kc.loadFromOptions({
      clusters: [{ name: 'loop', server: `http://127.0.0.1:${apiPort}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'loop', cluster: 'loop', user: 'u' }],
      currentContext: 'loop',
    })
    return {
      kc,
      where: 'loop',
      namespace: 'istio-system',
      service: 'istio-ingressgateway',
      findPod: () => Promise.resolve('istio-ingressgateway-abc'),
    }
  }
  const ping = { port: 20001, send: 'PING\r\n', expect: '+PONG', timeoutMs: 3000 }

  it('gets +PONG from behind the tunnel and names the path it took', async () => {
    refuse = undefined
    const result = await tcpProbeThroughForward(target(), ping, 'kind maps no host port for gateway port 20001')
    expect(result).toEqual({
      connected: true,
      received: '+PONG\r\n',
      via: 'a port-forward to istio-system/istio-ingressgateway-abc port 20001 (kind maps no host port for gateway port 20001)',
    })
    expect(upgrades.at(-1)).toBe(
      '/api/v1/namespaces/istio-system/pods/istio-ingressgateway-abc/portforward?ports=20001',
    )
  })

  it.each([
    [403, /refused the port-forward to istio-system\/istio-ingressgateway-abc port 20001 \(HTTP 403\)/],
    [500, /could not open a port-forward to istio-system\/istio-ingressgateway-abc port 20001 \(HTTP 500\)/],
  ])('a refused upgrade (HTTP %i) is a failed probe in our words, not "connected"', async (status, words) => {
    refuse = status
    const result = await tcpProbeThroughForward(target(), ping, 'test')
    expect(result.connected).toBe(false)
    expect(result.error).toMatch(words)
  })
})
