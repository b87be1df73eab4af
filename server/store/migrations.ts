// The database schema, as an append-only list of migrations. Never edit a shipped entry: add one.
export const migrations: readonly string[] = [
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
]
