// Integration: a bare fastify app with @fastify/websocket and the terminal plugin on 127.0.0.1,
// real bash shells on ptys, and ws clients. Covers echo, guards, resize, reattach, watchers, exit,
// cleanup of every process, and flow control under a `yes` flood.
import websocket from '@fastify/websocket'
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { DEFAULT_HIGH_WATER_BYTES } from './flow-control.ts'
import { isSessionAlive, listSessionPids } from './process-tree.ts'
import { createTerminalManager, type TerminalManager } from './terminal-manager.ts'
import { terminalRoute, type TerminalAuth } from './terminal-route.ts'
import { TestClient, type TestClientOptions } from './ws-test-client.test-helper.ts'

let app: FastifyInstance
let manager: TerminalManager
let url: string
let origin: string
let workspace: string
const clients: TestClient[] = []
const shellPids = new Set<number>()

function auth(sessionId: string, extra: Partial<TerminalAuth> = {}): TerminalAuth {
  return { sessionId, workspaceDir: workspace, env: { KL_FROM_AUTH: `env-of-${sessionId}` }, ...extra }
}

const tokens: Record<string, TerminalAuth | undefined> = {}

/** False once `pid` is gone or a zombie (dead, waiting for its new parent to reap it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'kindlab-term-'))
  Object.assign(tokens, {
    'tok-a': auth('a'),
    'tok-b': auth('b'),
    'watch-a': auth('a', { readOnly: true }),
    'tok-flood': auth('flood'),
  })
  manager = createTerminalManager({ reattachWindowMs: 2000, sessionDefaults: { killGraceMs: 500 } })
  app = Fastify({ logger: false })
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } })
  await app.register(terminalRoute, {
    manager,
    authTimeoutMs: 400,
    // async on purpose: frames sent right after hello must be queued, not lost
    authenticate: async (token) => new Promise((resolve) => setTimeout(() => resolve(tokens[token]), 20)),
    isAllowedOrigin: (o, host) => o === undefined || o === `http://${host}`,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  url = `ws://127.0.0.1:${port}/ws/terminal`
  origin = `http://127.0.0.1:${port}`
})

afterEach(async () => {
  for (const id of manager.sessionIds()) {
    const pid = manager.get(id)?.pid
    if (pid !== undefined) {
      shellPids.add(pid)
    }
  }
  for (const c of clients.splice(0)) {
    c.close()
  }
  await manager.closeAll()
})

afterAll(async () => {
  await app.close()
  rmSync(workspace, { recursive: true, force: true })
  // nothing any test started may survive
  expect([...shellPids].filter((pid) => isSessionAlive(pid))).toEqual([])
})

async function connect(options: TestClientOptions = {}): Promise<TestClient> {
  const client = await TestClient.open(url, { origin, ...options })
  clients.push(client)
  return client
}

async function ready(options: TestClientOptions = {}): Promise<TestClient> {
  const client = await connect(options)
  await vi.waitFor(() => expect(client.frame('ready') ?? client.frame('error')).toBeDefined(), { timeout: 5000 })
  expect(client.frame('ready')).toBeDefined()
  return client
}

const waitOutput = (client: TestClient, pattern: RegExp, timeout = 5000): Promise<void> =>
  vi.waitFor(() => expect(client.output).toMatch(pattern), { timeout, interval: 20 })

describe('terminal websocket', () => {
  it('runs commands in a login shell in the workspace with the session env', async () => {
    const client = await ready()
    client.type('echo hi-$((6*7)); echo "home=$HOME term=$TERM env=$KL_FROM_AUTH"; pwd\r')
    await waitOutput(client, /hi-42/)
    await waitOutput(client, new RegExp(`home=${workspace} term=xterm-256color env=env-of-a\\r?\\n${workspace}`))
    expect(client.frame('ready')).toMatchObject({ reattached: false, readOnly: false })
  })

  it('queues input sent right after hello, before authentication finished', async () => {
    const client = await connect()
    client.type('echo early-$((1+1))\r') // no wait for ready
    await waitOutput(client, /early-2/)
  })

  it('rejects a wrong token with an error frame and close 4401, and starts no shell', async () => {
    const client = await connect({ token: 'nope' })
    expect(await client.whenClosed()).toEqual({ code: 4401, reason: 'LAB_ERR_AUTH_REQUIRED' })
    expect(client.frame('error')).toMatchObject({
      code: 'LAB_ERR_AUTH_REQUIRED',
      hint: 'Reload the page to start a new session.',
    })
    expect(manager.sessionIds()).toEqual([])
  })

  it('rejects a foreign Origin before any hello (cross-site websocket hijacking)', async () => {
    const client = await connect({ origin: 'https://evil.example', token: 'tok-a' })
    expect(await client.whenClosed()).toEqual({ code: 4403, reason: 'LAB_ERR_ORIGIN_REJECTED' })
    expect(client.frame('error')?.code).toBe('LAB_ERR_ORIGIN_REJECTED')
    expect(manager.sessionIds()).toEqual([])
  })

  it('closes a connection that never says hello (4408) or starts with another frame (4401)', async () => {
    const silent = await connect({ hello: false })
    expect((await silent.whenClosed()).code).toBe(4408)
    const rude = await connect({ hello: false })
    rude.type('ls\r')
    expect((await rude.whenClosed()).code).toBe(4401)
  })

  it('answers a malformed frame with an error frame and keeps the shell usable', async () => {
    const client = await ready()
    client.ws.send(new TextEncoder().encode('1{"cols":"wide"}'))
    client.ws.send(new Uint8Array([0x39]))
    await vi.waitFor(() => expect(client.frames.filter((f) => f.type === 'error')).toHaveLength(2))
    expect(client.frame('error')).toMatchObject({ code: 'LAB_ERR_VALIDATION' })
    client.type('echo still-$((2*3))\r')
    await waitOutput(client, /still-6/)
  })

  it('closes with 1009 on a frame above the input limit', async () => {
    const client = await ready()
    client.ws.send(new Uint8Array(200 * 1024).fill(0x30))
    expect((await client.whenClosed()).code).toBe(1009)
  })

  it('applies the hello size and later resizes (stty size)', async () => {
    const client = await ready({ cols: 120, rows: 40 })
    client.type('stty size\r')
    await waitOutput(client, /^40 120\r?$/m)
    client.send({ type: 'resize', cols: 100, rows: 33 })
    client.type('stty size\r')
    await waitOutput(client, /^33 100\r?$/m)
  })

  it('reattaches within the window: same shell, scrollback replayed, variables kept', async () => {
    const first = await ready({ token: 'tok-b' })
    first.type('export KL_MARK=kept-$((40+2)); echo before-$((1+2))\r')
    await waitOutput(first, /before-3/)
    const pid = manager.get('b')?.pid
    first.close()
    await first.whenClosed()
    const second = await ready({ token: 'tok-b' })
    expect(second.frame('ready')).toMatchObject({ reattached: true })
    await waitOutput(second, /before-3/) // replayed scrollback
    second.type('echo "mark=$KL_MARK"\r')
    await waitOutput(second, /mark=kept-42/)
    expect(manager.get('b')?.pid).toBe(pid)
  })

  it('kills the shell when nobody reattaches within the window', async () => {
    const client = await ready({ token: 'tok-b' })
    const pid = manager.get('b')!.pid
    client.close()
    await vi.waitFor(() => expect(manager.get('b')).toBeUndefined(), { timeout: 5000 })
    await vi.waitFor(() => expect(isSessionAlive(pid)).toBe(false), { timeout: 3000 })
  })

  it('lets a read-only watcher see output while its input is ignored', async () => {
    const learner = await ready()
    const watcher = await ready({ token: 'watch-a' })
    expect(watcher.frame('ready')).toMatchObject({ readOnly: true, reattached: true })
    learner.type('echo seen-by-$((7*6))\r')
    await waitOutput(watcher, /seen-by-42/)
    watcher.type('echo from-watcher-$((5*5))\r')
    learner.type('echo learner-again\r')
    await waitOutput(learner, /learner-again\r?\n/)
    expect(learner.output).not.toMatch(/from-watcher|25/)
  })

  it('refuses a watcher when the learner has no shell (4404)', async () => {
    const watcher = await connect({ token: 'watch-a' })
    expect(await watcher.whenClosed()).toEqual({ code: 4404, reason: 'LAB_ERR_SESSION_NOT_FOUND' })
  })

  it('replaces the writable tab when the same session connects again (4409)', async () => {
    const oldTab = await ready()
    const newTab = await ready()
    expect(await oldTab.whenClosed()).toEqual({ code: 4409, reason: 'LAB_ERR_TERMINAL_UNAVAILABLE' })
    newTab.type('echo new-tab-$((3*3))\r')
    await waitOutput(newTab, /new-tab-9/)
  })

  it('reports the shell exit code and forgets the session', async () => {
    const client = await ready()
    client.type('exit 3\r')
    expect((await client.whenClosed()).code).toBe(4000)
    expect(client.frame('exit')).toEqual({ type: 'exit', code: 3, signal: null })
    await vi.waitFor(() => expect(manager.sessionIds()).toEqual([]))
  })

  it('leaves no process behind after closeSession, background jobs included', async () => {
    const client = await ready()
    client.type('sleep 300 & echo "bg=$!"; (sleep 301 &) ; echo started\r')
    await waitOutput(client, /bg=(\d+)[\s\S]*started\r?\n/)
    const bg = Number(/bg=(\d+)/.exec(client.output)![1])
    const pid = manager.get('a')!.pid
    expect(listSessionPids(pid).length).toBeGreaterThanOrEqual(3)
    await manager.closeSession('a')
    expect(listSessionPids(pid)).toEqual([])
    expect(isRunning(bg)).toBe(false)
    expect((await client.whenClosed()).code).toBe(1001)
  })

  it('bounds a `yes` flood for a client that never acks, and resumes after acks', async () => {
    const client = await ready({ token: 'tok-flood', autoAck: false })
    client.type('yes kindlab-flood\r')
    const session = manager.get('flood')!
    await vi.waitFor(() => expect(session.stats().isPaused).toBe(true), { timeout: 5000 })
    const stalled = client.outputBytes
    await new Promise((resolve) => setTimeout(resolve, 300)) // must stay stalled, so a fixed wait is the test
    const limit = DEFAULT_HIGH_WATER_BYTES + 512 * 1024
    expect(session.stats().maxUnackedBytes).toBeLessThan(limit)
    expect(client.outputBytes - stalled).toBeLessThan(512 * 1024)
    expect(client.outputBytes).toBeLessThan(limit)

    client.ack() // everything received so far: below the low watermark
    await vi.waitFor(() => expect(client.outputBytes).toBeGreaterThan(stalled + 1024 * 1024), { timeout: 5000 })
    client.type('\x03')
    client.ack(client.unackedBytes)
  })
})
