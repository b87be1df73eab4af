// Issue 13 (c): namespace-mode cohorts of one class cluster never share a trainee TCP port. The
// store allocates them (real SQLite), keeps them unique with an index, frees them when a cohort
// ends, and gives cohorts that existed before the migration theirs, oldest first.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CohortMode } from '../protocol/cohort-dto.ts'
import { createCohortsRepo, type CohortsRepo } from './cohorts-repo.ts'
import { openDb, type Db } from './db.ts'
import { migrations } from './migrations.ts'

let dir: string
let db: Db
let repo: CohortsRepo

const newCohort = (name: string, seats: number, mode: CohortMode = 'namespace', offline = false) =>
  repo.create({
    id: `id-${name}`,
    name,
    labId: 'istio-ingress',
    mode,
    domain: `${name}.example`,
    reserve: 0,
    offline,
    seats: Array.from({ length: seats }, (_, i) => ({
      traineeId: `trainee0${i + 1}`,
      joinHash: `${name}-${i}`,
    })),
  })

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindlab-ports-'))
  db = openDb(join(dir, 'kindlab.db'))
  repo = createCohortsRepo(db)
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('trainee TCP ports in the store', () => {
  it('gives two namespace-mode cohorts of the cluster different ports (before: both 20001, 20002)', () => {
    const a = newCohort('class-a', 2)
    const b = newCohort('class-b', 3)
    expect(a.tcpPorts).toEqual({ trainee01: 20_001, trainee02: 20_002 })
    // trainee03 keeps 20003 (free), the others get the lowest free ports.
    expect(b.tcpPorts).toEqual({ trainee01: 20_004, trainee02: 20_005, trainee03: 20_003 })
    // What the server reads back later is the same, seat by seat.
    expect(repo.findByName('class-b')?.tcpPorts).toEqual(b.tcpPorts)
    expect(repo.seat(b.id, 'trainee01')?.tcpPort).toBe(20_004)
  })

  it('gives none to offline and cluster-mode cohorts (no shared gateway), and takes none from the others', () => {
    expect(newCohort('offline', 2, 'namespace', true).tcpPorts).toEqual({})
    expect(newCohort('clusters', 2, 'cluster').tcpPorts).toEqual({})
    expect(newCohort('live', 1).tcpPorts).toEqual({ trainee01: 20_001 })
  })

  it('frees the ports of an ended cohort for the next one', () => {
    const a = newCohort('class-a', 2)
    newCohort('class-b', 1)
    repo.end(a.id)
    expect(repo.findById(a.id)?.tcpPorts).toEqual({})
    expect(newCohort('class-c', 2).tcpPorts).toEqual({ trainee01: 20_001, trainee02: 20_002 })
  })

  it('refuses a second seat on a port another holds (unique index), whatever writes it', () => {
    const a = newCohort('class-a', 1)
    newCohort('class-b', 1)
    expect(() =>
      db.prepare('UPDATE cohort_trainees SET tcp_port = ? WHERE cohort_id = ?').run(20_001, 'id-class-b'),
    ).toThrow(/UNIQUE constraint failed/)
    expect(a.tcpPorts['trainee01']).toBe(20_001)
  })

  it('migrates cohorts made before: the oldest keeps 20000 + slot, the next gets free ports', () => {
    const old = new Database(':memory:')
    old.pragma('foreign_keys = ON')
    // The database as it was just before the TCP-port migration (later migrations come after it).
    const at = migrations.findIndex((m) => typeof m === 'function' && m.name === 'allocateExistingTcpPorts')
    expect(at).toBeGreaterThan(0)
    const previous = migrations.slice(0, at)
    for (const step of previous) {
      if (typeof step === 'string') {
        old.exec(step)
      } else {
        step(old)
      }
    }
    const insert = old.prepare(
      `INSERT INTO cohorts (id, name, lab_id, mode, domain, seats, reserve, offline, created_at)
       VALUES (?, ?, 'istio-ingress', ?, 'd.example', 2, 0, ?, ?)`,
    )
    const seat = old.prepare('INSERT INTO cohort_trainees (cohort_id, trainee_id, slot, join_hash) VALUES (?, ?, ?, ?)')
    insert.run('second', 'second', 'namespace', 0, 2)
    insert.run('first', 'first', 'namespace', 0, 1)
    insert.run('offline', 'offline', 'namespace', 1, 3)
    for (const id of ['first', 'second', 'offline']) {
      seat.run(id, 'trainee01', 1, `${id}1`)
      seat.run(id, 'trainee02', 2, `${id}2`)
    }
    ;(migrations[at] as (d: Db) => void)(old)
    const ports = old
      .prepare<[], { cohort_id: string; trainee_id: string; tcp_port: number | null }>(
        'SELECT cohort_id, trainee_id, tcp_port FROM cohort_trainees ORDER BY cohort_id, slot',
      )
      .all()
    expect(ports).toEqual([
      { cohort_id: 'first', trainee_id: 'trainee01', tcp_port: 20_001 },
      { cohort_id: 'first', trainee_id: 'trainee02', tcp_port: 20_002 },
      { cohort_id: 'offline', trainee_id: 'trainee01', tcp_port: null },
      { cohort_id: 'offline', trainee_id: 'trainee02', tcp_port: null },
      { cohort_id: 'second', trainee_id: 'trainee01', tcp_port: 20_003 },
      { cohort_id: 'second', trainee_id: 'trainee02', tcp_port: 20_004 },
    ])
    old.close()
  })
})
