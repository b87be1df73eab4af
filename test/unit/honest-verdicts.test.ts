// Issue 12, honest verdicts, through both ways a learner checks a step: `kindlab check --json`
// (in-process CLI) and the HTTP Check of a real kindlab app (createServices and buildApp as the
// server builds them, fastify inject, SQLite, the bundled labs, offline resources from the
// session's workspace). No free passes on an empty submission, unverified is never a tick, answers
// are not revealed, hints follow causes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { workspaceDirFor } from '../../server/adapters/workspace/workspace-fs.ts'
import { runKindlab } from '../../server/cli/run-cli.test-helper.ts'
import { defaultRateLimits } from '../../server/cohorts/rate-limits.ts'
import { buildTestApp, type TestApp } from '../../server/compose/test-app.test-helper.ts'
import { loadLabs, type Lab } from '../../server/labs/load-labs.ts'
import { bundledLabsDir, packageRoot } from '../../server/paths.ts'
import type { CheckRunDto, ProgressDto } from '../../server/protocol/api-dto.ts'

const LAB = 'istio-ingress'
const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-verdicts-'))
let t: TestApp
let app: FastifyInstance
let lab: Lab

beforeAll(async () => {
  const { labs } = await loadLabs(bundledLabsDir())
  lab = labs.find((l) => l.id === LAB)!
  // As `serve --offline` builds it. Every test is a new learner from the same address: lift the
  // per-client cap (tested in session-limits.test.ts) and the Check rate limit (cohort-limits.test.ts).
  t = await buildTestApp({
    dataDir,
    config: { maxSessionsPerClient: 1000 },
    rateLimits: { ...defaultRateLimits, check: { max: 1e6, timeWindowMs: 1000 } },
  })
  app = t.app
})

afterAll(async () => {
  await t.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A new learner over HTTP, with these files in their workspace. */
async function learner(files: Record<string, string> = {}): Promise<{ token: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/sessions', payload: {} })
  expect(res.statusCode).toBe(201)
  const { token, sessionId } = res.json<{ token: string; sessionId: string }>()
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(workspaceDirFor(dataDir, sessionId), name), text)
  }
  return { token }
}

async function httpCheck(token: string, stepNumber: number): Promise<CheckRunDto> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/labs/${LAB}/steps/${stepNumber - 1}/check`,
    headers: { authorization: `Bearer ${token}` },
    payload: {},
  })
  expect(res.statusCode).toBe(200)
  return res.json<CheckRunDto>()
}

interface CliReport {
  passed: boolean
  checks: Array<{
    id: string
    passed: boolean
    status: string
    message: string
    cause?: string
    finding?: string
    hint?: string
  }>
}

async function cliCheck(stepNumber: number, text: string): Promise<CliReport> {
  const file = join(dataDir, `cli-${stepNumber}-${Math.random().toString(36).slice(2)}.yaml`)
  writeFileSync(file, text)
  const { stdout } = await runKindlab(['check', LAB, '--step', String(stepNumber), '--resources', file, '--json'])
  return JSON.parse(stdout) as CliReport
}

/** Both paths, same expectations: each returns the checks by id. */
const paths = {
  cli: async (step: number, text: string) => {
    const r = await cliCheck(step, text)
    return { passed: r.passed, checks: r.checks }
  },
  http: async (step: number, text: string) => {
    const { token } = await learner(text === '' ? {} : { 'answer.yaml': text })
    const r = await httpCheck(token, step)
    return { passed: r.stepPassed, checks: r.checks }
  },
} as const

describe.each(Object.entries(paths))('an empty submission through %s', (_name, grade) => {
  it('step 3: frontend-external-deleted is unverified (not a tick) and the step is not passed', async () => {
    const r = await grade(3, '')
    expect(r.passed).toBe(false)
    expect(r.checks.find((c) => c.id === 'frontend-external-deleted')).toMatchObject({
      status: 'unverified',
      passed: false,
      message: expect.stringMatching(/^needs the cluster: `kubectl delete` is not visible offline/) as unknown,
    })
  })

  it.each([
    [5, 'shop-config-clean'],
    [8, 'redis-config-clean'],
    [9, 'shared-gateway-clean'],
  ])('step %i: %s fails with "nothing to check yet"', async (step, id) => {
    const r = await grade(step, '')
    expect(r.passed).toBe(false)
    expect(r.checks.find((c) => c.id === id)).toMatchObject({
      status: 'failed',
      passed: false,
      cause: 'nothing-to-check',
      message: expect.stringMatching(/^nothing to check yet: create your Gateway and VirtualService/) as unknown,
    })
  })

  it('step 7: tls-secret never counts a Secret that was never created', async () => {
    const r = await grade(7, '')
    const tls = r.checks.find((c) => c.id === 'tls-secret')
    expect(tls?.passed).toBe(false)
    expect(tls?.status).toBe('unverified')
    expect(tls?.message).toMatch(/^needs the cluster: .*hipster-credential/)
  })

  it('no step passes, and only the untouched environment Service frontend counts as kept', async () => {
    const passing: string[] = []
    for (const step of lab.steps) {
      const r = await grade(step.index + 1, '')
      expect(r.passed, step.slug).toBe(false)
      passing.push(...r.checks.filter((c) => c.passed || c.status === 'passed').map((c) => c.id))
    }
    expect(passing).toEqual(['frontend-service-kept'])
  })
})

describe.each(Object.entries(paths))('answers are not revealed through %s', (_name, grade) => {
  it('a wrong quiz answer shows the learner value, never the expected one nor the regex', async () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: { name: request-path }
data: { servicePort: '30080', envoyPort: '8080', gatewayLabel: 'istio=ingressgateway' }
`
    const c = (await grade(1, text)).checks.find((x) => x.id === 'request-path-answers')
    expect(c).toMatchObject({ status: 'failed', cause: 'field-wrong' })
    const shown = `${c?.message ?? ''} ${c?.finding ?? ''}`
    expect(shown).toContain('"30080"')
    expect(shown).not.toMatch(/"80"|expected/)
    // The field's own hint, chosen by the cause, not the check's ladder about targetPort and labels.
    expect(c?.hint).toMatch(/^data\.servicePort is the port a client/)

    const wrongLabel = text.replace("'30080'", "'80'").replace("'istio=ingressgateway'", "'app=frontend'")
    const label = (await grade(1, wrongLabel)).checks[0]
    const labelShown = `${label?.message ?? ''} ${label?.finding ?? ''} ${label?.hint ?? ''}`
    expect(labelShown).toContain('data.gatewayLabel')
    expect(labelShown).not.toMatch(/\\s\*|\[=:\]|ingressgateway\s*\$/)
  })
})

