// The database schema, as an append-only list of migrations. Never edit a shipped entry: add one.
// An entry is SQL, or a function for a data migration that needs code (e.g. encryption).
import { allocateTcpPorts } from '../cohorts/plan/tcp-ports.ts'
import type { Db } from './db-handle.ts'
import { isSealed, secretBoxFor, webhookSecretContext } from './secret-box.ts'

export type Migration = string | ((db: Db) => void)

/** Issue 13: webhook secrets stored in clear are sealed with secrets.key (secret-box.ts). */
function sealWebhookSecrets(db: Db): void {
  const rows = db
    .prepare<[], { id: string; webhook_secret: string }>(
      'SELECT id, webhook_secret FROM cohorts WHERE webhook_secret IS NOT NULL',
    )
    .all()
    .filter((r) => !isSealed(r.webhook_secret))
  if (rows.length === 0) {
    return
  }
  const box = secretBoxFor(db)
  const update = db.prepare('UPDATE cohorts SET webhook_secret = ? WHERE id = ?')
  for (const row of rows) {
    update.run(box.seal(row.webhook_secret, webhookSecretContext(row.id)), row.id)
  }
}

/**
 * Issue 13 (c): every namespace-mode trainee of the class cluster gets a TCP port no other holds.
 * Cohorts that already exist get theirs oldest first, so the first keeps 20000 + slot, as before.
 */
function allocateExistingTcpPorts(db: Db): void {
  db.exec(`
  ALTER TABLE cohort_trainees ADD COLUMN tcp_port INTEGER;
  CREATE UNIQUE INDEX cohort_trainees_tcp_port ON cohort_trainees(tcp_port) WHERE tcp_port IS NOT NULL;
  `)
  const cohorts = db
    .prepare<[], { id: string }>(
      "SELECT id FROM cohorts WHERE mode = 'namespace' AND offline = 0 AND state = 'active' ORDER BY created_at, id",
    )
    .all()
  const taken: number[] = []
  const slots = db.prepare<[string], { slot: number }>('SELECT slot FROM cohort_trainees WHERE cohort_id = ?')
  const set = db.prepare('UPDATE cohort_trainees SET tcp_port = ? WHERE cohort_id = ? AND slot = ?')
  for (const { id } of cohorts) {
    for (const [slot, port] of allocateTcpPorts(
      slots.all(id).map((s) => s.slot),
      taken,
    )) {
      set.run(port, id, slot)
      taken.push(port)
    }
  }
}

export const migrations: readonly Migration[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'solo',
    display_name TEXT,
    workspace_dir TEXT NOT NULL,
    vars_json TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE TABLE step_progress (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    lab_id TEXT NOT NULL,
    step_index INTEGER NOT NULL,
    passed_at INTEGER,
    current INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, lab_id, step_index)
  );
  CREATE TABLE check_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    lab_id TEXT NOT NULL,
    step_index INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    passed INTEGER NOT NULL,
    message TEXT NOT NULL,
    hint TEXT,
    layers_json TEXT NOT NULL DEFAULT '[]',
    detail_json TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX check_attempts_by_session ON check_attempts(session_id, lab_id, check_id);
  `,
  // Cohorts (issue 7): classes, trainee seats, instructors, and the webhook outbox.
  `
  CREATE TABLE cohorts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    lab_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    domain TEXT NOT NULL,
    seats INTEGER NOT NULL,
    reserve INTEGER NOT NULL,
    offline INTEGER NOT NULL DEFAULT 0,
    webhook_url TEXT,
    webhook_secret TEXT,
    state TEXT NOT NULL DEFAULT 'active',
    created_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE TABLE cohort_trainees (
    cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
    trainee_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0,
    join_hash TEXT NOT NULL UNIQUE,
    env_state TEXT NOT NULL DEFAULT 'planned',
    env_error TEXT,
    env_ready_at INTEGER,
    session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
    display_name TEXT,
    joined_at INTEGER,
    PRIMARY KEY (cohort_id, trainee_id)
  );
  CREATE INDEX cohort_trainees_by_session ON cohort_trainees(session_id);
  CREATE TABLE instructors (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE instructor_sessions (
    token_hash TEXT PRIMARY KEY,
    instructor_id TEXT NOT NULL REFERENCES instructors(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE webhook_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    delivered_at INTEGER,
    failed_at INTEGER,
    last_error TEXT
  );
  CREATE INDEX webhook_outbox_due ON webhook_outbox(delivered_at, failed_at, next_at);
  `,
  // Issue 13: who opened a solo session (its client address), for the per-client cap; live
  // sessions are counted by their last use.
  `
  ALTER TABLE sessions ADD COLUMN client TEXT;
  CREATE INDEX sessions_live ON sessions(kind, ended_at, last_seen_at);
  `,
  sealWebhookSecrets,
  // Issue 12: three verdict states. `passed` stays 1 only for a pass; `status` tells a failure from
  // a check that could not be verified (which never counts as a failure nor as a pass).
  `
  ALTER TABLE check_attempts ADD COLUMN status TEXT NOT NULL DEFAULT 'failed';
  UPDATE check_attempts SET status = CASE passed WHEN 1 THEN 'passed' ELSE 'failed' END;
  ALTER TABLE check_attempts ADD COLUMN finding TEXT;
  `,
  allocateExistingTcpPorts,
  // Issue 14: gating. A cohort's choice (NULL: the lab's), and the instructor opening a trainee's steps.
  `
  ALTER TABLE cohorts ADD COLUMN gating INTEGER;
  ALTER TABLE cohort_trainees ADD COLUMN ungated INTEGER NOT NULL DEFAULT 0;
  `,
]
