// The webhook outbox: each cohort event queued as a row, so a restart loses nothing; what is due
// comes back with its cohort's webhook URL and sealed secret (opened here, with secrets.key,
// secret-box.ts). Delivery, signing and backoff are in cohorts/webhooks.ts.
import type { Db } from './db.ts'
import { secretBoxFor, webhookSecretContext } from './secret-box.ts'

export interface OutboxRow {
  id: number
  cohort_id: string
  event: string
  body: string
  attempts: number
  url: string | null
  /** Sealed: {@link WebhookOutboxRepo.openSecret} opens it. */
  secret: string | null
}

export function createWebhookOutboxRepo(db: Db) {
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
  const stats = db.prepare<[string], { pending: number; delivered: number; failed: number }>(
    `SELECT SUM(delivered_at IS NULL AND failed_at IS NULL) AS pending, SUM(delivered_at IS NOT NULL) AS delivered,
     SUM(failed_at IS NOT NULL) AS failed FROM webhook_outbox WHERE cohort_id = ?`,
  )
  return {
    enqueue(cohortId: string, event: string, body: string, at: number): void {
      insert.run(cohortId, event, body, at)
    },
    /** Up to 20 undelivered, not given up, due at `at`, oldest first. */
    due: (at: number): OutboxRow[] => due.all(at),
    delivered(id: number, at: number): void {
      delivered.run(at, id)
    },
    /** Counts an attempt: retried at `nextAt`, or given up when `failedAt` is set. */
    retry(id: number, nextAt: number, error: string, failedAt: number | null): void {
      retry.run(nextAt, error, failedAt, id)
    },
    /** The cohort's webhook secret in clear; throws when secrets.key cannot open it. */
    openSecret: (cohortId: string, sealed: string): string =>
      secretBoxFor(db).open(sealed, webhookSecretContext(cohortId)),
    stats: (cohortId: string) => stats.get(cohortId),
  }
}

export type WebhookOutboxRepo = ReturnType<typeof createWebhookOutboxRepo>
