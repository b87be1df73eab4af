// Probes against loopback servers: the Host header and the SNI name reach the server, status,
// headers and a bounded body come back, refused ports and silent servers are results, not throws.
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer } from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpProbe, type ProbeAddress } from './http-probe.ts'
import { tcpProbe } from './tcp-probe.ts'

const servers: Array<{ close(cb: () => void): void }> = []
const ports: Record<string, number> = {}
let sniSeen: string | undefined
let dir: string

const sockets = new Set<{ destroy(): void }>()

function listen(name: string, server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  servers.push(server)
  server.on('connection', (socket: { destroy(): void; on(e: 'close', f: () => void): void }) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => ((ports[name] = (server.address() as { port: number }).port), resolve())),
  )
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindlab-probe-'))
  // A self-signed certificate for shop.example.com, made with the system's openssl.
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=shop.example.com',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ])
  const tls = { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }
  const answer =
    (secure: boolean) =>
    (
      req: { headers: Record<string, unknown>; url?: string },
      res: { writeHead(s: number, h: Record<string, string>): { end(b: string): void } },
    ) =>
      res
        .writeHead(req.headers['host'] === 'shop.example.com' ? 200 : 404, {
          server: 'istio-envoy',
          'x-path': req.url ?? '',
        })
        .end(secure ? 'secure shop' : `<title>Online Boutique</title>${'x'.repeat(100_000)}`)
  await listen('http', createHttpServer(answer(false)))
  const https = createHttpsServer(
    { ...tls, SNICallback: (name, cb) => ((sniSeen = name), cb(null, null as never)) },
    answer(true),
  )
  await listen('https', https)
  await listen(
    'redis',
    createTcpServer((s) => s.on('data', (d) => s.write(d.toString().startsWith('PING') ? '+PONG\r\n' : '-ERR\r\n'))),
  )
  await listen(
    'silent',
    createTcpServer(() => undefined),
  )
  const closed = createTcpServer()
  await listen('closed', closed)
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  servers.pop()
})

afterAll(async () => {
  sockets.forEach((socket) => socket.destroy())
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  await rm(dir, { recursive: true, force: true })
})

/** The gateway's ports 80/443/6379 map to the loopback servers, like kind's host ports. */
const address = (): ProbeAddress => ({
  host: '127.0.0.1',
  portFor: (port) =>
    ({ 80: ports['http'], 443: ports['https'], 6379: ports['redis'], 81: ports['closed'], 82: ports['silent'] })[
      port
    ] ?? port,
})

describe('httpProbe', () => {
  it('sends the Host header and returns status, headers and at most 64 KiB of body', async () => {
    const result = await httpProbe(address(), { port: 80, host: 'shop.example.com', path: '/product/1' })
    expect(result.status).toBe(200)
    expect(result.headers['server']).toBe('istio-envoy')
    expect(result.headers['x-path']).toBe('/product/1')
    expect(result.body).toContain('Online Boutique')
    expect(result.body.length).toBe(64 * 1024)
    expect((await httpProbe(address(), { port: 80, host: 'other.example.com', path: '/' })).status).toBe(404)
  })

  it('uses the host (or an explicit sni) as the TLS server name and accepts the lab certificate', async () => {
    const result = await httpProbe(address(), { port: 443, host: 'shop.example.com', path: '/', https: true })
    expect(result).toMatchObject({ status: 200, body: 'secure shop' })
    expect(sniSeen).toBe('shop.example.com')
    await httpProbe(address(), { port: 443, host: 'shop.example.com', path: '/', https: true, sni: 'alt.example.com' })
    expect(sniSeen).toBe('alt.example.com')
  })

  it('reports a refused connection and a silent server as results', async () => {
    expect(await httpProbe(address(), { port: 81, host: 'a', path: '/' })).toMatchObject({
      status: undefined,
      error: 'connection refused (ECONNREFUSED)',
    })
    const silent = await httpProbe(address(), { port: 82, host: 'a', path: '/', timeoutMs: 300 })
    expect(silent.status).toBeUndefined()
    expect(silent.error).toMatch(/no answer within/)
  })
})

describe('tcpProbe', () => {
  it('sends a line and waits for the expected answer', async () => {
    expect(await tcpProbe(address(), { port: 6379, send: 'PING\r\n', expect: 'PONG' })).toEqual({
      connected: true,
      received: '+PONG\r\n',
    })
  })

  it('says what went wrong: refused, or connected without the expected answer', async () => {
    expect(await tcpProbe(address(), { port: 81 })).toMatchObject({
      connected: false,
      error: 'connection refused (ECONNREFUSED)',
    })
    const silent = await tcpProbe(address(), { port: 82, expect: 'PONG', timeoutMs: 300 })
    expect(silent).toMatchObject({ connected: true, received: '' })
    expect(silent.error).toMatch(/did not arrive/)
    expect(await tcpProbe(address(), { port: 82 })).toEqual({ connected: true, received: '' })
  })
})
