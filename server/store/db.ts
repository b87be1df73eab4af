// Opens the SQLite database in the data dir and brings its schema up to date. The only module
// that talks to better-sqlite3 directly; repositories get the handle from here.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { AppError } from '../errors.ts'
import { migrations } from './migrations.ts'

import type { Db } from './db-handle.ts'

export type { Db }

/** Opens (and creates) the database file; `:memory:` works for tests. */
export function openDb(file: string): Db {
  try {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true })
    }
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db)
    return db
  } catch (err) {
    throw new AppError('LAB_ERR_STORE_FAILED', {
      message: `Could not open the kindlab database at ${file}.`,
      hint: 'Check that the data folder is writable (--data DIR or KINDLAB_DATA_DIR), and that no other kindlab version uses it.',
      cause: err,
    })
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  const pending = migrations.slice(current)
  if (pending.length === 0) {
    return
  }
  db.transaction(() => {
    for (const step of pending) {
      if (typeof step === 'string') {
        db.exec(step)
      } else {
        step(db)
      }
    }
    db.pragma(`user_version = ${migrations.length}`)
  })()
}
