// Reused connections to the API server, against loopback HTTP servers that misbehave the way real
// ones do: responses that arrive in chunks while other requests wait for a socket (client-node's own
// node-fetch transport fails complete responses there: "Invalid response body ...: Premature
// close"), a kept-alive connection the server closes just as a request arrives on it, and idle
// connections the client must close before the server does. Requests go through client-node's typed
// clients (apiClient) and readJson, as the live grader sends them.
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { afterEach, describe, expect, it } from 'vitest'
import { apiClient, closeApiConnections, objectApiClient, readJson } from './kube-api.ts'
import { MAX_THROTTLED_RETRIES, sendKubeRequest } from './kube-http.ts'
import { createKubePools } from './kube-pool.ts'
import { translateKubeError } from './kube-errors.ts'
import { AppError } from '../../errors.ts'

interface TestServer {
  url: string
  /** Connections accepted so far. */
  connections: () => number
  /** Requests received so far, as `METHOD path`. */
  requests: string[]
  /** Sockets the server has seen closed. */
  closed: () => number
  server: Server
}

type Handler = (req: IncomingMessage, res: ServerResponse, nthOnSocket: number) => void

const servers: Server[] = []

async function startServer(handler: Handler): Promise<TestServer> {
  const requests: string[] = []
  const perSocket = new WeakMap<Socket, number>()
  let connections = 0
  let closed = 0
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const n = (perSocket.get(req.socket) ?? 0) + 1
    perSocket.set(req.socket, n)
    handler(req, res, n)
  })
  server.on('connection', (socket: Socket) => {
    connections += 1
    socket.on('close', () => (closed += 1))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, closed: () => closed, requests, server }
}

function kubeConfig(server: string, namespace?: string): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'loop', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'test-token' }],
    contexts: [{ name: 'loop', cluster: 'loop', user: 'u', ...(namespace ? { namespace } : {}) }],
    currentContext: 'loop',
  })
  return kc
}

const podList = JSON.stringify({
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '7' },
  items: Array.from({ length: 40 }, (_, i) => ({
    metadata: { name: `pod-${i}`, namespace: 'shop', labels: { app: 'frontend' } },
    spec: { containers: [{ name: 'server', image: 'frontend:v1' }] },
  })),
})

/** A chunked answer whose end comes a moment after its start, as a large list does. */
const chunked: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.write(podList.slice(0, 200))
  setImmediate(() => res.end(podList.slice(200)))
}

const namespace = (name: string) => JSON.stringify({ kind: 'Namespace', apiVersion: 'v1', metadata: { name } })

afterEach(async () => {
  closeApiConnections()
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((resolve) => s.close(resolve))
    }),
  )
})

