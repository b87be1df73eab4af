// The plan runner: events per step (running, details, done/skipped/failed) with plan-wide indices,
// a step range, failures that name the step, and Ctrl-C before a step.
import { describe, expect, it } from 'vitest'
import type { ProgressEventDto } from '../protocol/api-dto.ts'
import { AppError } from '../errors.ts'
import { loadBlueprint } from './blueprint.ts'
import { planUp } from './plan.ts'
import { runPlan, type StepRunner } from './run-plan.ts'

const plan = planUp(await loadBlueprint(), {
  target: { type: 'kind', clusterName: 'kindlab' },
  kubeconfigPath: '/k',
  workDir: '/w',
})
let clock = 0
const now = () => (clock += 100)

describe('runPlan', () => {
  it('reports each step with plan-wide index and total, and runs only the range asked for', async () => {
    const events: ProgressEventDto[] = []
    const run: StepRunner = (step, ctx) => {
      ctx.report(`working on ${step.id}`)
      return Promise.resolve(step.id === 'istio' ? { state: 'skipped', detail: 'already there' } : { state: 'done' })
    }
    await runPlan(plan, run, {
      signal: new AbortController().signal,
      onProgress: (e) => events.push(e),
      now,
      range: [2, 4],
    })
    expect(events.map((e) => [e.step, e.state, e.index, e.total, e.detail])).toEqual([
      ['istio', 'running', 2, 6, undefined],
      ['istio', 'running', 2, 6, 'working on istio'],
      ['istio', 'skipped', 2, 6, 'already there'],
      ['app', 'running', 3, 6, undefined],
      ['app', 'running', 3, 6, 'working on app'],
      ['app', 'done', 3, 6, undefined],
    ])
    expect(events.every((e) => e.elapsedMs >= 0)).toBe(true)
  })

  it('names the failed step, keeps the code and hint, and stops there', async () => {
    const events: ProgressEventDto[] = []
    const run: StepRunner = (step) =>
      step.id === 'cluster'
        ? Promise.reject(
            new AppError('LAB_ERR_DOCKER_UNAVAILABLE', { message: 'Docker is not running.', hint: 'Start Docker.' }),
          )
        : Promise.resolve({ state: 'done' })
    const err = await runPlan(plan, run, {
      signal: new AbortController().signal,
      onProgress: (e) => events.push(e),
      now,
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'LAB_ERR_DOCKER_UNAVAILABLE', hint: 'Start Docker.' })
    expect((err as Error).message).toMatch(
      /^Step 1\/6 "Create the kind cluster "kindlab" \(kindest\/node:v1\.36\.4\)" failed: Docker is not running\.$/,
    )
    expect(events.at(-1)).toMatchObject({ step: 'cluster', state: 'failed' })
    expect(events.some((e) => e.step === 'istio')).toBe(false)
  })

  it('stops before the next step once aborted', async () => {
    const abort = new AbortController()
    const run: StepRunner = () => {
      abort.abort()
      return Promise.resolve({ state: 'done' })
    }
    await expect(runPlan(plan, run, { signal: abort.signal, onProgress: () => undefined, now })).rejects.toMatchObject({
      code: 'LAB_ERR_ABORTED',
    })
  })
})
