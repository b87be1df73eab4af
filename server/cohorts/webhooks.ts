// Webhook events of a cohort (joined, check passed/failed, step and lab completed): queued in
// SQLite (an outbox, so a restart loses nothing, store/webhook-outbox-repo.ts; the cohort's secret
// is sealed there with secrets.key, store/secret-box.ts), POSTed as JSON with an HMAC-SHA256 signature
// over `<timestamp>.<body>`, retried with exponential backoff, given up after `maxAttempts`.
import { createHmac, randomUUID } from 'node:crypto'
import type { WebhookEventType } from '../protocol/cohort-dto.ts'
import type { OutboxRow, WebhookOutboxRepo } from '../store/webhook-outbox-repo.ts'

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

export function createWebhookDispatcher(outbox: WebhookOutboxRepo, options: WebhookOptions = {}, log?: WebhookLogger) {
  const now = options.now ?? Date.now
  const maxAttempts = options.maxAttempts ?? 8
  const base = options.baseDelayMs ?? 1000
  const doFetch = options.fetch ?? fetch
  let timer: ReturnType<typeof setInterval> | undefined
  let running: Promise<void> | undefined

  async function deliver(row: OutboxRow): Promise<void> {
    if (!row.url || !row.secret) {
      outbox.retry(row.id, now(), 'the cohort has no webhook', now())
      return
    }
    let secret: string
    try {
      secret = outbox.openSecret(row.cohort_id, row.secret)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      outbox.retry(row.id, now(), message.slice(0, 300), now())
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
        outbox.delivered(row.id, now())
        return
      }
      throw new Error(`HTTP ${res.status}`)
    } catch (err) {
      const attempts = row.attempts + 1
      const message = err instanceof Error ? err.message : String(err)
      const giveUp = attempts >= maxAttempts
      outbox.retry(
        row.id,
        now() + Math.min(base * 2 ** (attempts - 1), 300_000),
        message.slice(0, 300),
        giveUp ? now() : null,
      )
      if (giveUp) {
        log?.warn({ cohortId: row.cohort_id, event: row.event, attempts, err: message }, 'webhook delivery given up')
      }
    }
  }

  const dispatcher = {
    enqueue(cohortId: string, event: WebhookEventType, data: Record<string, unknown>): void {
      const body = JSON.stringify({ id: randomUUID(), type: event, cohortId, at: new Date(now()).toISOString(), data })
      outbox.enqueue(cohortId, event, body, now())
    },
    /** Delivers what is due now; resolves when those deliveries finished. */
    flush(): Promise<void> {
      running ??= (async () => {
        try {
          await Promise.all(outbox.due(now()).map(deliver))
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
    stats: (cohortId: string) => outbox.stats(cohortId),
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