describe('connections to the API server are reused safely', () => {
  it('300 lists at once share at most 16 connections and all get their complete responses', async () => {
    const api = await startServer(chunked)
    const core = apiClient(kubeConfig(api.url), CoreV1Api)
    const results = await Promise.allSettled(
      Array.from({ length: 300 }, () => core.listNamespacedPod({ namespace: 'shop' })),
    )
    const failed = results.filter((r) => r.status === 'rejected')
    expect(failed.map((r) => String(r.reason)).slice(0, 1)).toEqual([])
    for (const r of results) {
      expect(r.status === 'fulfilled' && r.value.items.length).toBe(40)
    }
    expect(api.connections()).toBeLessThanOrEqual(16)
    expect(api.requests).toHaveLength(300)
  })

  it('a read on a kept-alive connection the server closes as the request arrives is sent once more, on a new connection', async () => {
    // The server answers the first request on each connection and drops the connection on the second.
    const api = await startServer((req, res, n) => {
      if (n > 1) {
        req.socket.destroy()
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(namespace('shop'))
    })
    const core = apiClient(kubeConfig(api.url), CoreV1Api)
    expect((await core.readNamespace({ name: 'shop' })).metadata?.name).toBe('shop')
    expect((await core.readNamespace({ name: 'shop' })).metadata?.name).toBe('shop')
    expect(api.requests).toEqual(Array(3).fill('GET /api/v1/namespaces/shop'))
    expect(api.connections()).toBe(2)
  })

  it('a read whose response is cut off on a kept-alive connection is read again, on a new connection', async () => {
    const api = await startServer((_req, res, n) => {
      const body = namespace('shop')
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
      if (n > 1) {
        res.write(body.slice(0, 10), () => res.socket?.destroy())
        return
      }
      res.end(body)
    })
    const core = apiClient(kubeConfig(api.url), CoreV1Api)
    expect((await core.readNamespace({ name: 'shop' })).metadata?.name).toBe('shop')
    expect((await core.readNamespace({ name: 'shop' })).metadata?.name).toBe('shop')
    expect(api.requests).toHaveLength(3)
    expect(api.connections()).toBe(2)
  })

  it('a write on such a connection is not sent again: the server may have applied it', async () => {
    const api = await startServer((req, res, n) => {
      if (n > 1) {
        req.socket.destroy()
        return
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(namespace('shop'))
    })
    const core = apiClient(kubeConfig(api.url), CoreV1Api)
    await core.createNamespace({ body: { metadata: { name: 'shop' } } })
    const err = await core.createNamespace({ body: { metadata: { name: 'cart' } } }).catch((e: unknown) => e)
    expect(api.requests).toEqual(['POST /api/v1/namespaces', 'POST /api/v1/namespaces'])
    expect(translateKubeError(err, 'creating a namespace', 'loop').code).toBe('LAB_ERR_KUBE_UNREACHABLE')
  })

  it('a read that fails on a new connection is not retried', async () => {
    const api = await startServer((req) => req.socket.destroy())
    const err = await apiClient(kubeConfig(api.url), CoreV1Api)
      .readNamespace({ name: 'shop' })
      .catch((e: unknown) => e)
    expect(api.requests).toHaveLength(1)
    expect(translateKubeError(err, 'reading a namespace', 'loop').code).toBe('LAB_ERR_KUBE_UNREACHABLE')
  })

  it('a request stopped by its signal is an abort, not an unreachable cluster', async () => {
    const api = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"items":[') // and never ends
    })
    const stop = new AbortController()
    const pending = readJson(kubeConfig(api.url), '/api/v1/pods', stop.signal).catch((e: unknown) => e)
    await expect.poll(() => api.requests.length).toBe(1)
    stop.abort()
    expect(translateKubeError(await pending, 'listing Pods', 'loop').code).toBe('LAB_ERR_ABORTED')
    expect(api.requests).toHaveLength(1)
  })

  it('an idle connection is closed by the client after the idle timeout; the next request opens a new one', async () => {
    const api = await startServer((_req, res) => res.writeHead(200).end('{}'))
    // `new Agent()`: the plain per-request agent client-node makes for an http:// server.
    const pools = createKubePools({ maxSockets: 4, idleTimeoutMs: 200, maxPools: 1 })
    const transport = () => pools.transport(api.url, new Agent())
    const get = () => sendKubeRequest({ url: `${api.url}/version`, method: 'GET', headers: {} }, transport())
    try {
      expect((await get()).status).toBe(200)
      expect((await get()).status).toBe(200)
      expect(api.connections()).toBe(1)
      await expect.poll(() => api.closed(), { timeout: 5_000, interval: 50 }).toBe(1)
      expect((await get()).status).toBe(200)
      expect(api.connections()).toBe(2)
    } finally {
      pools.closeAll()
    }
  })
})

describe('objectApiClient: KubernetesObjectApi over the pool', () => {
  it("reads share one connection, and an object without a namespace goes to the context's", async () => {
    const api = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      if (req.url === '/api/v1') {
        res.end(
          JSON.stringify({
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [{ name: 'pods', namespaced: true, kind: 'Pod', verbs: ['get'] }],
          }),
        )
        return
      }
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'workspace', namespace: 'team' } }))
    })
    const objects = objectApiClient(kubeConfig(api.url, 'team'))
    for (let i = 0; i < 3; i++) {
      const pod = await objects.read({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'workspace' } })
      expect(pod.metadata?.namespace).toBe('team')
    }
    expect(api.requests.filter((r) => r !== 'GET /api/v1')).toEqual(
      Array(3).fill('GET /api/v1/namespaces/team/pods/workspace'),
    )
    expect(api.connections()).toBe(1)
  })
})

