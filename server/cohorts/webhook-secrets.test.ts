// Webhook secrets at rest (issue 13, finding 7): sealed with AES-256-GCM under secrets.key, a
// 0600 file beside (not inside) kindlab.db; deliveries still carry a signature the instructor's
// secret verifies; clear-text rows of an older database are sealed by the store migration; a
// database copied without its key reveals nothing and fails deliveries with a clear reason.
import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb } from '../store/db.ts'
import { migrations } from '../store/migrations.ts'
import { createWebhookOutboxRepo } from '../store/webhook-outbox-repo.ts'
import { createWebhookDispatcher, signWebhook } from './webhooks.ts'
import { buildCohortTestApp, type CohortTestApp } from './test-app.test-helper.ts'

let receiver: Server
let hookUrl: string
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = []
let dir: string
let t: CohortTestApp | undefined

beforeEach(async () => {
  received.length = 0
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.statusCode = 204
      res.end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`
  dir = mkdtempSync(join(tmpdir(), 'kindlab-sealed-'))
})
afterEach(async () => {
  await t?.close()
  t = undefined
  rmSync(dir, { recursive: true, force: true })
  await new Promise((resolve) => receiver.close(resolve))
})

const storedSecret = (db: Database.Database, id: string) =>
  db.prepare<[string], { webhook_secret: string }>('SELECT webhook_secret FROM cohorts WHERE id = ?').get(id)
    ?.webhook_secret ?? ''

const verifies = (secret: string, hit: (typeof received)[number] | undefined) =>
  hit !== undefined &&
  hit.headers['x-kindlab-signature'] === signWebhook(secret, Number(hit.headers['x-kindlab-timestamp']), hit.body)

describe('webhook secrets at rest', () => {
  it('stores the secret sealed, keeps the key in a 0600 file beside the database, and still signs', async () => {
    t = await buildCohortTestApp({ dataDir: dir })
    const instructor = await t.instructor()
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/cohorts',
      headers: { authorization: `Bearer ${instructor}` },
      payload: { name: 'sealed', labId: 'hello-kindlab', trainees: 1, webhookUrl: hookUrl },
    })
    expect(created.statusCode, created.body).toBe(201)
    const { id, classCode, webhookSecret } = created.json<{ id: string; classCode: string; webhookSecret: string }>()
    expect(webhookSecret.length).toBeGreaterThan(20)

    const column = storedSecret(t.db, id)
    expect(column).toMatch(/^v1:/)
    expect(column).not.toContain(webhookSecret)
    for (const name of ['kindlab.db', 'kindlab.db-wal']) {
      const bytes = existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : Buffer.alloc(0)
      expect(bytes.includes(Buffer.from(webhookSecret)), name).toBe(false)
    }
    const key = statSync(join(dir, 'secrets.key'))
    expect(key.mode & 0o777).toBe(0o600)

    const joined = await t.app.inject({ method: 'POST', url: '/api/join', payload: { classCode, displayName: 'Ada' } })
    expect(joined.statusCode, joined.body).toBe(201)
    await t.cohorts.webhooks.flush()
    expect(received.map((r) => r.headers['x-kindlab-event'])).toEqual(['trainee.joined'])
    expect(verifies(webhookSecret, received[0])).toBe(true)
  })

  it('seals clear-text secrets of an older database in the store migration', () => {
    const file = join(dir, 'kindlab.db')
    const old = new Database(file)
    for (const sql of migrations.slice(0, 3)) {
      expect(typeof sql).toBe('string')
      old.exec(sql as string)
    }
    old.pragma('user_version = 3')
    old
      .prepare(
        `INSERT INTO cohorts (id, name, lab_id, mode, domain, seats, reserve, webhook_url, webhook_secret, created_at)
         VALUES ('c1', 'old', 'hello-kindlab', 'namespace', 'old.example', 1, 0, ?, 'clear-secret-123', 1)`,
      )
      .run(hookUrl)
    old.close()

    const db = openDb(file)
    try {
      const column = storedSecret(db, 'c1')
      expect(column).toMatch(/^v1:/)
      expect(column).not.toContain('clear-secret-123')
      expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600)
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length)
    } finally {
      db.close()
    }
  })

  it('delivers with the migrated secret, and fails clearly when the key is not the one that sealed it', async () => {
    const file = join(dir, 'kindlab.db')
    const old = new Database(file)
    for (const sql of migrations.slice(0, 3)) {
      old.exec(sql as string)
    }
    old.pragma('user_version = 3')
    old
      .prepare(
        `INSERT INTO cohorts (id, name, lab_id, mode, domain, seats, reserve, webhook_url, webhook_secret, created_at)
         VALUES ('c1', 'old', 'hello-kindlab', 'namespace', 'old.example', 1, 0, ?, 'clear-secret-123', 1)`,
      )
      .run(hookUrl)
    old.close()

    let db = openDb(file)
    const hooks = createWebhookDispatcher(createWebhookOutboxRepo(db))
    hooks.enqueue('c1', 'check.passed', { traineeId: 'trainee01' })
    await hooks.flush()
    expect(verifies('clear-secret-123', received[0])).toBe(true)
    db.close()

    writeFileSync(join(dir, 'secrets.key'), 'ab'.repeat(32), { mode: 0o600 })
    db = openDb(file)
    const warnings: string[] = []
    const again = createWebhookDispatcher(createWebhookOutboxRepo(db), {}, { warn: (_obj, msg) => warnings.push(msg) })
    again.enqueue('c1', 'check.passed', { traineeId: 'trainee01' })
    await again.flush()
    expect(received).toHaveLength(1)
    expect(again.stats('c1')).toMatchObject({ failed: 1 })
    const why = db
      .prepare<[], { last_error: string }>('SELECT last_error FROM webhook_outbox WHERE failed_at IS NOT NULL')
      .get()
    expect(why?.last_error).toContain('secrets.key')
    expect(warnings[0]).toContain('secret cannot be read')
    db.close()
  })
})
