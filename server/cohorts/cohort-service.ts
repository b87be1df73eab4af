// Cohorts: create a class with N seats, join (personal link or class code + name), hand out
// environments from the warm pool, reset one trainee, tear everything down. State lives in
// SQLite; environments come from the EnvironmentBackend (a cluster, or planned only offline).
import { randomUUID } from 'node:crypto'
import { AppError } from '../errors.ts'
import type {
  CohortDetailDto,
  CohortMode,
  CohortSummaryDto,
  CreateCohortBody,
  HandoutDto,
  JoinBody,
  JoinResultDto,
  TraineeDto,
} from '../protocol/cohort-dto.ts'
import type { LabCatalog } from '../services/lab-catalog.ts'
import type { SessionService } from '../services/session-service.ts'
import type { CohortRecord, CohortsRepo, SeatRecord } from '../store/cohorts-repo.ts'
import type { CohortEvents } from './cohort-events.ts'
import type { EnvironmentBackend } from './environments.ts'
import { CLUSTER_MODE_MAX_TRAINEES } from './plan/cluster-plan.ts'
import {
  COHORT_NAME_PATTERN,
  DOMAIN_PATTERN,
  defaultDomain,
  traineeDomain,
  traineeHosts,
  traineeId,
  traineeNamespace,
} from './plan/names.ts'
import { normalizeClassCode, sha256, type CohortSecrets } from './secrets.ts'
import type { WarmPool } from './warm-pool.ts'

export const MAX_SEATS = 200

export interface CohortServiceDeps {
  repo: CohortsRepo
  sessions: SessionService
  catalog: LabCatalog
  backend: EnvironmentBackend
  pool: WarmPool
  secrets: CohortSecrets
  events: CohortEvents
  /** Re-issues the token of an existing session (a trainee rejoining keeps their progress). */
  reissueToken(sessionId: string): string
  /** Ends a session (its token stops working; progress is kept). */
  endSession(sessionId: string): void
  /** Told when a trainee's session ends by reset or teardown (closes their terminal). */
  onSessionEnded?: (sessionId: string) => void
  now?: () => number
}

export type CohortService = ReturnType<typeof createCohortService>

const notFound = (what: string) =>
  new AppError('LAB_ERR_COHORT_NOT_FOUND', {
    message: `There is no cohort called "${what}".`,
    hint: 'Run `kindlab cohort list` to see the cohorts.',
  })

