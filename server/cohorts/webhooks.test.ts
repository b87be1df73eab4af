// Webhooks against a loopback receiver: the body is signed with HMAC-SHA256 over
// `<timestamp>.<body>`, failures are retried with exponential backoff, a delivery is given up
// after maxAttempts, and the outbox survives a restart (it is SQLite).
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../store/db.ts'
import { createCohortsRepo } from '../store/cohorts-repo.ts'
import { createWebhookOutboxRepo } from '../store/webhook-outbox-repo.ts'
import { createWebhookDispatcher, isValidWebhookUrl, signWebhook } from './webhooks.ts'

let server: Server
let url: string
let dir: string
let db: Db
let answers: number[]
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = []
const secret = 'test-secret'

beforeEach(async () => {
  received.length = 0
  answers = []
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.statusCode = req.headers['x-kindlab-event'] === 'step.completed' ? 500 : (answers.shift() ?? 204)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`
  dir = mkdtempSync(join(tmpdir(), 'kindlab-hooks-'))
  db = openDb(join(dir, 'kindlab.db'))
  createCohortsRepo(db).create({
    id: 'c1',
    name: 'hooks',
    labId: 'l',
    mode: 'namespace',
    domain: 'd.example',
    reserve: 0,
    offline: true,
    webhookUrl: url,
    webhookSecret: secret,
    seats: [],
  })
})
afterEach(async () => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
  await new Promise((resolve) => server.close(resolve))
})

describe('webhooks', () => {
  it('POSTs the event as JSON with a verifiable signature', async () => {
    const hooks = createWebhookDispatcher(createWebhookOutboxRepo(db))
    hooks.enqueue('c1', 'check.passed', { traineeId: 'trainee01', checkId: 'x' })
    await hooks.flush()
    expect(received).toHaveLength(1)
    const [hit] = received
    const timestamp = String(hit?.headers['x-kindlab-timestamp'])
    const expected = `sha256=${createHmac('sha256', secret)
      .update(`${timestamp}.${hit?.body ?? ''}`)
      .digest('hex')}`
    expect(hit?.headers['x-kindlab-signature']).toBe(expected)
    expect(hit?.headers['x-kindlab-event']).toBe('check.passed')
    expect(JSON.parse(hit?.body ?? '{}')).toMatchObject({
      type: 'check.passed',
      cohortId: 'c1',
      data: { traineeId: 'trainee01' },
    })
    expect(signWebhook(secret, Number(timestamp), hit?.body ?? '')).toBe(expected)
    expect(hooks.stats('c1')).toEqual({ pending: 0, delivered: 1, failed: 0 })
  })

  it('retries with exponential backoff until the receiver accepts', async () => {
    let now = 1_000_000
    answers = [500, 503]
    const hooks = createWebhookDispatcher(createWebhookOutboxRepo(db), { baseDelayMs: 1000, now: () => now })
    hooks.enqueue('c1', 'trainee.joined', {})
    await hooks.flush()
    await hooks.flush() // not due yet
    expect(received).toHaveLength(1)
    now += 1000
    await hooks.flush()
    expect(received).toHaveLength(2)
    now += 1999
    await hooks.flush()
    expect(received).toHaveLength(2) // the second retry waits 2 s
    now += 1
    await hooks.flush()
    expect(received).toHaveLength(3)
    expect(hooks.stats('c1')).toEqual({ pending: 0, delivered: 1, failed: 0 })
    expect(new Set(received.map((r) => r.headers['x-kindlab-delivery'])).size).toBe(1)
  })

  it('gives up after maxAttempts, and keeps pending deliveries across a restart', async () => {
    let now = 0
    const first = createWebhookDispatcher(createWebhookOutboxRepo(db), {
      maxAttempts: 3,
      baseDelayMs: 10,
      now: () => now,
    })
    first.enqueue('c1', 'step.completed', {})
    first.enqueue('c1', 'lab.completed', {})
    await first.flush()
    expect(first.stats('c1')).toEqual({ pending: 1, delivered: 1, failed: 0 })
    const again = createWebhookDispatcher(createWebhookOutboxRepo(db), {
      maxAttempts: 3,
      baseDelayMs: 10,
      now: () => now,
    })
    now += 10
    await again.flush()
    now += 20
    await again.flush()
    expect(again.stats('c1')).toEqual({ pending: 0, delivered: 1, failed: 1 })
    expect(received.filter((r) => r.headers['x-kindlab-event'] === 'step.completed')).toHaveLength(3)
  })

  it('accepts only http(s) URLs without credentials', () => {
    expect(isValidWebhookUrl('https://example.org/x')).toBe(true)
    expect(['ftp://x', 'javascript:alert(1)', 'https://u:p@x.org/', 'not a url'].some(isValidWebhookUrl)).toBe(false)
  })
})
