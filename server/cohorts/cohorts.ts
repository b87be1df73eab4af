// Wires the cohort feature together for the server and the CLI: store, secrets, warm pool,
// service, grade book, webhooks, instructor sign-in, watch tokens, and the hook the grading
// service calls after every Check. Also the reaper (idle sessions, orphaned cluster objects).
import { AppError } from '../errors.ts'
import type { Lab } from '../labs/lab-model.ts'
import type { AttemptEvent } from '../services/grading-service.ts'
import type { LabCatalog } from '../services/lab-catalog.ts'
import type { SessionService } from '../services/session-service.ts'
import type { CohortRepos } from '../store/cohort-repos.ts'
import type { CohortRecord } from '../store/cohorts-repo.ts'
import { createCohortEvents } from './cohort-events.ts'
import { createCohortService } from './cohort-service.ts'
import type { EnvironmentBackend } from './environments.ts'
import { createGradeBook } from './gradebook.ts'
import { createInstructorAuth } from './instructor-auth.ts'
import { createCohortSecrets, loadCohortKey } from './secrets.ts'
import { cohortPlanView } from './plan-view.ts'
import { createWarmPool, type PoolLogger } from './warm-pool.ts'
import { createWatchTokens } from './watch-tokens.ts'
import { createWebhookDispatcher, type WebhookOptions } from './webhooks.ts'

export interface CohortsDeps {
  /** Where cohorts, the grade book, instructors and webhooks are stored (store/cohort-repos.ts). */
  repos: CohortRepos
  dataDir: string
  sessions: SessionService
  catalog: LabCatalog
  backend: EnvironmentBackend
  log?: PoolLogger
  webhooks?: WebhookOptions
  stuckAfterMs?: number
  /** Trainee sessions idle this long are ended (their link brings them back). @default 12 h */
  sessionTtlMs?: number
  /** How often the reaper runs. @default 60 s */
  reapEveryMs?: number
  /** Told when a trainee's session ends by reset or teardown (e.g. to close their terminal). */
  onSessionEnded?: (sessionId: string) => void
}

