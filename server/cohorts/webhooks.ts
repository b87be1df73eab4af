// Webhook events of a cohort (joined, check passed/failed, step and lab completed): queued in
// SQLite (an outbox, so a restart loses nothing; the cohort's secret is sealed there with
// secrets.key, store/secret-box.ts), POSTed as JSON with an HMAC-SHA256 signature
// over `<timestamp>.<body>`, retried with exponential backoff, given up after `maxAttempts`.
import { createHmac, randomUUID } from 'node:crypto'
import type { WebhookEventType } from '../protocol/cohort-dto.ts'
import type { Db } from '../store/db.ts'
import { secretBoxFor, webhookSecretContext } from '../store/secret-box.ts'

export interface WebhookOptions {
  /** @default 8 */
  maxAttempts?: number
  /** First retry delay; doubles each time, capped at 5 minutes. @default 1000 */
  baseDelayMs?: number
  /** @default 5000 */
  timeoutMs?: number
  /** How often the dispatcher looks for due deliveries. @default 500 */
  pollMs?: number
  now?: () => number
  fetch?: typeof fetch
}

export interface WebhookLogger {
  warn(obj: object, msg: string): void
}

/** The signature header value for `body` sent at `timestamp` (seconds). Receivers recompute it. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

interface OutboxRow {
  id: number
  cohort_id: string
  event: string
  body: string
  attempts: number
  url: string | null
  secret: string | null
}

export function createWebhookDispatcher(db: Db, options: WebhookOptions = {}, log?: WebhookLogger) {
  const now = options.now ?? Date.now
  const maxAttempts = options.maxAttempts ?? 8
  const base = options.baseDelayMs ?? 1000
  const doFetch = options.fetch ?? fetch
  const insert = db.prepare('INSERT INTO webhook_outbox (cohort_id, event, body, next_at) VALUES (?, ?, ?, ?)')
  const due = db.prepare<[number], OutboxRow>(
    `SELECT o.id, o.cohort_id, o.event, o.body, o.attempts, c.webhook_url AS url, c.webhook_secret AS secret
     FROM webhook_outbox o JOIN cohorts c ON c.id = o.cohort_id
     WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_at <= ? ORDER BY o.id LIMIT 20`,
  )
  const delivered = db.prepare('UPDATE webhook_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?')
  const retry = db.prepare(
    'UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?, last_error = ?, failed_at = ? WHERE id = ?',
  )
  let timer: ReturnType<typeof setInterval> | undefined
  let running: Promise<void> | undefined

  async function deliver(row: OutboxRow): Promise<void> {
    if (!row.url || !row.secret) {
      retry.run(now(), 'the cohort has no webhook', now(), row.id)
      return
    }
    let secret: string
    try {
      secret = secretBoxFor(db).open(row.secret, webhookSecretContext(row.cohort_id))
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      retry.run(now(), message.slice(0, 300), now(), row.id)
      log?.warn({ cohortId: row.cohort_id, err: message }, 'webhook delivery given up: its secret cannot be read')
      return
    }
    const timestamp = Math.floor(now() / 1000)
    try {
      const res = await doFetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kindlab-webhooks',
          'x-kindlab-event': row.event,
          'x-kindlab-delivery': String(row.id),
          'x-kindlab-timestamp': String(timestamp),
          'x-kindlab-signature': signWebhook(secret, timestamp, row.body),
        },
        body: row.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      })
      await res.arrayBuffer().catch(() => undefined)
      if (res.status >= 200 && res.status < 300) {
        delivered.run(now(), row.id)
        return
      }
      throw new Error(`HTTP ${res.status}`)
    } catch (err) {
      const attempts = row.attempts + 1
      const message = err instanceof Error ? err.message : String(err)
      const giveUp = attempts >= maxAttempts
      retry.run(
        now() + Math.min(base * 2 ** (attempts - 1), 300_000),
        message.slice(0, 300),
        giveUp ? now() : null,
        row.id,
      )
      if (giveUp) {
        log?.warn({ cohortId: row.cohort_id, event: row.event, attempts, err: message }, 'webhook delivery given up')
      }
    }
  }

  const dispatcher = {
    enqueue(cohortId: string, event: WebhookEventType, data: Record<string, unknown>): void {
      const body = JSON.stringify({ id: randomUUID(), type: event, cohortId, at: new Date(now()).toISOString(), data })
      insert.run(cohortId, event, body, now())
    },
    /** Delivers what is due now; resolves when those deliveries finished. */
    flush(): Promise<void> {
      running ??= (async () => {
        try {
          await Promise.all(due.all(now()).map(deliver))
        } finally {
          running = undefined
        }
      })()
      return running
    },
    start(): void {
      timer ??= setInterval(() => void dispatcher.flush(), options.pollMs ?? 500)
      timer.unref()
    },
    async stop(): Promise<void> {
      clearInterval(timer)
      timer = undefined
      await running
    },
    stats(cohortId: string) {
      return db
        .prepare<[string], { pending: number; delivered: number; failed: number }>(
          `SELECT SUM(delivered_at IS NULL AND failed_at IS NULL) AS pending, SUM(delivered_at IS NOT NULL) AS delivered,
           SUM(failed_at IS NOT NULL) AS failed FROM webhook_outbox WHERE cohort_id = ?`,
        )
        .get(cohortId)
    },
  }
  return dispatcher
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>

/** Webhook targets must be http(s) URLs without credentials. */
export function isValidWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password
  } catch {
    return false
  }
}
