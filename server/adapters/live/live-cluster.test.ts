// The live cluster against a loopback Envoy admin stand-in (`--envoy-admin`): checks pressed together
// share one /config_dump read; waitForEnvoy still reads a newer dump on every poll.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLiveCluster } from './live-cluster.ts'

let server: Server
let port = 0
let reads = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/config_dump') {
      res.writeHead(404).end()
      return
    }
    reads += 1
    // Slow enough that concurrent callers overlap, as fifty Checks at once would.
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ read: reads })),
      50,
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const cluster = (shareDumpMs?: number) =>
  createLiveCluster({
    kube: {},
    gateway: { namespace: 'istio-system', selector: { istio: 'ingressgateway' }, adminPort: 15000 },
    probe: { host: '127.0.0.1', portFor: (p) => p },
    admin: { host: '127.0.0.1', port },
    pollMs: 100,
    ...(shareDumpMs === undefined ? {} : { shareDumpMs }),
  })

describe('createLiveCluster with --envoy-admin', () => {
  it('fifty configDump calls at once read Envoy once', async () => {
    reads = 0
    const live = cluster()
    const dumps = await Promise.all(Array.from({ length: 50 }, () => live.configDump()))
    expect(reads).toBe(1)
    expect(new Set(dumps).size).toBe(1)
    expect(dumps[0]).toEqual({ read: 1 })
  })

  it('a call after the share window reads again; waitForEnvoy polls newer dumps until ready', async () => {
    reads = 0
    const live = cluster(20)
    await live.configDump()
    await new Promise((r) => setTimeout(r, 30))
    expect(await live.configDump()).toEqual({ read: 2 })
    const waited = await live.waitForEnvoy((d) => (d as { read: number }).read >= 4, 5_000)
    expect(waited).toEqual({ dump: { read: 4 }, ready: true })
  })
})
