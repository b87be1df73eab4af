// The grade book: latest result and failures per check, time on the current step, stuck
// detection, lab completion, and a CSV that spreadsheets cannot turn into formulas.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { GradeBookDto } from '../protocol/cohort-dto.ts'
import { createProgressRepo } from '../store/progress-repo.ts'
import { createSessionsRepo } from '../store/sessions-repo.ts'
import { gradeBookCsv } from './gradebook.ts'
import { createPlannedOnlyBackend } from './environments.ts'
import { buildCohortTestApp } from './test-app.test-helper.ts'

describe('grade book', () => {
  it('flags a trainee stuck past the threshold on a step with failures, and clears it on pass', async () => {
    const t = await buildCohortTestApp()
    try {
      const c = await t.cohorts.service.create({ name: 'stuck', labId: 'hello-kindlab', trainees: 2, reserve: 0 })
      const a = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'A' })
      const check = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/labs/hello-kindlab/steps/0/check',
          headers: { authorization: `Bearer ${a.token}` },
          payload: {},
        })
      await check()
      await check()
      const cohort = t.cohorts.service.find('stuck')
      const row = () => t.cohorts.gradebook.row(cohort, a.traineeId)
      expect(row()).toMatchObject({ currentStep: 0, failuresOnStep: 2, stuck: false, labCompleted: false })
      t.db
        .prepare('UPDATE cohort_trainees SET joined_at = joined_at - ? WHERE session_id = ?')
        .run(11 * 60_000, a.sessionId)
      expect(row()?.stuck).toBe(true)
      expect(row()?.stuckReason).toBe('11 min on step 1 with failed Checks')
      expect(row()?.onStepMs).toBeGreaterThan(10 * 60_000)
      const dir =
        t.db
          .prepare<[string], { workspace_dir: string }>('SELECT workspace_dir FROM sessions WHERE id = ?')
          .get(a.sessionId)?.workspace_dir ?? ''
      writeFileSync(join(dir, 'hello.txt'), 'hi')
      await check()
      expect(row()).toMatchObject({ stuck: false, passedSteps: [0] })
      expect(row()?.stuckReason).toBeUndefined()
      expect(row()?.stepsPassedAt).toEqual([{ step: 0, at: expect.any(Number) as number }])
      expect(row()?.checks['hello-file-exists']).toMatchObject({ passed: true, failures: 2 })
    } finally {
      await t.close()
    }
  })

  it('flags a trainee stuck after five failed Checks on a step, however quick', async () => {
    const t = await buildCohortTestApp()
    try {
      const c = await t.cohorts.service.create({ name: 'fails', labId: 'hello-kindlab', trainees: 1, reserve: 0 })
      const a = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'F' })
      const check = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/labs/hello-kindlab/steps/0/check',
          headers: { authorization: `Bearer ${a.token}` },
          payload: {},
        })
      for (let i = 0; i < 4; i++) {
        await check()
      }
      const row = () => t.cohorts.gradebook.row(t.cohorts.service.find('fails'), a.traineeId)
      expect(row()).toMatchObject({ failuresOnStep: 4, stuck: false })
      await check()
      expect(row()).toMatchObject({ failuresOnStep: 5, stuck: true, stuckReason: '5 failed Checks on step 1' })
      expect(t.cohorts.gradebook.book(t.cohorts.service.find('fails')).stuckAfterFailures).toBe(5)
    } finally {
      await t.close()
    }
  })

  it('keeps an unverified check grey: no tick, no failure, no webhook, "unverified" in the CSV', async () => {
    const t = await buildCohortTestApp()
    try {
      const c = await t.cohorts.service.create({
        name: 'grey',
        labId: 'istio-ingress',
        trainees: 1,
        reserve: 0,
        webhookUrl: 'http://127.0.0.1:9/hook',
      })
      const a = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'G' })
      const session = createSessionsRepo(t.db).findById(a.sessionId)!
      const progress = createProgressRepo(t.db)
      const result = {
        id: 'frontend-external-deleted',
        title: 'gone',
        passed: false,
        status: 'unverified' as const,
        message: 'needs the cluster: `kubectl delete` is not visible offline',
        layers: [],
      }
      for (let i = 0; i < 2; i++) {
        progress.recordAttempt({
          sessionId: session.id,
          labId: 'istio-ingress',
          stepIndex: 2,
          checkId: result.id,
          ...result,
        })
        t.cohorts.onAttempt({
          session,
          labId: 'istio-ingress',
          stepIndex: 2,
          results: [result],
          stepPassed: false,
          stepNewlyPassed: false,
        })
      }
      const book = t.cohorts.gradebook.book(t.cohorts.service.find('grey'))
      const row = book.rows.find((r) => r.traineeId === a.traineeId)
      expect(row?.checks[result.id]).toMatchObject({ status: 'unverified', passed: false, failures: 0 })
      expect(row?.failuresOnStep).toBe(0)
      expect(gradeBookCsv(book)).toContain(',unverified,0,')
      const events = t.db
        .prepare<[string], { event: string }>('SELECT event FROM webhook_outbox WHERE cohort_id = ?')
        .all(c.id)
        .map((r) => r.event)
      expect(events).toEqual(['trainee.joined'])
    } finally {
      await t.close()
    }
  })

  it('writes CSV with quoting and formula neutralisation', () => {
    const book: GradeBookDto = {
      cohortId: 'c',
      cohort: 'c',
      labId: 'l',
      stuckAfterMs: 600_000,
      stuckAfterFailures: 5,
      gated: false,
      generatedAt: 0,
      steps: [{ index: 0, title: 'One', checks: [{ id: 'k', title: 'K' }] }],
      rows: [
        {
          traineeId: 'trainee01',
          displayName: '=HYPERLINK("x")',
          joinedAt: 0,
          currentStep: 0,
          passedSteps: [],
          onStepMs: 0,
          currentSince: 0,
          failuresOnStep: 1,
          stuck: false,
          stepsPassedAt: [],
          stepsOpened: false,
          checks: { k: { passed: false, status: 'failed', message: 'line1\nline2, "quoted"', failures: 1, at: 0 } },
          envState: 'claimed',
          labCompleted: false,
        },
      ],
    }
    const [header, line] = gradeBookCsv(book).split('\r\n')
    expect(header).toBe(
      'trainee,name,joined_at,current_step,minutes_on_step,stuck,lab_completed,k,k_failures,k_last_message',
    )
    expect(line).toContain(`"'=HYPERLINK(""x"")"`)
    expect(line).toContain('"line1\nline2, ""quoted"""')
  })
})

