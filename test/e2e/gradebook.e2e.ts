// The grade book of a 50-trainee cohort on the flagship lab, read at a glance: it fits 1440 px,
// the trainee column stays put while the checks scroll, each row sums up steps done and the last
// failure, Watch and Reset sit next to the name, and headers are short with full titles on hover
// (${TRAINEE_DOMAIN} filled in). Seeded through the real API of a real server.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { seriousViolations } from './axe.ts'
import { keepScreenshot, startKindlab, type ServerHandle } from './kindlab-server.ts'

let dataDir: string
let server: ServerHandle
let adminToken: string
let cohortId: string

async function api<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(new URL(path, server.url), {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  }
  return (await res.json()) as T
}

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kindlab-e2e-gradebook-'))
  server = await startKindlab(dataDir)
  adminToken = /instructor admin token[^:]*: (kla_\S+)/.exec(server.output())?.[1] ?? ''
  const { token } = await api<{ token: string }>('POST', '/api/instructor/session', { adminToken })
  const cohort = await api<{ id: string; classCode: string }>(
    'POST',
    '/api/cohorts',
    { name: 'big-class', labId: 'istio-ingress', trainees: 50, reserve: 0, domain: 'class.example' },
    token,
  )
  cohortId = cohort.id
  const ada = await api<{ token: string }>('POST', '/api/join', { classCode: cohort.classCode, displayName: 'Ada' })
  await api('POST', '/api/labs/istio-ingress/steps/0/check', {}, ada.token)
})

test.afterAll(async () => {
  await server.stop()
  await rm(dataDir, { recursive: true, force: true })
})

async function openGradeBook(page: Page): Promise<void> {
  await page.goto(new URL('/instructor', server.url).href)
  await page.getByLabel('Secret').fill(adminToken)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.goto(new URL(`/instructor/cohorts/${cohortId}`, server.url).href)
  await expect(page.locator('.live-state')).toHaveText('live · offline', { timeout: 20_000 })
  await expect(page.locator('table.gradebook tbody tr')).toHaveCount(50)
}

test('a 50-trainee grade book fits 1440 px and sums up each trainee', async ({ page }, info) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openGradeBook(page)
  const wrap = page.locator('.gradebook-wrap')
  const { scrollWidth, clientWidth } = await wrap.evaluate((el: { scrollWidth: number; clientWidth: number }) => ({
    scrollWidth: el.scrollWidth,
    clientWidth: el.clientWidth,
  }))
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth)

  const ada = page.locator('tr[data-trainee="trainee01"]')
  const name = ada.locator('th.trainee')
  await expect(name).toContainText('Ada (trainee01)')
  await expect(name.getByTestId('steps-done')).toHaveText('0/10 steps')
  await expect(name.getByTestId('last-failure')).toContainText('Your request-path answers')
  await expect(name.getByRole('button', { name: 'Watch Ada (trainee01)' })).toBeVisible()
  await expect(name.getByRole('button', { name: 'Reset Ada (trainee01)' })).toBeVisible()
  await expect(page.locator('tr[data-trainee="trainee02"] th.trainee')).toContainText('not joined')

  const head = page.locator('th.check-head[data-check="shop-route"]')
  await expect(head).toHaveAttribute(
    'title',
    'The gateway routes hipster.{trainee}.class.example to the frontend Service',
  )
  await expect(head.locator('[aria-hidden="true"]')).toHaveText(/^\d+[a-z]?$/)
  await expect(page.locator('table.gradebook thead')).not.toContainText('${')
  await keepScreenshot(page, info, 'gradebook-1440x900')
  expect(await seriousViolations(page)).toEqual([])
})

test('the trainee column stays in view while the checks scroll sideways', async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openGradeBook(page)
  const wrap = page.locator('.gradebook-wrap')
  const name = page.locator('tr[data-trainee="trainee01"] th.trainee')
  const before = await name.boundingBox()
  await wrap.evaluate((el: { scrollLeft: number }) => {
    el.scrollLeft += 2000
  })
  await expect.poll(() => wrap.evaluate((el: { scrollLeft: number }) => el.scrollLeft)).toBeGreaterThan(100)
  const after = await name.boundingBox()
  expect(Math.abs((after?.x ?? 0) - (before?.x ?? 99))).toBeLessThan(2)
  await expect(name.getByRole('button', { name: /Watch/ })).toBeInViewport()
  await keepScreenshot(page, info, 'gradebook-390x844')
})