export function createCohortService(deps: CohortServiceDeps) {
  const { repo, secrets } = deps
  const now = deps.now ?? Date.now

  const find = (idOrName: string): CohortRecord =>
    repo.findById(idOrName) ??
    repo.findByName(idOrName) ??
    (() => {
      throw notFound(idOrName)
    })()

  const traineeDto = (c: CohortRecord, s: SeatRecord): TraineeDto => ({
    traineeId: s.traineeId,
    slot: s.slot,
    domain: traineeDomain(c, s.traineeId),
    namespace: traineeNamespace(c, s.traineeId),
    envState: s.envState,
    ...(s.envError ? { envError: s.envError } : {}),
    ...(s.displayName ? { displayName: s.displayName } : {}),
    ...(s.joinedAt ? { joinedAt: s.joinedAt } : {}),
  })

  const summary = (c: CohortRecord): CohortSummaryDto => {
    const seats = repo.seats(c.id)
    return {
      id: c.id,
      name: c.name,
      labId: c.labId,
      mode: c.mode,
      domain: c.domain,
      seats: c.seats,
      reserve: c.reserve,
      joined: seats.filter((s) => s.joinedAt).length,
      ready: seats.filter((s) => s.envState === 'ready').length,
      state: c.state,
      offline: c.offline,
      createdAt: c.createdAt,
    }
  }

  function endTrainee(sessionId: string): void {
    deps.endSession(sessionId)
    deps.onSessionEnded?.(sessionId)
  }

  /** Joins run one at a time per cohort, so two trainees never pick the same free seat. */
  const locks = new Map<string, Promise<unknown>>()
  function locked<T>(cohortId: string, fn: () => Promise<T>): Promise<T> {
    const previous = locks.get(cohortId) ?? Promise.resolve()
    const next = previous.then(fn, fn)
    const settled = next.catch(() => undefined)
    locks.set(cohortId, settled)
    void settled.then(() => locks.get(cohortId) === settled && locks.delete(cohortId))
    return next
  }

  /** Creates the trainee's session and binds it to the seat (under the cohort's lock). */
  async function claimSeat(cohort: CohortRecord, seat: SeatRecord, displayName: string | undefined) {
    const vars = {
      TRAINEE_DOMAIN: traineeDomain(cohort, seat.traineeId),
      TRAINEE_NAMESPACE: traineeNamespace(cohort, seat.traineeId),
      TRAINEE_ID: seat.traineeId,
    }
    const name = displayName ?? seat.traineeId
    const { token, session } = await deps.sessions.create({ kind: 'trainee', displayName: name, vars })
    if (!repo.claim(cohort.id, seat.traineeId, session.id, name)) {
      deps.endSession(session.id)
      throw new AppError('LAB_ERR_COHORT_FULL', {
        message: 'Someone took this seat a moment ago.',
        hint: 'Join again: you will get the next free seat.',
      })
    }
    return { token, sessionId: session.id, name }
  }

  /** Claims the seat, then makes sure its environment exists (the slow path, outside the lock). */
  async function startSession(
    cohort: CohortRecord,
    pick: () => SeatRecord,
    displayName: string | undefined,
  ): Promise<JoinResultDto> {
    const started = now()
    const { seat, claimed } = await locked(cohort.id, async () => {
      const seat = pick()
      return { seat, claimed: await claimSeat(cohort, seat, displayName) }
    })
    const fromWarmPool = seat.envState === 'ready'
    if (!fromWarmPool) {
      await deps.pool.ensure(cohort, seat)
    }
    void deps.pool.topUp(cohort)
    deps.events.emit({ type: 'seat', cohortId: cohort.id, traineeId: seat.traineeId })
    deps.events.emit({
      type: 'webhook',
      cohortId: cohort.id,
      event: 'trainee.joined',
      data: { traineeId: seat.traineeId, displayName: claimed.name },
    })
    return result(cohort, seat, claimed.token, claimed.sessionId, now() - started, fromWarmPool)
  }

  function result(
    cohort: CohortRecord,
    seat: SeatRecord,
    token: string,
    sessionId: string,
    ms: number,
    fromWarmPool: boolean,
  ): JoinResultDto {
    return {
      token,
      sessionId,
      cohort: cohort.name,
      labId: cohort.labId,
      traineeId: seat.traineeId,
      domain: traineeDomain(cohort, seat.traineeId),
      rejoinPath: `/join/${encodeURIComponent(cohort.name)}#t=${secrets.joinToken(cohort.id, seat.traineeId, seat.generation)}`,
      provisionedMs: ms,
      fromWarmPool,
    }
  }

  const service = {
    find,
    summary,
    async create(input: CreateCohortBody): Promise<CohortDetailDto> {
      const mode: CohortMode = input.mode ?? 'namespace'
      if (!new RegExp(COHORT_NAME_PATTERN).test(input.name)) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `"${input.name}" cannot name a cohort.`,
          hint: 'Use lower-case letters, digits and dashes (up to 30), starting with a letter.',
        })
      }
      if (input.domain !== undefined && !new RegExp(DOMAIN_PATTERN).test(input.domain)) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `"${input.domain}" is not a DNS domain.`,
          hint: 'Example: istio-class.example',
        })
      }
      deps.catalog.get(input.labId)
      if (repo.findByName(input.name)) {
        throw new AppError('LAB_ERR_COHORT_EXISTS', {
          message: `A cohort called "${input.name}" already exists.`,
          hint: 'Pick another name, or tear the old one down first.',
        })
      }
      if (input.trainees < 1 || input.trainees > MAX_SEATS) {
        throw new AppError('LAB_ERR_VALIDATION', { message: `A cohort has 1 to ${MAX_SEATS} trainees.` })
      }
      if (mode === 'cluster' && input.trainees > CLUSTER_MODE_MAX_TRAINEES) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `Cluster mode gives every trainee a kind cluster; ${input.trainees} will not fit on one machine.`,
          hint: `Use --mode namespace, or at most ${CLUSTER_MODE_MAX_TRAINEES} trainees.`,
        })
      }
      const id = randomUUID()
      const reserve = Math.min(input.reserve ?? Math.min(input.trainees, 5), input.trainees)
      const seats = Array.from({ length: input.trainees }, (_, i) => {
        const t = traineeId(i + 1, input.trainees)
        return { traineeId: t, joinHash: sha256(secrets.joinToken(id, t, 0)) }
      })
      const cohort = repo.create({
        id,
        name: input.name,
        labId: input.labId,
        mode,
        domain: input.domain ?? defaultDomain(input.name),
        reserve,
        offline: !deps.backend.live,
        webhookUrl: input.webhookUrl,
        webhookSecret: input.webhookUrl ? secrets.webhookSecret(id) : undefined,
        seats,
      })
      void deps.pool.topUp(cohort)
      return {
        ...service.detail(cohort.id),
        classCode: secrets.classCode(id),
        ...(cohort.webhookSecret ? { webhookSecret: cohort.webhookSecret } : {}),
      }
    },
    list: (): CohortSummaryDto[] => repo.list().map(summary),
    detail(idOrName: string): CohortDetailDto {
      const c = find(idOrName)
      return { ...summary(c), trainees: repo.seats(c.id).map((s) => traineeDto(c, s)) }
    },
    handout(idOrName: string, baseUrl: string): HandoutDto {
      const c = find(idOrName)
      const base = baseUrl.replace(/\/$/, '')
      return {
        cohort: c.name,
        lab: deps.catalog.get(c.labId).title,
        classCode: secrets.classCode(c.id),
        joinUrl: `${base}/join/${encodeURIComponent(c.name)}`,
        entries: repo.seats(c.id).map((s) => ({
          traineeId: s.traineeId,
          joinUrl: `${base}/join/${encodeURIComponent(c.name)}#t=${secrets.joinToken(c.id, s.traineeId, s.generation)}`,
          hosts: traineeHosts(c, s.traineeId),
        })),
      }
    },
    async join(body: JoinBody): Promise<JoinResultDto> {
      if (body.joinToken) {
        const hash = sha256(body.joinToken)
        const seat = repo.seatByJoinHash(hash)
        const cohort = seat ? repo.findById(seat.cohortId) : undefined
        if (!seat || !cohort || cohort.state !== 'active') {
          throw new AppError('LAB_ERR_JOIN_INVALID', {
            message: 'This join link is not valid (any more).',
            hint: 'Ask your instructor for your current link.',
          })
        }
        const rejoin = await locked(cohort.id, async () => {
          const current = repo.seatByJoinHash(hash)
          return current?.sessionId
            ? result(cohort, current, deps.reissueToken(current.sessionId), current.sessionId, 0, false)
            : undefined
        })
        return (
          rejoin ??
          startSession(
            cohort,
            () => {
              const current = repo.seatByJoinHash(hash)
              if (!current || current.sessionId) {
                throw new AppError('LAB_ERR_JOIN_INVALID', {
                  message: 'This join link was just used from another browser.',
                  hint: 'Open the link again.',
                })
              }
              return current
            },
            body.displayName,
          )
        )
      }
      const code = normalizeClassCode(body.classCode ?? '')
      const cohort = repo
        .list()
        .find((c) => c.state === 'active' && normalizeClassCode(secrets.classCode(c.id)) === code)
      if (!cohort || !body.displayName) {
        throw new AppError('LAB_ERR_JOIN_INVALID', {
          message: 'That class code is not right.',
          hint: 'Check the code on the board, and type your name too.',
        })
      }
      return startSession(
        cohort,
        () => {
          const seat = repo.freeSeat(cohort.id)
          if (!seat) {
            throw new AppError('LAB_ERR_COHORT_FULL', {
              message: `Every seat of ${cohort.name} is taken.`,
              hint: 'Ask your instructor to add seats or to reset an unused one.',
            })
          }
          return seat
        },
        body.displayName,
      )
    },
    /** The cohort and seat of a trainee session, if it is one. */
    seatOfSession(sessionId: string): { cohort: CohortRecord; seat: SeatRecord } | undefined {
      const seat = repo.seatBySession(sessionId)
      const cohort = seat ? repo.findById(seat.cohortId) : undefined
      return seat && cohort ? { cohort, seat } : undefined
    },
    /** Gives the trainee a fresh environment and link; their old session ends. */
    async resetTrainee(idOrName: string, trainee: string): Promise<TraineeDto> {
      const c = find(idOrName)
      const seat = repo.seat(c.id, trainee)
      if (!seat) {
        throw new AppError('LAB_ERR_TRAINEE_NOT_FOUND', { message: `Cohort ${c.name} has no trainee ${trainee}.` })
      }
      await deps.pool.idle(c.id)
      await deps.backend.destroy(c, trainee)
      if (seat.sessionId) {
        endTrainee(seat.sessionId)
      }
      repo.resetSeat(c.id, trainee, sha256(secrets.joinToken(c.id, trainee, seat.generation + 1)))
      deps.events.emit({ type: 'seat', cohortId: c.id, traineeId: trainee })
      void deps.pool.topUp(c)
      return traineeDto(c, repo.seat(c.id, trainee) as SeatRecord)
    },
    /** Removes every environment, ends the trainees' sessions, marks the cohort ended. */
    async teardown(idOrName: string): Promise<{ leftovers: string[] }> {
      const c = find(idOrName)
      repo.end(c.id)
      await deps.pool.idle(c.id)
      await deps.backend.teardown(c)
      for (const s of repo.seats(c.id)) {
        if (s.sessionId) {
          endTrainee(s.sessionId)
        }
      }
      return { leftovers: await deps.backend.leftovers(c) }
    },
  }
  return service
}
