// The warm pool: keeps `reserve` trainee environments built ahead of time, so a trainee who joins
// gets a ready one at once; builds a seat on demand when none is ready. One build queue per
// cohort with bounded concurrency; seats interrupted by a restart are rebuilt (idempotent apply).
// While a seat is built, the step it is on (cluster mode: kind, Istio, the shop, ...) is kept here.
import { toAppError } from '../errors.ts'
import type { ProgressEventDto } from '../protocol/api-dto.ts'
import type { CohortRecord, CohortsRepo, SeatRecord } from '../store/cohorts-repo.ts'
import type { EnvironmentBackend } from './environments.ts'
import { backendForMode } from './mode-router.ts'

export interface PoolLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface WarmPool {
  /** Starts building seats until `reserve` unclaimed environments are ready or being built. */
  topUp(cohort: CohortRecord): Promise<void>
  /** Builds this seat now (a trainee is waiting) unless it is ready. */
  ensure(cohort: CohortRecord, seat: SeatRecord): Promise<void>
  /** Resolves when nothing is being built for the cohort (or for that one seat). */
  idle(cohortId: string, traineeId?: string): Promise<void>
  /** Seats left 'provisioning' by a previous process go back to 'planned'. */
  recover(): void
  /** How many environments were built by this process. */
  readonly builds: number
  /** How many times this process built one seat's environment (a warm join builds none). */
  buildsOf(cohortId: string, traineeId: string): number
  /** The provisioning step a seat's build is on, while it is being built. */
  progressOf(cohortId: string, traineeId: string): ProgressEventDto | undefined
}

export interface WarmPoolOptions {
  /** Parallel builds per pool. @default 2 */
  concurrency?: number
  /** Told whenever a seat's build reports a step (progressOf has it), and when the build ends. */
  onChange?: (cohortId: string, traineeId: string) => void
}

/** The failure as the seat shows it: the message, and the hint when there is one. */
export function envErrorText(err: unknown): string {
  const e = toAppError(err)
  return e.hint ? `${e.message} Hint: ${e.hint}` : e.message
}

export function createWarmPool(
  repo: CohortsRepo,
  backend: EnvironmentBackend,
  log?: PoolLogger,
  options: WarmPoolOptions = {},
): WarmPool {
  const concurrency = options.concurrency ?? 2
  const progress = new Map<string, ProgressEventDto>()
  let topUps = 0
  const inFlight = new Map<string, Promise<void>>()
  const shared = new Map<string, Promise<void>>()
  let builds = 0
  const perSeat = new Map<string, number>()
  const key = (cohortId: string, traineeId: string) => `${cohortId}/${traineeId}`

  function prepareShared(cohort: CohortRecord): Promise<void> {
    let p = shared.get(cohort.id)
    if (!p) {
      p = backend.prepareShared(cohort)
      shared.set(cohort.id, p)
      p.catch(() => shared.delete(cohort.id))
    }
    return p
  }

  function build(cohort: CohortRecord, traineeId: string): Promise<void> {
    const k = key(cohort.id, traineeId)
    const running = inFlight.get(k)
    if (running) {
      return running
    }
    const started = Date.now()
    repo.setEnvState(cohort.id, traineeId, 'provisioning')
    const job = (async () => {
      try {
        await prepareShared(cohort)
        await backend.provision(cohort, traineeId, (event) => {
          progress.set(k, event)
          options.onChange?.(cohort.id, traineeId)
        })
        builds++
        perSeat.set(k, (perSeat.get(k) ?? 0) + 1)
        const seat = repo.seat(cohort.id, traineeId)
        repo.setEnvState(cohort.id, traineeId, seat?.sessionId ? 'claimed' : 'ready')
        log?.info({ cohort: cohort.name, traineeId, ms: Date.now() - started }, 'trainee environment ready')
      } catch (err) {
        repo.setEnvState(cohort.id, traineeId, 'failed', envErrorText(err))
        log?.warn({ cohort: cohort.name, traineeId, err }, 'trainee environment failed')
        throw err
      } finally {
        inFlight.delete(k)
        progress.delete(k)
        options.onChange?.(cohort.id, traineeId)
      }
    })()
    inFlight.set(k, job)
    return job
  }

  /**
   * Offline a namespace environment is its plan, shown as ready (the trainee works in a local
   * shell). A trainee cluster that cannot be built here is no environment at all: its seats stay
   * 'planned', and the cohort says why (the backend's plannedReason).
   */
  async function buildable(cohort: CohortRecord): Promise<boolean> {
    return cohort.mode !== 'cluster' || (await backendForMode(backend, cohort.mode)).live
  }

  async function topUp(cohort: CohortRecord): Promise<void> {
    if (cohort.state !== 'active' || !(await buildable(cohort))) {
      return
    }
    const seats = repo.seats(cohort.id)
    const warm = seats.filter((s) => !s.sessionId && (s.envState === 'ready' || s.envState === 'provisioning')).length
    const wanted = Math.max(0, cohort.reserve - warm)
    const next = seats.filter((s) => !s.sessionId && s.envState === 'planned').slice(0, wanted)
    // Bounded concurrency: `concurrency` builds at a time, each worker takes the next seat.
    const queue = [...next]
    const worker = async () => {
      // A cohort torn down meanwhile builds nothing more (a trainee cluster takes minutes).
      for (let seat = queue.shift(); seat && repo.findById(cohort.id)?.state === 'active'; seat = queue.shift()) {
        await build(cohort, seat.traineeId).catch(() => undefined)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker))
  }

  const pool: WarmPool = {
    get builds() {
      return builds
    },
    buildsOf: (cohortId, traineeId) => perSeat.get(key(cohortId, traineeId)) ?? 0,
    progressOf: (cohortId, traineeId) => progress.get(key(cohortId, traineeId)),
    topUp(cohort) {
      // Registered at once, so idle() waits for every seat this top-up will build, queued ones too.
      const k = `${cohort.id}/top-up#${++topUps}`
      const job = topUp(cohort).finally(() => inFlight.delete(k))
      inFlight.set(k, job)
      return job
    },
    async ensure(cohort, seat) {
      const current = repo.seat(cohort.id, seat.traineeId)
      if (current?.envState === 'ready' || current?.envState === 'claimed') {
        return
      }
      if (!(await buildable(cohort))) {
        return
      }
      await build(cohort, seat.traineeId)
    },
    async idle(cohortId, traineeId) {
      const prefix = `${cohortId}/`
      const mine = ([k]: [string, Promise<void>]) => (traineeId ? k === key(cohortId, traineeId) : k.startsWith(prefix))
      await Promise.allSettled([...inFlight.entries()].filter(mine).map(([, p]) => p))
    },
    recover() {
      for (const cohort of repo.list().filter((c) => c.state === 'active')) {
        for (const seat of repo.seats(cohort.id).filter((s) => s.envState === 'provisioning')) {
          repo.setEnvState(cohort.id, seat.traineeId, 'planned')
        }
      }
    },
  }
  return pool
}
