// The request guard on a real kindlab app (buildApp with the bundled labs, SQLite, the cohort
// routes and a real shell terminal): DNS rebinding (a foreign Host) gets 421 before anything runs,
// over inject and over a real socket with a real websocket upgrade; the Origin must match scheme,
// host and port; with an access token every entry point (sessions, join, instructor sign-in) needs it.
import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { decodeServerFrame, encodeClientFrame } from '../protocol/terminal-frames.ts'
import type { CohortDetailDto, HandoutDto } from '../protocol/cohort-dto.ts'
import { buildCohortTestApp, type CohortTestApp } from '../cohorts/test-app.test-helper.ts'
import { ENTRY_POINTS } from './access-guard.ts'

let t: CohortTestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function app(options: Parameters<typeof buildCohortTestApp>[0] = {}): Promise<CohortTestApp> {
  t = await buildCohortTestApp(options)
  return t
}

const rebinding = { host: 'evil.example:4392', origin: 'http://evil.example:4392' }
const ACCESS = 'class-access-token-0123'

describe('Host allow-list (inject)', () => {
  it('answers 421 to POST /api/sessions under a foreign Host with a matching Origin, and makes no session', async () => {
    const { app: a, db } = await app()
    const res = await a.inject({ method: 'POST', url: '/api/sessions', headers: rebinding, payload: {} })
    expect(res.statusCode).toBe(421)
    const { error } = res.json<{ error: { code: string; hint: string } }>()
    expect(error.code).toBe('LAB_ERR_HOST_REJECTED')
    expect(error.hint).toContain('--public-url')
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 })
  })

  it.each([
    ['GET', '/api/labs'],
    ['GET', '/api/health'],
    ['GET', '/api/no-such-route'],
    ['POST', '/api/join'],
    ['POST', '/api/instructor/session'],
  ])('answers 421 to %s %s under a foreign Host', async (method, url) => {
    const { app: a } = await app()
    const res = await a.inject({ method: method as 'GET', url, headers: { host: 'evil.example' } })
    expect(res.statusCode).toBe(421)
    expect(res.json<{ error: { code: string } }>().error.code).toBe('LAB_ERR_HOST_REJECTED')
  })

  it.each(['127.0.0.1:4280', 'localhost:4280', 'app.localhost:4280', '[::1]:4280', '127.0.0.2:4280'])(
    'serves the loopback Host %s with its own Origin',
    async (host) => {
      const { app: a } = await app()
      const res = await a.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { host, origin: `http://${host}` },
        payload: {},
      })
      expect(res.statusCode, res.body).toBe(201)
    },
  )

  it('refuses an Origin with the same host and port but another scheme', async () => {
    const { app: a } = await app()
    const headers = { host: '127.0.0.1:4280', origin: 'https://127.0.0.1:4280' }
    const res = await a.inject({ method: 'POST', url: '/api/sessions', headers, payload: {} })
    expect(res.statusCode).toBe(403)
    expect(res.json<{ error: { code: string } }>().error.code).toBe('LAB_ERR_ORIGIN_REJECTED')
  })

  it('serves the --public-url name with its https origin only', async () => {
    const { app: a } = await app({ publicUrl: 'https://kindlab.class.example' })
    const post = (origin: string) =>
      a.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { host: 'kindlab.class.example', origin },
        payload: {},
      })
    expect((await post('https://kindlab.class.example')).statusCode).toBe(201)
    expect((await post('http://kindlab.class.example')).statusCode).toBe(403)
  })
})

