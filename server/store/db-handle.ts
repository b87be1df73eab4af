// The type of an open kindlab database, apart from db.ts so that migrations and the secret box
// can name it without importing the module that runs them.
import type Database from 'better-sqlite3'

export type Db = Database.Database