export function createCohorts(deps: CohortsDeps) {
  const repo = deps.repos.cohorts
  const secrets = createCohortSecrets(loadCohortKey(deps.dataDir))
  const events = createCohortEvents((err) => deps.log?.warn({ err }, 'cohort event listener failed'))
  const pool = createWarmPool(repo, deps.backend, deps.log, {
    // Each provisioning step a seat's build reaches, and its end, update the trainee's grade book row.
    onChange: (cohortId, traineeId) => events.emit({ type: 'seat', cohortId, traineeId }),
  })
  const webhooks = createWebhookDispatcher(deps.repos.webhookOutbox, deps.webhooks, deps.log)
  const service = createCohortService({
    repo,
    sessions: deps.sessions,
    catalog: deps.catalog,
    backend: deps.backend,
    pool,
    secrets,
    events,
    reissueToken: (id) => repo.reissueSessionToken(id),
    endSession: (id) => repo.endSession(id),
    onSessionEnded: (id) => deps.onSessionEnded?.(id),
  })
  const gradebook = createGradeBook(repo, deps.repos.gradebook, deps.catalog, {
    ...(deps.stuckAfterMs === undefined ? {} : { stuckAfterMs: deps.stuckAfterMs }),
    envProgress: (cohortId, traineeId) => pool.progressOf(cohortId, traineeId),
  })
  const instructors = createInstructorAuth(deps.repos.instructors)
  const watch = createWatchTokens()
  let reaper: ReturnType<typeof setInterval> | undefined
  /** Open grade book streams: ended on stop, or the HTTP server would wait for them forever. */
  const streams = new Set<() => void>()

  events.on((e) => {
    if (e.type === 'webhook') {
      const cohort = repo.findById(e.cohortId)
      if (cohort?.webhookUrl) {
        webhooks.enqueue(e.cohortId, e.event, { cohort: cohort.name, ...e.data })
      }
    }
  })

  /** Called by the grading service after every Check press. */
  function onAttempt(e: AttemptEvent): void {
    const found = service.seatOfSession(e.session.id)
    if (!found || found.cohort.labId !== e.labId) {
      return
    }
    const { cohort, seat } = found
    const base = { traineeId: seat.traineeId, displayName: seat.displayName, labId: e.labId, step: e.stepIndex + 1 }
    // An unverified check is neither a pass nor a failure: no webhook for it.
    for (const r of e.results.filter((x) => x.status !== 'unverified')) {
      events.emit({
        type: 'webhook',
        cohortId: cohort.id,
        event: r.status === 'passed' ? 'check.passed' : 'check.failed',
        data: { ...base, checkId: r.id, message: r.message },
      })
    }
    if (e.stepNewlyPassed) {
      events.emit({ type: 'webhook', cohortId: cohort.id, event: 'step.completed', data: base })
      if (gradebook.row(cohort, seat.traineeId)?.labCompleted) {
        events.emit({ type: 'webhook', cohortId: cohort.id, event: 'lab.completed', data: base })
      }
    }
    events.emit({ type: 'seat', cohortId: cohort.id, traineeId: seat.traineeId })
  }

  /** Ends idle and ended-cohort sessions; deletes cluster objects of cohorts that no longer exist. */
  async function reap(): Promise<{ sessions: number; orphans: string[] }> {
    const ended =
      repo.endSessionsOfEndedCohorts() + repo.expireIdleSessions(Date.now() - (deps.sessionTtlMs ?? 12 * 3600_000))
    const active = new Set(
      repo
        .list()
        .filter((c) => c.state === 'active')
        .map((c) => c.name),
    )
    const orphans = (await deps.backend.cohortsInCluster()).filter((name) => !active.has(name))
    for (const name of orphans) {
      const known = repo.findByName(name)
      await deps.backend.teardown(known ?? { name, domain: '' })
    }
    return { sessions: ended, orphans }
  }

  return {
    repo,
    secrets,
    events,
    pool,
    service,
    gradebook,
    webhooks,
    instructors,
    watch,
    backend: deps.backend,
    /** The cohort's plan for the instructor's view (cluster mode: each trainee's `kindlab up` plan). */
    /**
     * Gating for a session's lab: the cohort's choice (or the lab's), off for a trainee whose steps
     * the instructor opened; undefined for a session outside any cohort (solo: the lab decides).
     */
    gatingFor(sessionId: string, lab: Lab): boolean | undefined {
      const seat = repo.seatBySession(sessionId)
      const cohort = seat ? repo.findById(seat.cohortId) : undefined
      if (!seat || !cohort || cohort.labId !== lab.id) {
        return undefined
      }
      return !seat.ungated && (cohort.gating ?? lab.gating)
    },
    /** The instructor's per-trainee override; the grade book row follows. */
    openSteps(cohort: CohortRecord, traineeId: string, open: boolean): void {
      if (!repo.setUngated(cohort.id, traineeId, open)) {
        throw new AppError('LAB_ERR_TRAINEE_NOT_FOUND', { message: `${cohort.name} has no trainee ${traineeId}.` })
      }
      events.emit({ type: 'seat', cohortId: cohort.id, traineeId })
    },
    planView: (cohort: CohortRecord) => cohortPlanView(cohort, repo.seats(cohort.id), deps.backend, deps.dataDir),
    onAttempt,
    reap,
    /** Registers an open stream's `end`; returns the function that forgets it. */
    trackStream(end: () => void): () => void {
      streams.add(end)
      return () => streams.delete(end)
    },
    /** Resumes after a restart: interrupted builds, pool top-up, webhook delivery, the reaper. */
    start(): void {
      pool.recover()
      for (const cohort of repo.list().filter((c) => c.state === 'active')) {
        void pool.topUp(cohort)
      }
      webhooks.start()
      reaper ??= setInterval(
        () => void reap().catch((err: unknown) => deps.log?.warn({ err }, 'cohort reaper failed')),
        deps.reapEveryMs ?? 60_000,
      )
      reaper.unref()
    },
    /** Stops the reaper, streams and webhooks; waits at most `graceMs` for environment builds (they resume after a restart). */
    async stop(graceMs = 5000): Promise<void> {
      clearInterval(reaper)
      reaper = undefined
      for (const end of [...streams]) {
        end()
      }
      streams.clear()
      await webhooks.stop()
      const idle = Promise.all(repo.list().map((c) => pool.idle(c.id)))
      await Promise.race([idle, new Promise((resolve) => setTimeout(resolve, graceMs).unref())])
    },
  }
}

export type Cohorts = ReturnType<typeof createCohorts>