describe.each(Object.entries(paths))('hints follow the cause through %s', (_name, grade) => {
  it('no gateways field: the finding names spec.gateways and the hint is the one for no-gateways', async () => {
    const text = await readFile(
      join(packageRoot(), 'labs', LAB, 'mistakes/04-expose-the-shop/vs-missing-gateways.yaml'),
      'utf8',
    )
    const r = await grade(4, text.replaceAll('${TRAINEE_DOMAIN}', 'localhost'))
    const home = r.checks.find((c) => c.id === 'shop-home-page')
    expect(home).toMatchObject({ status: 'failed', cause: 'no-gateways' })
    expect(home?.finding).toMatch(/VirtualService default\/shop.*spec\.gateways/)
    // On the very first attempt, not after the ladder: and not the hint about port 80 vs 8080.
    expect(home?.hint).toMatch(/^Your VirtualService has no `gateways` list/)
  })
})

describe('unverified is remembered as unverified over HTTP', () => {
  it('progress keeps its status, never a passed step and never a failure count', async () => {
    const { token } = await learner()
    await httpCheck(token, 3)
    const second = await httpCheck(token, 3)
    expect(second.checks.find((c) => c.id === 'frontend-external-deleted')?.hint).toBeUndefined()
    const res = await app.inject({
      method: 'GET',
      url: `/api/labs/${LAB}/progress`,
      headers: { authorization: `Bearer ${token}` },
    })
    const progress = res.json<ProgressDto>()
    expect(progress.passedSteps).toEqual([])
    expect(progress.lastResults['frontend-external-deleted']).toMatchObject({ status: 'unverified', passed: false })
    const failures = t.services.db
      .prepare<[], { n: number }>(
        "SELECT COUNT(*) AS n FROM check_attempts WHERE check_id = 'frontend-external-deleted' AND status = 'failed'",
      )
      .get()
    expect(failures?.n).toBe(0)
  })
})

describe.each(Object.entries(paths))('a wrong field through %s', (_name, grade) => {
  it("points at the field's own line, not at the document", async () => {
    const text = await readFile(
      join(packageRoot(), 'labs', LAB, 'mistakes', '03-remove-the-load-balancer', 'frontend-selector-typo.yaml'),
      'utf8',
    )
    const fieldLine = text.split('\n').findIndex((l) => l.trim() === 'app: fronted') + 1
    expect(fieldLine).toBeGreaterThan(11)
    const r = await grade(3, text)
    const kept = r.checks.find((c) => c.id === 'frontend-service-kept')
    expect(kept?.status).toBe('failed')
    expect(`${kept?.finding ?? ''} ${kept?.hint ?? ''}`).toMatch(
      new RegExp(`spec\\.selector\\.app \\((answer|cli-3-\\w+)\\.yaml:${fieldLine}\\)`),
    )
  })
})

describe('the lab as the page loads it (also after a reload)', () => {
  it('fills variables into step and check titles: no raw ${TRAINEE_DOMAIN}', async () => {
    const { token } = await learner()
    const res = await app.inject({
      method: 'GET',
      url: `/api/labs/${LAB}`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.statusCode).toBe(200)
    const titles = res
      .json<{ steps: Array<{ title: string; checks: Array<{ title: string }> }> }>()
      .steps.flatMap((s) => [s.title, ...s.checks.map((c) => c.title)])
    expect(titles.some((t) => t.includes('hipster.'))).toBe(true)
    expect(titles.filter((t) => t.includes('${'))).toEqual([])
  })
})
