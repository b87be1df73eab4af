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
  TraineeDto,
} from '../protocol/cohort-dto.ts'
import type { CohortRecord, SeatRecord } from '../store/cohorts-repo.ts'
import { CLUSTER_MODE_MAX_TRAINEES, CLUSTER_WORKSPACE_NAMESPACE, traineeClusterName } from './plan/cluster-plan.ts'
import { backendForMode, knownBackendForMode } from './mode-router.ts'
import {
  COHORT_NAME_PATTERN,
  DOMAIN_PATTERN,
  defaultDomain,
  traineeDomain,
  traineeHosts,
  traineeId,
  traineeNamespace,
} from './plan/names.ts'
import { createJoiner } from './join.ts'
import { sha256 } from './secrets.ts'
import type { CohortServiceDeps } from './cohort-deps.ts'

export const MAX_SEATS = 200

export type { CohortServiceDeps }

export type CohortService = ReturnType<typeof createCohortService>

const notFound = (what: string) =>
  new AppError('LAB_ERR_COHORT_NOT_FOUND', {
    message: `There is no cohort called "${what}".`,
    hint: 'Run `kindlab cohort list` to see the cohorts.',
  })

export function createCohortService(deps: CohortServiceDeps) {
  const { repo, secrets } = deps

  const find = (idOrName: string): CohortRecord =>
    repo.findById(idOrName) ??
    repo.findByName(idOrName) ??
    (() => {
      throw notFound(idOrName)
    })()

  const traineeDto = (c: CohortRecord, s: SeatRecord): TraineeDto => {
    const progress = deps.pool.progressOf(c.id, s.traineeId)
    const cluster = c.mode === 'cluster' ? traineeClusterName(c, s.traineeId) : undefined
    return {
      traineeId: s.traineeId,
      slot: s.slot,
      domain: traineeDomain(c, s.traineeId),
      // Cluster mode: the workspace's namespace in the trainee's own cluster.
      namespace: cluster ? CLUSTER_WORKSPACE_NAMESPACE : traineeNamespace(c, s.traineeId),
      envState: s.envState,
      ...(s.envError ? { envError: s.envError } : {}),
      ...(progress ? { envProgress: progress } : {}),
      ...(cluster ? { cluster: { name: cluster, context: `kind-${cluster}` } } : {}),
      ...(s.displayName ? { displayName: s.displayName } : {}),
      ...(s.joinedAt ? { joinedAt: s.joinedAt } : {}),
    }
  }

  const summary = (c: CohortRecord): CohortSummaryDto => {
    const seats = repo.seats(c.id)
    const plannedReason = c.offline ? knownBackendForMode(deps.backend, c.mode)?.plannedReason : undefined
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
      ...(plannedReason ? { plannedReason } : {}),
      createdAt: c.createdAt,
    }
  }

  function endTrainee(sessionId: string): void {
    deps.endSession(sessionId)
    deps.onSessionEnded?.(sessionId)
  }

  const joiner = createJoiner(deps)

  const service = {
    find,
    summary,
    async create(input: CreateCohortBody): Promise<CohortDetailDto> {
      const mode: CohortMode = input.mode ?? 'namespace'
      if (!new RegExp(COHORT_NAME_PATTERN).test(input.name)) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `"${input.name}" cannot name a cohort.`,
          hint: 'Use lower-case letters, digits and dashes (up to 30), starting with a letter.',
          details: { field: 'name' },
        })
      }
      if (input.domain !== undefined && !new RegExp(DOMAIN_PATTERN).test(input.domain)) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `"${input.domain}" is not a DNS domain.`,
          hint: 'Example: istio-class.example',
          details: { field: 'domain' },
        })
      }
      deps.catalog.get(input.labId)
      if (repo.findByName(input.name)) {
        throw new AppError('LAB_ERR_COHORT_EXISTS', {
          message: `A cohort called "${input.name}" already exists.`,
          hint: 'Pick another name, or tear the old one down first.',
          details: { field: 'name' },
        })
      }
      if (input.trainees < 1 || input.trainees > MAX_SEATS) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `A cohort has 1 to ${MAX_SEATS} trainees.`,
          details: { field: 'trainees' },
        })
      }
      if (mode === 'cluster' && input.trainees > CLUSTER_MODE_MAX_TRAINEES) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `Cluster mode gives every trainee a kind cluster; ${input.trainees} will not fit on one machine.`,
          hint: `Use --mode namespace, or at most ${CLUSTER_MODE_MAX_TRAINEES} trainees.`,
          details: { field: 'trainees' },
        })
      }
      // Cluster mode probes the machine for kind and Docker the first time it is asked.
      const environments = await backendForMode(deps.backend, mode)
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
        offline: !environments.live,
        webhookUrl: input.webhookUrl,
        webhookSecret: input.webhookUrl ? secrets.webhookSecret(id) : undefined,
        gating: input.gating,
        seats,
      })
      void deps.pool.topUp(cohort)
      return {
        ...service.detail(cohort.id),
        classCode: secrets.classCode(id),
        ...(cohort.hasWebhookSecret ? { webhookSecret: secrets.webhookSecret(id) } : {}),
      }
    },
    list: (): CohortSummaryDto[] => repo.list().map(summary),
    detail(idOrName: string): CohortDetailDto {
      const c = find(idOrName)
      return { ...summary(c), trainees: repo.seats(c.id).map((s) => traineeDto(c, s)) }
    },
    /**
     * The join links of a cohort at `baseUrl`. With the server's access token, every link carries
     * it in the fragment (`access=`), which the page keeps and never sends in a URL.
     */
    handout(idOrName: string, baseUrl: string, accessToken?: string): HandoutDto {
      const c = find(idOrName)
      const base = `${baseUrl.replace(/\/$/, '')}/join/${encodeURIComponent(c.name)}`
      const access = accessToken ? `access=${encodeURIComponent(accessToken)}` : ''
      return {
        cohort: c.name,
        lab: deps.catalog.get(c.labId).title,
        classCode: secrets.classCode(c.id),
        joinUrl: access ? `${base}#${access}` : base,
        entries: repo.seats(c.id).map((s) => ({
          traineeId: s.traineeId,
          joinUrl: `${base}#t=${secrets.joinToken(c.id, s.traineeId, s.generation)}${access ? `&${access}` : ''}`,
          hosts: traineeHosts(c, s.traineeId),
        })),
      }
    },
    join: joiner.join,
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
      deps.backend.cancel?.(c, trainee)
      await deps.pool.idle(c.id, trainee)
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
      deps.backend.cancel?.(c)
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
