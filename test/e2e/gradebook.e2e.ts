// The grade book of a 50-trainee cohort on the flagship lab (10 steps), read at a glance: one
// column per step that fits 1440 px, a sticky trainee column with actions at the left, who is stuck
// and why, a step's checks on click, sort and filter, and the class progress chart (uPlot) that
// follows the live events. Seeded through the real API of a real server: 12 of 50 trainees join;
// 8 pass step 1 (4 of them step 2 as well), 3 fail step 1 five times (stuck), one has done nothing.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { seriousViolations } from './axe.ts'
import { keepScreenshot, useKindlab } from './kindlab-server.ts'

const solution = fileURLToPath(new URL('../../labs/istio-ingress/solution/', import.meta.url))
const names = ['Ada', 'Bo', 'Cleo', 'Dan', 'Eve', 'Finn', 'Gus', 'Hana', 'Ines', 'Jon', 'Kai', 'Lea']

let adminToken: string
let cohortId: string
let classCode: string

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

async function solveStep(token: string, step: number, dir: string, file: string): Promise<void> {
  const content = await readFile(join(solution, dir, file), 'utf8')
  await api('POST', '/api/workspace/files', { name: file, content }, token)
  const result = await api<{ passed: boolean }>('POST', `/api/labs/istio-ingress/steps/${step}/check`, {}, token)
  expect(result.passed).toBe(true)
}

const server = useKindlab('gradebook')

test.beforeAll(async () => {
  adminToken = /instructor admin token[^:]*: (kla_\S+)/.exec(server.output())?.[1] ?? ''
  const { token } = await api<{ token: string }>('POST', '/api/instructor/session', { adminToken })
  const cohort = await api<{ id: string; classCode: string }>(
    'POST',
    '/api/cohorts',
    { name: 'big-class', labId: 'istio-ingress', trainees: 50, reserve: 0, domain: 'class.example' },
    token,
  )
  cohortId = cohort.id
  classCode = cohort.classCode
  for (const [i, displayName] of names.slice(0, 11).entries()) {
    const t = await api<{ token: string }>('POST', '/api/join', { classCode, displayName })
    if (i < 8) {
      await solveStep(t.token, 0, '01-request-path', 'request-path.yaml')
    }
    if (i < 4) {
      await solveStep(t.token, 1, '02-explore', 'ingress-findings.yaml')
    }
    for (let n = 0; i >= 8 && n < 5; n++) {
      await api('POST', '/api/labs/istio-ingress/steps/0/check', {}, t.token)
    }
  }
})

async function openGradeBook(page: Page): Promise<void> {
  await page.goto(new URL('/instructor', server.url).href)
  await page.getByLabel('Secret').fill(adminToken)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.goto(new URL(`/instructor/cohorts/${cohortId}`, server.url).href)
  await expect(page.locator('.live-state')).toHaveText('live · offline', { timeout: 20_000 })
  await expect(page.locator('table.gradebook tbody tr')).toHaveCount(50)
}

const row = (page: Page, trainee: string) => page.locator(`tr[data-trainee="${trainee}"]`)

