// Secrets at rest (webhook secrets): AES-256-GCM from node:crypto, with a key kept outside the
// database, in `secrets.key` (mode 0600) beside kindlab.db, created on first use. A sealed value
// is `v1:` + base64url(iv | tag | ciphertext) and is bound to its row by associated data, so a
// value copied into another row does not open. A copy of the database alone reveals nothing.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AppError } from '../errors.ts'
import type { Db } from './db-handle.ts'

const PREFIX = 'v1:'
const IV_BYTES = 12
const TAG_BYTES = 16

export interface SecretBox {
  seal(plain: string, context: string): string
  /** Throws LAB_ERR_STORE_FAILED when the value was not sealed with this key and context. */
  open(sealed: string, context: string): string
}

/** True for a value {@link SecretBox.seal} wrote. */
export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX)
}

/** The key file beside the database: `<dataDir>/secrets.key`. */
export function secretKeyFile(dataDir: string): string {
  return join(dataDir, 'secrets.key')
}

/** Loads the 32-byte key from `<dataDir>/secrets.key`, creating it (mode 0600) on first use. */
export function loadSecretKey(dataDir: string): Buffer {
  const file = secretKeyFile(dataDir)
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err
      }
    }
  }
  chmodSync(file, 0o600)
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  if (key.length !== 32) {
    throw new AppError('LAB_ERR_STORE_FAILED', {
      message: `${file} does not hold a 256-bit key.`,
      hint: 'Restore the file from a backup; without it the stored webhook secrets cannot be read.',
    })
  }
  return key
}

export function createSecretBox(key: Buffer): SecretBox {
  return {
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(context))
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
    },
    open(sealed, context) {
      try {
        if (!isSealed(sealed)) {
          throw new Error('not a sealed value')
        }
        const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url')
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
        decipher.setAAD(Buffer.from(context))
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
      } catch (err) {
        throw new AppError('LAB_ERR_STORE_FAILED', {
          message: 'A stored secret cannot be decrypted with this data folder’s secrets.key.',
          hint: 'Keep secrets.key beside kindlab.db when moving or restoring the data folder.',
          cause: err,
        })
      }
    },
  }
}

const boxes = new WeakMap<Db, SecretBox>()

/**
 * The secret box of a database: keyed by `secrets.key` beside its file (an in-memory database
 * gets a key that lives as long as it does).
 */
export function secretBoxFor(db: Db): SecretBox {
  let box = boxes.get(db)
  if (box === undefined) {
    box = createSecretBox(db.memory ? randomBytes(32) : loadSecretKey(dirname(db.name)))
    boxes.set(db, box)
  }
  return box
}

/** The associated data that binds a cohort's webhook secret to its row. */
export const webhookSecretContext = (cohortId: string): string => `cohorts/${cohortId}/webhook_secret`
