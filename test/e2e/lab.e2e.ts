// The learner's path in a real browser: open the sample lab, run a command from a Run button,
// type in the terminal, press Check, and keep progress across a reload and a server restart.
import { expect, test, type Page } from '@playwright/test'
import { typeInTerminal, useKindlab } from './kindlab-server.ts'

const server = useKindlab('lab')

const terminalText = (page: Page) => page.locator('.xterm-rows')

test('a learner runs, types, checks, and keeps progress across reload and restart', async ({ page }) => {
  await page.goto(server.url)
  await expect(page.getByRole('status').filter({ hasText: 'Offline mode' })).toBeVisible()
  await page.locator('.lab-card').getByRole('link', { name: 'Hello, kindlab' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Meet the terminal' })).toBeVisible()
  await expect(page.locator('.terminal-status')).toHaveText('Connected')

  await page.locator('.kl-run').first().getByRole('button', { name: /Run/ }).click()
  await expect(terminalText(page)).toContainText('hi-42')

  await typeInTerminal(page, 'echo typed-$((6*7+1))')
  await expect(terminalText(page)).toContainText('typed-43')

  const check = page.locator('.kl-check').first()
  await check.getByRole('button', { name: /Check/ }).click()
  await expect(check.locator('.check-result.fail')).toContainText('exited with code 1')
  await expect(check.locator('.check-hint')).toContainText('Paste the copied line')

  await typeInTerminal(page, 'echo "hello from the test" > ~/hello.txt')
  await expect
    .poll(async () => {
      await check.getByRole('button', { name: /Check/ }).click()
      return check.locator('.check-result.pass').count()
    })
    .toBe(1)
  const firstStep = page.locator('.step-link[data-step="0"]')
  await expect(firstStep).toHaveClass(/passed/)

  await page.reload()
  await expect(page.locator('.step-link[data-step="0"]')).toHaveClass(/passed/)
  await expect(page.locator('.kl-check .check-result.pass')).toBeVisible()

  const port = new URL(server.url).port
  await server.stop('SIGKILL')
  await expect(page.locator('.terminal-status')).toHaveText(/reconnecting|Disconnected/i)
  await server.restart(Number(port))
  await page.reload()
  await expect(page.locator('.step-link[data-step="0"]')).toHaveClass(/passed/)
  await expect(page.locator('.kl-check .check-result.pass')).toBeVisible()
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  await typeInTerminal(page, 'cat ~/hello.txt')
  await expect(terminalText(page)).toContainText('hello from the test')
})

test('the lab list shows every lab and says which work offline', async ({ page }) => {
  await page.goto(server.url)
  const card = page.locator('.lab-card', { hasText: 'Hello, kindlab' })
  await expect(card).toContainText('works offline')
  await expect(card).toContainText('3 steps')
})