describe('readJson: the API object as the server sent it', () => {
  it('returns the JSON unchanged, through the pool', async () => {
    const api = await startServer(chunked)
    const kc = kubeConfig(api.url)
    const [a, b] = await Promise.all([readJson(kc, '/api/v1/namespaces/shop/pods'), readJson(kc, '/api/v1/pods')])
    expect(a).toEqual(JSON.parse(podList))
    expect(b).toEqual(JSON.parse(podList))
    expect(api.requests.sort()).toEqual(['GET /api/v1/namespaces/shop/pods', 'GET /api/v1/pods'])
  })

  it('sends the kubeconfig credentials', async () => {
    let authorization: string | undefined
    const api = await startServer((req, res) => {
      authorization = req.headers.authorization
      res.writeHead(200).end('{}')
    })
    await readJson(kubeConfig(api.url), '/api')
    expect(authorization).toBe('Bearer test-token')
  })

  it('an error status is an ApiException with the code, translated like client-node errors', async () => {
    const api = await startServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          message: 'the server could not find the requested resource',
          code: 404,
        }),
      ),
    )
    const err = await readJson(kubeConfig(api.url), '/apis/networking.istio.io/v1/gateways').catch((e: unknown) => e)
    expect((err as { code?: unknown }).code).toBe(404)
    const translated = translateKubeError(err, 'listing Gateways', 'loop')
    expect(translated.code).toBe('LAB_ERR_KUBE_API')
    expect(translated.message).toContain('the server could not find the requested resource')
  })
})

describe('a read the API server throttles (429 with Retry-After)', () => {
  const storageInitializing = (res: ServerResponse) =>
    res
      .writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' })
      .end(JSON.stringify({ kind: 'Status', status: 'Failure', message: 'storage is (re)initializing', code: 429 }))

  it('is sent again after the wait, as client-go does (seen live: listing a CRD applied a moment ago)', async () => {
    const api = await startServer((_req, res) => {
      if (api.requests.length <= 2) {
        storageInitializing(res)
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}')
      }
    })
    await expect(readJson(kubeConfig(api.url), '/apis/gateway.networking.k8s.io/v1/tcproutes')).resolves.toEqual({
      items: [],
    })
    expect(api.requests).toHaveLength(3)
  })

  it('a write is not sent again: the answer is the 429', async () => {
    const api = await startServer((_req, res) => storageInitializing(res))
    const err = await apiClient(kubeConfig(api.url), CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'x' } } })
      .catch((e: unknown) => e)
    expect((err as { code?: unknown }).code).toBe(429)
    expect(api.requests).toEqual(['POST /api/v1/namespaces'])
  })

  it('gives up after a bounded number of tries', async () => {
    const api = await startServer((_req, res) => storageInitializing(res))
    const err = await readJson(kubeConfig(api.url), '/api/v1/pods').catch((e: unknown) => e)
    expect((err as { code?: unknown }).code).toBe(429)
    expect(api.requests).toHaveLength(MAX_THROTTLED_RETRIES + 1)
  })
})

describe('apiClient: a kubeconfig without a cluster', () => {
  it('is our LAB_ERR_KUBE_NOT_CONFIGURED with a hint, not a bare Error', () => {
    const kc = new KubeConfig()
    kc.loadFromOptions({
      clusters: [],
      users: [{ name: 'u' }],
      contexts: [{ name: 'lonely', cluster: 'gone', user: 'u' }],
      currentContext: 'lonely',
    })
    const error = (() => {
      try {
        apiClient(kc, CoreV1Api)
      } catch (err) {
        return err
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('LAB_ERR_KUBE_NOT_CONFIGURED')
    expect((error as AppError).hint).toMatch(/get-contexts/)
    expect((error as AppError).message).toMatch(/current context \(lonely\) names no cluster/)
  })
})
