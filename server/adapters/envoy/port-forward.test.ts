// The config_dump path without a cluster: client-node's real PortForward talks to a loopback
// websocket server that speaks the kubelet's port-forward channel protocol (v4.channel.k8s.io:
// a channel byte per frame, the port number first on each channel) and relays to a loopback HTTP
// server serving a real captured /config_dump. Also the error channel and a refused upgrade.
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { fetchConfigDump } from './envoy-admin.ts'
import { openPortForward } from './port-forward.ts'

// A real captured dump (Istio's test data, see test/fixtures/envoy/captured/README.md).
const shared = new URL(
  '../../../test/fixtures/envoy/captured/routes-istio-gateway-http-route-prefix.configdump.json',
  import.meta.url,
)
const fixture = readFileSync(shared)
let envoy: Server
let envoyPort = 0
let api: Server
let apiPort = 0
const seenPaths: string[] = []
let mode: 'relay' | 'kubelet-error' | 'forbidden' = 'relay'

const listen = (s: Server): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)))

function portFrame(channel: number, port: number): Buffer {
  return Buffer.from([channel, port & 0xff, (port >> 8) & 0xff])
}

/** What the kubelet does for one port-forward websocket (relay mode). */
function relay(ws: WebSocket, port: number): void {
  ws.send(portFrame(0, port))
  ws.send(portFrame(1, port))
  if (mode === 'kubelet-error') {
    ws.send(
      Buffer.concat([
        Buffer.from([1]),
        Buffer.from(`an error occurred forwarding ${port} -> ${port}: connection refused`),
      ]),
    )
    ws.close()
    return
  }
  const upstream = connect(envoyPort, '127.0.0.1')
  upstream.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), chunk])))
  upstream.on('end', () => ws.close())
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0) {
      upstream.write(data.subarray(1))
    }
  })
  ws.on('close', () => upstream.destroy())
}

beforeAll(async () => {
  envoy = createHttpServer((req, res) => {
    seenPaths.push(req.url ?? '')
    res
      .writeHead(req.url === '/config_dump' ? 200 : 404, { 'content-type': 'application/json' })
      .end(req.url === '/config_dump' ? fixture : 'no')
  })
  envoyPort = await listen(envoy)
  api = createHttpServer()
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  })
  api.on('upgrade', (req, socket, head) => {
    if (mode === 'forbidden') {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
      return
    }
    const url = new URL(req.url ?? '/', 'http://x')
    expect(url.pathname).toBe('/api/v1/namespaces/istio-system/pods/istio-ingressgateway-abc/portforward')
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, Number(url.searchParams.get('ports'))))
  })
  apiPort = await listen(api)
})

afterAll(async () => {
  await Promise.all([envoy, api].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
})

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'loop', server: `http://127.0.0.1:${apiPort}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'test-token' }],
    contexts: [{ name: 'loop', cluster: 'loop', user: 'u' }],
    currentContext: 'loop',
  })
  return kc
}

const target = { namespace: 'istio-system', pod: 'istio-ingressgateway-abc', port: 15000 }

describe('config_dump through a port-forward', () => {
  it('relays HTTP through the websocket channels and parses the real config_dump', async () => {
    mode = 'relay'
    const forward = await openPortForward(kubeConfig(), target)
    try {
      const dump = (await fetchConfigDump('127.0.0.1', forward.port)) as { configs: Array<{ '@type': string }> }
      expect(dump).toEqual(JSON.parse(fixture.toString('utf8')))
      expect(dump.configs.some((c) => c['@type'].includes('RoutesConfigDump'))).toBe(true)
      // A second request opens a second tunnel, as kubectl port-forward does.
      expect(await fetchConfigDump('127.0.0.1', forward.port)).toEqual(dump)
      expect(seenPaths.filter((p) => p === '/config_dump')).toHaveLength(2)
      expect(forward.lastError()).toBeUndefined()
    } finally {
      await forward.close()
    }
  })

  it('keeps what the kubelet says on the error channel and fails with LAB_ERR_ENVOY_UNREACHABLE', async () => {
    mode = 'kubelet-error'
    const forward = await openPortForward(kubeConfig(), target)
    try {
      await expect(fetchConfigDump('127.0.0.1', forward.port, { timeoutMs: 3000 })).rejects.toMatchObject({
        code: 'LAB_ERR_ENVOY_UNREACHABLE',
      })
      expect(String(forward.lastError())).toContain('connection refused')
    } finally {
      await forward.close()
    }
  })

  it('records a refused upgrade (no pods/portforward permission)', async () => {
    mode = 'forbidden'
    const forward = await openPortForward(kubeConfig(), target)
    try {
      await expect(fetchConfigDump('127.0.0.1', forward.port, { timeoutMs: 3000 })).rejects.toMatchObject({
        code: 'LAB_ERR_ENVOY_UNREACHABLE',
      })
      expect(forward.lastError()).toBeDefined()
    } finally {
      await forward.close()
    }
  })

  it('reads /config_dump bounded in size and says so when it is too big', async () => {
    await expect(fetchConfigDump('127.0.0.1', envoyPort, { maxBytes: 100 })).rejects.toThrow(/larger than/)
  })
})
