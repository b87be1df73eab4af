// Cohorts and their trainee seats: one row per seat, created with the cohort; a seat's
// environment moves planned → provisioning → ready → claimed (or failed). Join tokens are
// stored only as SHA-256 hashes. The grade book's reads are in gradebook-queries.ts.
import type { CohortMode, EnvState } from '../protocol/cohort-dto.ts'
import { randomBytes } from 'node:crypto'
import { allocateTcpPorts } from '../cohorts/plan/tcp-ports.ts'
import type { Db } from './db.ts'
import { secretBoxFor, webhookSecretContext } from './secret-box.ts'
import { hashToken } from './sessions-repo.ts'

export interface CohortRecord {
  id: string
  name: string
  labId: string
  mode: CohortMode
  domain: string
  seats: number
  reserve: number
  offline: boolean
  webhookUrl: string | undefined
  /** True when a webhook secret is stored (sealed; only the webhook dispatcher opens it). */
  hasWebhookSecret: boolean
  /** Gating for the class: on, off, or undefined to follow the lab's `gating`. */
  gating: boolean | undefined
  state: 'active' | 'ended'
  createdAt: number
  /**
   * Each trainee's gateway TCP port (namespace mode on a live server), unique across the cohorts
   * of the class cluster; empty otherwise, and once the cohort has ended.
   */
  tcpPorts: Readonly<Record<string, number>>
}

export interface SeatRecord {
  cohortId: string
  traineeId: string
  slot: number
  generation: number
  envState: EnvState
  envError: string | undefined
  envReadyAt: number | undefined
  sessionId: string | undefined
  displayName: string | undefined
  joinedAt: number | undefined
  /** Their gateway TCP port (see CohortRecord.tcpPorts). */
  tcpPort: number | undefined
  /** The instructor opened every step for this trainee (gating does not apply to them). */
  ungated: boolean
}

interface CohortRow {
  id: string
  name: string
  lab_id: string
  mode: string
  domain: string
  seats: number
  reserve: number
  offline: number
  webhook_url: string | null
  webhook_secret: string | null
  gating: number | null
  state: string
  created_at: number
}

interface SeatRow {
  cohort_id: string
  trainee_id: string
  slot: number
  generation: number
  env_state: string
  env_error: string | null
  env_ready_at: number | null
  session_id: string | null
  display_name: string | null
  joined_at: number | null
  tcp_port: number | null
  ungated: number
}

const toCohort = (r: CohortRow, tcpPorts: Record<string, number>): CohortRecord => ({
  id: r.id,
  name: r.name,
  labId: r.lab_id,
  mode: r.mode as CohortMode,
  domain: r.domain,
  seats: r.seats,
  reserve: r.reserve,
  offline: r.offline === 1,
  webhookUrl: r.webhook_url ?? undefined,
  hasWebhookSecret: r.webhook_secret !== null,
  gating: r.gating === null ? undefined : r.gating === 1,
  state: r.state as 'active' | 'ended',
  createdAt: r.created_at,
  tcpPorts,
})

const toSeat = (r: SeatRow): SeatRecord => ({
  cohortId: r.cohort_id,
  traineeId: r.trainee_id,
  slot: r.slot,
  generation: r.generation,
  envState: r.env_state as EnvState,
  envError: r.env_error ?? undefined,
  envReadyAt: r.env_ready_at ?? undefined,
  sessionId: r.session_id ?? undefined,
  displayName: r.display_name ?? undefined,
  joinedAt: r.joined_at ?? undefined,
  tcpPort: r.tcp_port ?? undefined,
  ungated: r.ungated === 1,
})

export interface NewCohort {
  id: string
  name: string
  labId: string
  mode: CohortMode
  domain: string
  reserve: number
  offline: boolean
  webhookUrl?: string | undefined
  webhookSecret?: string | undefined
  /** Gating for the class; undefined follows the lab. */
  gating?: boolean | undefined
  /** One per seat, in slot order: trainee id and the hash of its first join token. */
  seats: Array<{ traineeId: string; joinHash: string }>
}

