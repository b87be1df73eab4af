// The cohort key: a random secret in the data dir (mode 0600) from which join tokens and class
// codes are derived with HMAC, so the handout can be printed again at any time while the database
// holds only hashes. Resetting a seat bumps its generation, which revokes the old link.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface CohortSecrets {
  joinToken(cohortId: string, traineeId: string, generation: number): string
  classCode(cohortId: string): string
  webhookSecret(cohortId: string): string
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** Loads the key from `<dataDir>/cohort.key`, creating it on first use. */
export function loadCohortKey(dataDir: string): Buffer {
  const file = join(dataDir, 'cohort.key')
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' })
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
}

/** A stable, non-secret id of this installation (its data folder's key), for ownership labels. */
export function installationId(key: Buffer): string {
  return createHash('sha256').update(key).update('installation').digest('hex').slice(0, 12)
}

const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

export function createCohortSecrets(key: Buffer): CohortSecrets {
  const mac = (text: string): Buffer => createHmac('sha256', key).update(text).digest()
  return {
    joinToken: (cohortId, traineeId, generation) =>
      mac(`join:${cohortId}:${traineeId}:${generation}`).toString('base64url').slice(0, 32),
    classCode(cohortId) {
      const bytes = mac(`code:${cohortId}`)
      let code = ''
      for (let i = 0; i < 8; i++) {
        code += codeAlphabet[(bytes[i] ?? 0) % codeAlphabet.length]
      }
      return `${code.slice(0, 4)}-${code.slice(4)}`
    },
    webhookSecret: (cohortId) => mac(`webhook:${cohortId}`).toString('base64url'),
  }
}

/** Class codes are typed by people: ignore case, spaces and dashes. */
export function normalizeClassCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '')
}