describe('access token on every entry point', () => {
  it('lists only routes that exist', async () => {
    const { app: a } = await app()
    await a.ready()
    for (const entry of ENTRY_POINTS) {
      const [method, url] = entry.split(' ') as ['POST', string]
      expect(a.hasRoute({ method, url }), entry).toBe(true)
    }
  })

  it('refuses a class-code join, a session and an instructor sign-in without it, and accepts them with it', async () => {
    const s = await app({ accessToken: ACCESS })
    const instructor = await s.instructor()
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/cohorts',
      headers: { authorization: `Bearer ${instructor}` },
      payload: { name: 'guarded', labId: 'hello-kindlab', trainees: 2, reserve: 0 },
    })
    const { classCode } = created.json<CohortDetailDto>()
    const join = { classCode: classCode ?? '', displayName: 'Ada' }
    const calls = [
      { url: '/api/join', payload: join },
      { url: '/api/sessions', payload: {} },
      { url: '/api/instructor/session', payload: { adminToken: s.adminToken } },
    ]
    for (const call of calls) {
      const without = await s.app.inject({ method: 'POST', ...call })
      expect(without.statusCode, call.url).toBe(401)
      expect(without.json<{ error: { code: string } }>().error.code).toBe('LAB_ERR_AUTH_REQUIRED')
      const wrong = await s.app.inject({ method: 'POST', ...call, headers: { 'x-kindlab-access': `${ACCESS}x` } })
      expect(wrong.statusCode, call.url).toBe(401)
      const right = await s.app.inject({ method: 'POST', ...call, headers: { 'x-kindlab-access': ACCESS } })
      expect(right.statusCode, `${call.url}: ${right.body}`).toBe(201)
    }
  })

  it('prints handout links at the public URL, carrying the access token', async () => {
    const s = await app({ accessToken: ACCESS, publicUrl: 'https://kindlab.class.example' })
    const auth = { authorization: `Bearer ${await s.instructor()}` }
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/cohorts',
      headers: auth,
      payload: { name: 'links', labId: 'hello-kindlab', trainees: 1, reserve: 0 },
    })
    const id = created.json<CohortDetailDto>().id
    const handout = (
      await s.app.inject({ method: 'GET', url: `/api/cohorts/${id}/handout`, headers: auth })
    ).json<HandoutDto>()
    expect(handout.joinUrl).toBe(`https://kindlab.class.example/join/links#access=${ACCESS}`)
    expect(handout.entries[0]?.joinUrl).toMatch(
      new RegExp(`^https://kindlab\\.class\\.example/join/links#t=[\\w-]{16,}&access=${ACCESS}$`),
    )
  })
})

describe('DNS rebinding over a real socket', () => {
  async function listen(): Promise<{ port: number; token: string }> {
    const s = await app()
    const base = await s.app.listen({ host: '127.0.0.1', port: 0 })
    const res = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(201)
    return { port: Number(new URL(base).port), token: ((await res.json()) as { token: string }).token }
  }

  /** Opens the terminal with `host`/`origin`, says hello, runs `id -u`: the HTTP status if refused, else the output. */
  function terminal(port: number, token: string, host: string): Promise<{ status?: number; output?: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/terminal`, { headers: { host }, origin: `http://${host}` })
      let output = ''
      ws.on('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0 })
        ws.terminate()
      })
      ws.on('error', reject)
      ws.on('open', () => ws.send(encodeClientFrame({ type: 'hello', token, cols: 80, rows: 24 })))
      ws.on('message', (data: Buffer) => {
        const decoded = decodeServerFrame(new Uint8Array(data))
        if (!decoded.ok) {
          return
        }
        if (decoded.frame.type === 'ready') {
          ws.send(encodeClientFrame({ type: 'input', data: new TextEncoder().encode('echo "uid=[$(id -u)]"\r') }))
        } else if (decoded.frame.type === 'output') {
          output += new TextDecoder().decode(decoded.frame.data)
          if (/uid=\[\d+\]/.test(output)) {
            resolve({ output })
            ws.close()
          }
        }
      })
    })
  }

  it('refuses the websocket upgrade with 421 under a foreign Host and a matching Origin: no shell', async () => {
    const { port, token } = await listen()
    const refused = await terminal(port, token, `evil.example:${port}`)
    expect(refused).toEqual({ status: 421 })
    expect(t?.app.websocketServer.clients.size).toBe(0)
    // the same client under the server's own name gets a shell, so the refusal above is the guard
    const served = await terminal(port, token, `127.0.0.1:${port}`)
    expect(served.output).toMatch(/uid=\[\d+\]/)
  })

  it('answers 421 to POST /api/sessions under a foreign Host', async () => {
    const { port } = await listen()
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/sessions',
          headers: {
            host: `evil.example:${port}`,
            origin: `http://evil.example:${port}`,
            'content-type': 'application/json',
          },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end('{}')
    })
    expect(status).toBe(421)
  })
})
