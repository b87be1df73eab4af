// Joining a cohort: a personal link (join token) or the class code plus a name. Joins run one at a
// time per cohort, so two trainees never get one seat; the seat's environment comes from the warm
// pool, or is built now (outside the lock) when none is ready. A cluster-mode trainee's session
// names their own kind cluster (TRAINEE_CLUSTER), which their terminal and checks then use.
import { AppError } from '../errors.ts'
import type { JoinBody, JoinResultDto } from '../protocol/cohort-dto.ts'
import type { CohortRecord, SeatRecord } from '../store/cohorts-repo.ts'
import type { CohortServiceDeps } from './cohort-deps.ts'
import { clusterTraineeVars } from './plan/cluster-plan.ts'
import { traineeDomain, traineeNamespace, traineeTcpPort } from './plan/names.ts'
import { platformVars } from './plan/namespace-plan.ts'
import { normalizeClassCode, sha256 } from './secrets.ts'

export function createJoiner(deps: CohortServiceDeps) {
  const { repo, secrets } = deps
  const now = deps.now ?? Date.now

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
    const vars =
      cohort.mode === 'cluster'
        ? clusterTraineeVars(cohort, seat.traineeId)
        : {
            TRAINEE_DOMAIN: traineeDomain(cohort, seat.traineeId),
            TRAINEE_NAMESPACE: traineeNamespace(cohort, seat.traineeId),
            TRAINEE_ID: seat.traineeId,
            // The one port of the shared gateway their TCP server may use (the route fence refuses
            // any other). An offline cohort shares no gateway: the lab's default stays.
            ...(cohort.offline ? {} : { TRAINEE_TCP_PORT: String(traineeTcpPort(cohort, seat.traineeId)) }),
            // What they write in istio-system (the HTTPS Secret, the shared Gateway) carries their
            // namespace in its name. An offline cohort shares no cluster: the lab's defaults stay.
            ...(cohort.offline ? {} : platformVars(traineeNamespace(cohort, seat.traineeId))),
            // Labs call the learner's namespace LEARNER_NAMESPACE: for a trainee it is their own.
            LEARNER_NAMESPACE: traineeNamespace(cohort, seat.traineeId),
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
    if (!fromWarmPool && cohort.mode === 'cluster') {
      // A kind cluster takes minutes: the trainee gets in now, and their terminal says it is
      // being built until it is (the instructor sees its steps in the grade book).
      void deps.pool.ensure(cohort, seat).catch(() => undefined)
    } else if (!fromWarmPool) {
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

  async function join(body: JoinBody): Promise<JoinResultDto> {
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
    const cohort = repo.list().find((c) => c.state === 'active' && normalizeClassCode(secrets.classCode(c.id)) === code)
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
  }

  return { join }
}
