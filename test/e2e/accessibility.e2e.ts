// axe-core on the pages people use most: the lab list, a lab page with a Check result, and the
// instructor's sign-in (the grade book is checked in gradebook.e2e.ts): no serious or critical
// violation (WCAG 2 A/AA rules).
import { expect, test } from '@playwright/test'
import { seriousViolations } from './axe.ts'
import { useKindlab } from './kindlab-server.ts'

const server = useKindlab('axe')

test('the lab list', async ({ page }) => {
  await page.goto(server.url)
  await expect(page.locator('h1')).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
})

test('a lab page, after a Check', async ({ page }) => {
  await page.goto(new URL('/labs/istio-ingress', server.url).href)
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  await page.locator('button.check').first().click()
  await expect(page.locator('.check-result').first()).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
})

test('the instructor page', async ({ page }) => {
  await page.goto(new URL('/instructor', server.url).href)
  await expect(page.locator('h1')).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
})