test('a 50-trainee grade book has one column per step, fits 1440 px and shows who is stuck', async ({ page }, info) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openGradeBook(page)
  const wrap = page.locator('.gradebook-wrap')
  const { scrollWidth, clientWidth } = await wrap.evaluate((el: { scrollWidth: number; clientWidth: number }) => ({
    scrollWidth: el.scrollWidth,
    clientWidth: el.clientWidth,
  }))
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
  await expect(page.locator('th.step-head')).toHaveCount(10)
  await expect(page.locator('th.step-head[data-step="3"]')).toHaveAttribute(
    'title',
    '4. Expose the shop through the gateway',
  )
  await expect(page.locator('table.gradebook thead')).not.toContainText('${')
  await expect(page.getByTestId('gradebook-gating')).toBeEmpty()

  const ada = row(page, 'trainee01')
  await expect(ada.locator('th.trainee')).toContainText('Ada (trainee01)')
  await expect(ada.getByTestId('steps-done')).toHaveText('2/10 steps')
  await expect(ada.getByTestId('where')).toHaveText(/^on step 3 · <1 min$/)
  await expect(ada.locator('td[data-step="0"]')).toHaveAttribute('data-state', 'passed')
  await expect(ada.locator('td[data-step="0"]')).toHaveText('✓ 1/1')
  await expect(ada.locator('td[data-step="2"]')).toHaveClass(/\bcurrent\b/)
  await expect(ada.locator('td[data-step="2"]')).toHaveAttribute('data-state', 'none')
  // Actions at the left of the name.
  const watch = await ada.getByRole('button', { name: 'Watch Ada (trainee01)' }).boundingBox()
  const name = await ada.locator('.trainee-name').boundingBox()
  expect(watch?.x ?? 9e9).toBeLessThan(name?.x ?? 0)
  await expect(ada.getByRole('button', { name: 'Reset Ada (trainee01)' })).toBeVisible()
  await expect(ada.getByTestId('stuck')).toHaveCount(0)

  const ines = row(page, 'trainee09')
  await expect(ines.locator('td[data-step="0"]')).toHaveAttribute('data-state', 'failed')
  await expect(ines.locator('td[data-step="0"]')).toHaveText('✗ 0/1')
  await expect(ines.getByTestId('stuck')).toBeVisible()
  await expect(ines.getByTestId('stuck-reason')).toHaveText('5 failed Checks on step 1')
  await expect(row(page, 'trainee12').locator('th.trainee')).toContainText('not joined')

  // The chart: one line per joined trainee; where the class is, with the stuck ones per step.
  await expect(page.getByTestId('progress-chart')).toHaveAttribute('data-series', '11')
  await expect(page.getByTestId('progress-chart').locator('canvas')).toBeVisible()
  await expect(page.locator('.class-stand li[data-step="0"]')).toContainText('3 on it · 3 stuck')
  await expect(page.locator('.class-stand li[data-step="1"]')).toContainText('4 on it · 0 stuck')
  await expect(page.locator('.class-stand li[data-step="2"]')).toContainText('4 on it · 0 stuck')
  await keepScreenshot(page, info, 'class-progress-1440x900')
  await page
    .locator('.gradebook-tools')
    .evaluate((el: { scrollIntoView(o: object): void }) => el.scrollIntoView({ block: 'start' }))
  await keepScreenshot(page, info, 'gradebook-1440x900')
  expect(await seriousViolations(page)).toEqual([])
})

test("a step cell lists that step's checks with their last results", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openGradeBook(page)
  await row(page, 'trainee09').locator('td[data-step="0"] button').click()
  const detail = page.getByTestId('step-detail')
  await expect(detail).toBeVisible()
  await expect(detail.getByRole('heading')).toHaveText('Ines (trainee09) · step 1: How a request reaches a pod')
  const check = detail.locator('li[data-check="request-path-answers"]')
  await expect(check).toContainText('failed 5 times')
  await expect(check.locator('.check-message')).not.toBeEmpty()
  expect(await seriousViolations(page)).toEqual([])
  await page.keyboard.press('Escape')
  await expect(detail).toBeHidden()
})

test('sorts by progress and stuck, filters by text and stuck only', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openGradeBook(page)
  const rows = page.locator('table.gradebook tbody tr')
  await page.getByLabel('Stuck only').check()
  await expect(rows).toHaveCount(3)
  await expect(page.getByTestId('gradebook-count')).toHaveText('3 of 50 trainees')
  await page.getByLabel('Stuck only').uncheck()
  await page.getByLabel('Find').fill('cle')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toHaveAttribute('data-trainee', 'trainee03')
  await page.getByLabel('Find').fill('')
  await page.getByLabel('Sort by').selectOption('progress')
  await expect(rows.first().getByTestId('steps-done')).toHaveText('2/10 steps')
  await expect(rows.nth(4).getByTestId('steps-done')).toHaveText('1/10 steps')
  await page.getByLabel('Sort by').selectOption('stuck')
  for (const i of [0, 1, 2]) {
    await expect(rows.nth(i).getByTestId('stuck')).toBeVisible()
  }
  await expect(rows.nth(3).getByTestId('stuck')).toHaveCount(0)
})

test('a Check turns the grade book and the chart without a reload', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openGradeBook(page)
  await expect(page.getByTestId('progress-chart')).toHaveAttribute('data-series', '11')
  const lea = await api<{ token: string }>('POST', '/api/join', { classCode, displayName: 'Lea' })
  await expect(page.getByTestId('progress-chart')).toHaveAttribute('data-series', '12')
  await expect(page.locator('.class-stand li[data-step="0"]')).toContainText('4 on it · 3 stuck')
  await solveStep(lea.token, 0, '01-request-path', 'request-path.yaml')
  await expect(row(page, 'trainee12').locator('td[data-step="0"]')).toHaveAttribute('data-state', 'passed')
  await expect(page.locator('.class-stand li[data-step="0"]')).toContainText('3 on it · 3 stuck')
  await expect(page.locator('.class-stand li[data-step="1"]')).toContainText('5 on it · 0 stuck')
})

test('the trainee column stays in view while the steps scroll sideways on a phone', async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openGradeBook(page)
  const wrap = page.locator('.gradebook-wrap')
  const name = row(page, 'trainee01').locator('th.trainee')
  await name.scrollIntoViewIfNeeded()
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
