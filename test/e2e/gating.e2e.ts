// Gating in a class, in real browsers: the instructor creates a gated cohort with the form; the
// trainee's step strip shows the locked steps and why, a locked step says so instead of its
// content, a passed Check opens the next step, and the instructor opens the rest from the grade book.
import { expect, test } from '@playwright/test'
import { seriousViolations } from './axe.ts'
import { keepScreenshot, typeInTerminal, useKindlab } from './kindlab-server.ts'

const server = useKindlab('gating')

test('a gated class: locked steps say why, a pass opens the next, the instructor opens the rest', async ({
  browser,
}, info) => {
  const adminToken = /instructor admin token[^:]*: (kla_\S+)/.exec(server.output())?.[1] ?? ''
  const teacher = await (await browser.newContext()).newPage()
  await teacher.setViewportSize({ width: 1440, height: 900 })
  await teacher.goto(new URL('/instructor', server.url).href)
  await teacher.getByLabel('Secret').fill(adminToken)
  await teacher.getByRole('button', { name: 'Sign in' }).click()
  await teacher.getByLabel('Name').fill('gated-class')
  await teacher.getByLabel('Lab').selectOption('hello-kindlab')
  await teacher.getByLabel('Trainees').fill('2')
  await teacher.getByLabel('Warm pool').fill('0')
  await teacher.getByLabel('Gating').selectOption('on')
  await teacher.getByRole('button', { name: 'Create cohort' }).click()
  await expect(teacher.locator('.live-state')).toHaveText('live · offline', { timeout: 20_000 })
  const code = (await teacher.getByTestId('class-code').textContent()) ?? ''

  const ada = await (await browser.newContext()).newPage()
  await ada.setViewportSize({ width: 1440, height: 900 })
  await ada.goto(new URL('/join/gated-class', server.url).href)
  await ada.getByLabel('Class code').fill(code)
  await ada.getByLabel('Your name').fill('Ada')
  await ada.getByRole('button', { name: 'Join' }).click()
  await ada.getByRole('button', { name: 'Open the lab' }).click()
  await expect(ada.locator('.terminal-status')).toHaveText('Connected')

  const tab = (i: number) => ada.locator(`.step-link[data-step="${i}"]`)
  await expect(tab(0)).not.toHaveClass(/\blocked\b/)
  await expect(tab(1)).toHaveClass(/\blocked\b/)
  await expect(tab(1)).toHaveAttribute('title', /locked: Step 2 opens once step 1's checks pass\./)
  await expect(tab(2)).toHaveClass(/\blocked\b/)
  await tab(1).click()
  const locked = ada.getByTestId('locked-step')
  await expect(locked).toContainText("Step 2 opens once step 1's checks pass.")
  await keepScreenshot(ada, info, 'gating-locked-1440x900')
  expect(await seriousViolations(ada)).toEqual([])
  await ada.setViewportSize({ width: 390, height: 844 })
  await keepScreenshot(ada, info, 'gating-locked-390x844')
  await ada.setViewportSize({ width: 1440, height: 900 })
  await locked.getByRole('button', { name: 'Go to step 1' }).click()

  // Passing step 1's check opens step 2 (its own checks keep step 3 closed).
  await typeInTerminal(ada, 'echo "hello" > ~/hello.txt')
  const check = ada.locator('.kl-check').first()
  await expect
    .poll(async () => {
      await check.getByRole('button', { name: /Check/ }).click()
      return check.locator('.check-result.pass').count()
    })
    .toBe(1)
  await expect(tab(1)).not.toHaveClass(/\blocked\b/)
  await expect(tab(2)).toHaveClass(/\blocked\b/)
  await tab(1).click()
  await expect(ada.getByTestId('locked-step')).toHaveCount(0)
  await expect(ada.locator('.step h1').first()).not.toHaveText(/locked/)

  // The instructor opens every step for Ada from the grade book.
  await expect(teacher.getByTestId('gradebook-gating')).toContainText('Gating on')
  expect(await seriousViolations(teacher)).toEqual([])
  const row = teacher.locator('tr[data-trainee="trainee01"]')
  await row.getByRole('button', { name: 'Open all steps for Ada (trainee01)' }).click()
  await expect(row.getByRole('button', { name: 'Gate Ada (trainee01) again' })).toBeVisible()
  await ada.reload()
  await expect(tab(2)).not.toHaveClass(/\blocked\b/)
  await tab(2).click()
  await expect(ada.getByTestId('locked-step')).toHaveCount(0)
})