describe('grade book rows', () => {
  it('builds one row exactly as the whole book does', async () => {
    const t = await buildCohortTestApp()
    try {
      const c = await t.cohorts.service.create({ name: 'rows', labId: 'hello-kindlab', trainees: 3, reserve: 0 })
      const joined = await Promise.all(
        ['A', 'B'].map((n) => t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: n })),
      )
      for (const j of joined) {
        await t.app.inject({
          method: 'POST',
          url: '/api/labs/hello-kindlab/steps/0/check',
          headers: { authorization: `Bearer ${j.token}` },
          payload: {},
        })
      }
      const cohort = t.cohorts.service.find('rows')
      const book = t.cohorts.gradebook.book(cohort)
      for (const r of book.rows) {
        expect({ ...t.cohorts.gradebook.row(cohort, r.traineeId), onStepMs: 0 }).toEqual({ ...r, onStepMs: 0 })
      }
    } finally {
      await t.close()
    }
  })
})

describe('grade book titles', () => {
  it('fills ${TRAINEE_DOMAIN} in step and check titles, in the book and its JSON export', async () => {
    const t = await buildCohortTestApp()
    try {
      await t.cohorts.service.create({
        name: 'domains',
        labId: 'istio-ingress',
        trainees: 2,
        reserve: 0,
        domain: 'class.example',
      })
      const book = t.cohorts.gradebook.book(t.cohorts.service.find('domains'))
      const titles = book.steps.flatMap((s) => [s.title, ...s.checks.map((c) => c.title)])
      expect(titles.filter((x) => x.includes('${'))).toEqual([])
      expect(titles).toContain('The gateway routes hipster.{trainee}.class.example to the frontend Service')
      const token = await t.instructor()
      const id = book.cohortId
      const exported = await t.app.inject({
        method: 'GET',
        url: `/api/cohorts/${id}/gradebook`,
        headers: { authorization: `Bearer ${token}` },
      })
      expect(exported.statusCode).toBe(200)
      expect(exported.body).not.toContain('${TRAINEE_DOMAIN}')
      expect(exported.body).toContain('hipster.{trainee}.class.example')
    } finally {
      await t.close()
    }
  })

  it('in a live namespace-mode class, names what trainees write in istio-system after their namespace', async () => {
    // A live backend (nothing applied): the cohort is not offline, so trainees share the cluster.
    const t = await buildCohortTestApp({ backend: { ...createPlannedOnlyBackend(), live: true } })
    try {
      await t.cohorts.service.create({ name: 'names', labId: 'istio-ingress', trainees: 2, reserve: 0 })
      const book = t.cohorts.gradebook.book(t.cohorts.service.find('names'))
      const titles = book.steps.flatMap((s) => [s.title, ...s.checks.map((c) => c.title)])
      expect(titles.filter((x) => x.includes('${'))).toEqual([])
      expect(titles).toContain('The shared Gateway kl-names-{trainee}-gateway lives in istio-system')
    } finally {
      await t.close()
    }
  })
})