export function createCohortsRepo(db: Db, now: () => number = Date.now) {
  const insertCohort = db.prepare(
    `INSERT INTO cohorts (id, name, lab_id, mode, domain, seats, reserve, offline, webhook_url, webhook_secret, gating, created_at)
     VALUES (@id, @name, @labId, @mode, @domain, @seats, @reserve, @offline, @webhookUrl, @webhookSecret, @gating, @now)`,
  )
  const insertSeat = db.prepare(
    'INSERT INTO cohort_trainees (cohort_id, trainee_id, slot, join_hash, tcp_port) VALUES (?, ?, ?, ?, ?)',
  )
  const heldPorts = db.prepare<[], { tcp_port: number }>(
    'SELECT tcp_port FROM cohort_trainees WHERE tcp_port IS NOT NULL',
  )
  const portsOf = db.prepare<[string], { trainee_id: string; tcp_port: number }>(
    'SELECT trainee_id, tcp_port FROM cohort_trainees WHERE cohort_id = ? AND tcp_port IS NOT NULL ORDER BY slot',
  )
  const cohort = (r: CohortRow): CohortRecord =>
    toCohort(r, Object.fromEntries(portsOf.all(r.id).map((p) => [p.trainee_id, p.tcp_port])))
  const seatsOf = db.prepare<[string], SeatRow>('SELECT * FROM cohort_trainees WHERE cohort_id = ? ORDER BY slot')
  const seat = db.prepare<[string, string], SeatRow>(
    'SELECT * FROM cohort_trainees WHERE cohort_id = ? AND trainee_id = ?',
  )
  const seatByJoin = db.prepare<[string], SeatRow>('SELECT * FROM cohort_trainees WHERE join_hash = ?')
  const seatBySession = db.prepare<[string], SeatRow>('SELECT * FROM cohort_trainees WHERE session_id = ?')
  const setEnv = db.prepare(
    'UPDATE cohort_trainees SET env_state = ?, env_error = ?, env_ready_at = ? WHERE cohort_id = ? AND trainee_id = ?',
  )
  const claimIfFree = db.prepare(
    `UPDATE cohort_trainees SET session_id = ?, display_name = ?, joined_at = ?, env_state = CASE WHEN env_state = 'ready' THEN 'claimed' ELSE env_state END
     WHERE cohort_id = ? AND trainee_id = ? AND session_id IS NULL`,
  )
  const freeSeat = db.prepare<[string], SeatRow>(
    `SELECT * FROM cohort_trainees WHERE cohort_id = ? AND session_id IS NULL AND joined_at IS NULL
     ORDER BY CASE env_state WHEN 'ready' THEN 0 WHEN 'provisioning' THEN 1 ELSE 2 END, slot LIMIT 1`,
  )
  const reset = db.prepare(
    `UPDATE cohort_trainees SET generation = generation + 1, join_hash = ?, session_id = NULL, joined_at = NULL,
     display_name = NULL, env_state = 'planned', env_error = NULL, env_ready_at = NULL, ungated = 0
     WHERE cohort_id = ? AND trainee_id = ?`,
  )
  const byName = db.prepare<[string], CohortRow>('SELECT * FROM cohorts WHERE name = ?')
  const byId = db.prepare<[string], CohortRow>('SELECT * FROM cohorts WHERE id = ?')

  return {
    create(input: NewCohort): CohortRecord {
      const id = input.id
      db.transaction(() => {
        insertCohort.run({
          id,
          name: input.name,
          labId: input.labId,
          mode: input.mode,
          domain: input.domain,
          seats: input.seats.length,
          reserve: input.reserve,
          offline: input.offline ? 1 : 0,
          gating: input.gating === undefined ? null : input.gating ? 1 : 0,
          webhookUrl: input.webhookUrl ?? null,
          webhookSecret:
            input.webhookSecret === undefined
              ? null
              : secretBoxFor(db).seal(input.webhookSecret, webhookSecretContext(id)),
          now: now(),
        })
        // One class cluster holds every namespace-mode cohort of this server: ports unique across them.
        const ports =
          input.mode === 'namespace' && !input.offline
            ? allocateTcpPorts(
                input.seats.map((_, i) => i + 1),
                heldPorts.all().map((p) => p.tcp_port),
              )
            : new Map<number, number>()
        input.seats.forEach((s, i) => insertSeat.run(id, s.traineeId, i + 1, s.joinHash, ports.get(i + 1) ?? null))
      })()
      return cohort(byId.get(id) as CohortRow)
    },
    findById: (id: string): CohortRecord | undefined => {
      const r = byId.get(id)
      return r ? cohort(r) : undefined
    },
    findByName: (name: string): CohortRecord | undefined => {
      const r = byName.get(name)
      return r ? cohort(r) : undefined
    },
    list: (): CohortRecord[] =>
      db.prepare<[], CohortRow>('SELECT * FROM cohorts ORDER BY created_at DESC').all().map(cohort),
    /** Marks the cohort ended; its trainees' TCP ports go back to the cluster's pool. */
    end(id: string): void {
      db.transaction(() => {
        db.prepare("UPDATE cohorts SET state = 'ended', ended_at = ? WHERE id = ?").run(now(), id)
        db.prepare('UPDATE cohort_trainees SET tcp_port = NULL WHERE cohort_id = ?').run(id)
      })()
    },
    remove(id: string): void {
      db.prepare('DELETE FROM cohorts WHERE id = ?').run(id)
    },
    seats: (cohortId: string): SeatRecord[] => seatsOf.all(cohortId).map(toSeat),
    seat(cohortId: string, traineeId: string): SeatRecord | undefined {
      const r = seat.get(cohortId, traineeId)
      return r ? toSeat(r) : undefined
    },
    seatByJoinHash(hash: string): SeatRecord | undefined {
      const r = seatByJoin.get(hash)
      return r ? toSeat(r) : undefined
    },
    seatBySession(sessionId: string): SeatRecord | undefined {
      const r = seatBySession.get(sessionId)
      return r ? toSeat(r) : undefined
    },
    /** The best free seat for a class-code join: a ready environment first. */
    freeSeat(cohortId: string): SeatRecord | undefined {
      const r = freeSeat.get(cohortId)
      return r ? toSeat(r) : undefined
    },
    /** The instructor's override: open every step for this trainee (true) or gate them again. */
    setUngated(cohortId: string, traineeId: string, open: boolean): boolean {
      return (
        db
          .prepare('UPDATE cohort_trainees SET ungated = ? WHERE cohort_id = ? AND trainee_id = ?')
          .run(open ? 1 : 0, cohortId, traineeId).changes === 1
      )
    },
    setEnvState(cohortId: string, traineeId: string, state: EnvState, error?: string): void {
      setEnv.run(state, error ?? null, state === 'ready' || state === 'claimed' ? now() : null, cohortId, traineeId)
    },
    /** Binds a session to a free seat; false when someone else took it first. */
    claim(cohortId: string, traineeId: string, sessionId: string, displayName: string | undefined): boolean {
      return claimIfFree.run(sessionId, displayName ?? null, now(), cohortId, traineeId).changes === 1
    },
    /** Re-binds a seat to a new session (a trainee rejoining from another browser). */
    rebind(cohortId: string, traineeId: string, sessionId: string): void {
      db.prepare('UPDATE cohort_trainees SET session_id = ? WHERE cohort_id = ? AND trainee_id = ?').run(
        sessionId,
        cohortId,
        traineeId,
      )
    },
    /** Frees a seat for a fresh start: new join token, no session, environment to rebuild. */
    resetSeat(cohortId: string, traineeId: string, newJoinHash: string): void {
      reset.run(newJoinHash, cohortId, traineeId)
    },
    /** A new token for a trainee's existing session (rejoin from another browser keeps progress). */
    reissueSessionToken(sessionId: string): string {
      const token = randomBytes(24).toString('base64url')
      db.prepare('UPDATE sessions SET token_hash = ?, ended_at = NULL, last_seen_at = ? WHERE id = ?').run(
        hashToken(token),
        now(),
        sessionId,
      )
      return token
    },
    endSession(sessionId: string): void {
      db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(now(), sessionId)
    },
    /** Ends trainee sessions idle since before `cutoff` (their join link brings them back). */
    expireIdleSessions(cutoff: number): number {
      return db
        .prepare("UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL AND last_seen_at < ? AND kind = 'trainee'")
        .run(now(), cutoff).changes
    },
    /** Ends sessions of trainees whose cohort ended. */
    endSessionsOfEndedCohorts(): number {
      return db
        .prepare(
          `UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL AND id IN
           (SELECT session_id FROM cohort_trainees ct JOIN cohorts c ON c.id = ct.cohort_id WHERE c.state = 'ended')`,
        )
        .run(now()).changes
    },
  }
}

export type CohortsRepo = ReturnType<typeof createCohortsRepo>
