// The lab page on any screen and by keyboard: a usable terminal at phone width, a way out of the
// terminal (Esc, then Tab), and the step strip as one tab stop with arrow keys (WAI-ARIA tabs).
import { expect, test, type Page } from '@playwright/test'
import { keepScreenshot, useKindlab } from './kindlab-server.ts'

const server = useKindlab('layout')

const boxOf = async (page: Page, selector: string) => {
  const box = await page.locator(selector).boundingBox()
  if (!box) {
    throw new Error(`${selector} is not on the page`)
  }
  return box
}

test('at 390×844 the terminal sits under the step with a usable height', async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(new URL('/labs/istio-ingress', server.url).href)
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  const terminal = await boxOf(page, '.terminal-host')
  const step = await boxOf(page, '.pane-step')
  expect(terminal.height).toBeGreaterThanOrEqual(200)
  expect(terminal.height).toBeGreaterThanOrEqual(844 * 0.3)
  expect(terminal.y).toBeGreaterThanOrEqual(step.y + step.height - 1)
  expect(terminal.width).toBeGreaterThan(350)
  await keepScreenshot(page, info, 'lab-390x844')
})

test('at 1440×900 the step and the terminal sit side by side', async ({ page }, info) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto(new URL('/labs/istio-ingress', server.url).href)
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  const terminal = await boxOf(page, '.terminal-host')
  const step = await boxOf(page, '.pane-step')
  expect(terminal.height).toBeGreaterThanOrEqual(600)
  expect(terminal.width).toBeGreaterThanOrEqual(400)
  expect(terminal.x).toBeGreaterThanOrEqual(step.x + step.width - 1)
  await keepScreenshot(page, info, 'lab-1440x900')
})

test('Esc, then Tab or Shift+Tab, leaves the terminal; Tab alone stays in the shell', async ({ page }) => {
  await page.goto(new URL('/labs/hello-kindlab', server.url).href)
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  await expect(page.locator('#terminal-keys')).toHaveText(/Esc, then Tab/)
  const input = page.locator('.xterm textarea')
  await page.locator('.xterm').click()
  await page.keyboard.press('Tab')
  await expect(input).toBeFocused()
  await page.keyboard.press('Escape')
  await page.keyboard.press('Tab')
  await expect(input).not.toBeFocused()

  await page.locator('.xterm').click()
  await page.keyboard.press('Escape')
  await page.keyboard.press('Shift+Tab')
  await expect(input).not.toBeFocused()
  await expect(page.locator('.xterm textarea')).toHaveAttribute('aria-describedby', 'terminal-keys')
})

test('the step strip is one tab stop; arrow keys move between steps and Enter opens one', async ({ page }) => {
  await page.goto(new URL('/labs/istio-ingress/1', server.url).href)
  const tabs = page.getByRole('tab')
  await expect(tabs).toHaveCount(10)
  await expect(page.locator('[role="tab"][tabindex="0"]')).toHaveCount(1)
  await expect(tabs.first()).toHaveAttribute('aria-selected', 'true')

  await tabs.first().focus()
  await page.keyboard.press('ArrowRight')
  await expect(tabs.nth(1)).toBeFocused()
  await page.keyboard.press('End')
  await expect(tabs.nth(9)).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await expect(tabs.nth(0)).toBeFocused()
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await expect(tabs.nth(8)).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/labs\/istio-ingress\/9$/)
  await expect(tabs.nth(8)).toHaveAttribute('aria-selected', 'true')
  await expect(tabs.nth(8)).toBeFocused()
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'step-tab-8')

  // Tab from the strip goes on to the step, not to the next step tab.
  await page.keyboard.press('Tab')
  await expect(page.locator('[role="tab"]:focus')).toHaveCount(0)
  await expect(page.locator(':focus')).toHaveCount(1)
})
