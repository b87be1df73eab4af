// A class in three browsers: the instructor signs in and creates a cohort (offline: isolation is
// only planned, and the page says so); two trainees join with the class code; one passes a check
// and the grade book shows it live; the instructor watches that trainee's terminal read-only.
import { expect, test, type Browser, type Page } from '@playwright/test'
import { typeInTerminal, useKindlab } from './kindlab-server.ts'

const server = useKindlab('cohort')

async function joinAs(browser: Browser, cohort: string, code: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(new URL(`/join/${cohort}`, server.url).href)
  await page.getByLabel('Class code').fill(code)
  await page.getByLabel('Your name').fill(name)
  await page.getByRole('button', { name: 'Join' }).click()
  await expect(page.getByTestId('rejoin-link')).toContainText(`/join/${cohort}#t=`)
  await page.getByRole('button', { name: 'Open the lab' }).click()
  await expect(page).toHaveURL(/\/labs\/hello-kindlab/)
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  return page
}

test('an instructor runs a class: join, live grade book, read-only watch', async ({ browser }) => {
  const adminToken = /instructor admin token[^:]*: (kla_\S+)/.exec(server.output())?.[1]
  expect(adminToken, 'the server prints the admin token at first start').toBeTruthy()

  const teacher = await (await browser.newContext()).newPage()
  await teacher.goto(new URL('/instructor', server.url).href)
  await teacher.getByLabel('Secret').fill(adminToken ?? '')
  await teacher.getByRole('button', { name: 'Sign in' }).click()
  await teacher.getByLabel('Name').fill('e2e-class')
  await teacher.getByLabel('Lab').selectOption('hello-kindlab')
  await teacher.getByLabel('Trainees').fill('2')
  await teacher.getByLabel('Warm pool').fill('2')
  await teacher.getByRole('button', { name: 'Create cohort' }).click()
  await expect(teacher.getByTestId('offline-notice')).toContainText('only planned')
  await teacher.getByText('Planned isolation objects (not applied)').click()
  await expect(teacher.locator('details.plan')).toContainText('ValidatingAdmissionPolicy kindlab-e2e-class-hosts')
  await expect(teacher.locator('details.plan')).toContainText('NetworkPolicy kl-e2e-class-trainee01/kindlab-isolation')
  const code = (await teacher.getByTestId('class-code').textContent()) ?? ''
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
  await expect(teacher.locator('.live-state')).toHaveText('live · offline')

  const ada = await joinAs(browser, 'e2e-class', code, 'Ada')
  const bob = await joinAs(browser, 'e2e-class', code, 'Bob')
  const adaRow = teacher.locator('tr[data-trainee="trainee01"]')
  await expect(adaRow).toContainText('Ada')
  await expect(teacher.locator('tr[data-trainee="trainee02"]')).toContainText('Bob')

  // Ada passes the first check; the grade book turns green without a reload.
  await typeInTerminal(ada, 'echo "hello" > ~/hello.txt')
  const check = ada.locator('.kl-check').first()
  await expect
    .poll(async () => {
      await check.getByRole('button', { name: /Check/ }).click()
      return check.locator('.check-result.pass').count()
    })
    .toBe(1)
  await expect(adaRow.locator('td[data-step="0"]')).toHaveAttribute('data-state', 'passed')
  await expect(teacher.locator('tr[data-trainee="trainee02"] td[data-step="0"]')).toHaveAttribute('data-state', 'none')

  // Bob fails once: a red cell with the failure count.
  await bob.locator('.kl-check').first().getByRole('button', { name: /Check/ }).click()
  const bobCell = teacher.locator('tr[data-trainee="trainee02"] td[data-step="0"]')
  await expect(bobCell).toHaveAttribute('data-state', 'failed')
  await bobCell.getByRole('button').click()
  const detail = teacher.getByTestId('step-detail')
  await expect(detail).toContainText('Bob (trainee02)')
  await expect(detail.locator('li[data-check="hello-file-exists"]')).toContainText('failed 1 time')
  await detail.getByRole('button', { name: 'Close' }).click()
  await expect(detail).toBeHidden()

  // Over the shoulder: the instructor sees Ada's terminal, read-only.
  await adaRow.getByRole('button', { name: 'Watch' }).click()
  await expect(teacher.locator('.terminal-status')).toHaveText('Watching (read-only)')
  await typeInTerminal(ada, 'echo watched-$((40+2))')
  await expect(teacher.locator('.xterm-rows')).toContainText('watched-42')
  await typeInTerminal(teacher, 'echo typed-by-teacher')
  await typeInTerminal(ada, 'echo still-mine')
  await expect(teacher.locator('.xterm-rows')).toContainText('still-mine')
  await expect(ada.locator('.xterm-rows')).not.toContainText('typed-by-teacher')

  // A server restart loses nothing: the grade book stream and the terminals reconnect by themselves.
  const port = Number(new URL(server.url).port)
  await teacher.goBack()
  await expect(teacher.locator('.live-state')).toHaveText('live · offline')
  await server.stop('SIGKILL')
  await expect(teacher.locator('.live-state')).toHaveText('reconnecting…')
  await server.restart(port)
  expect(server.output()).not.toContain('admin token')
  await expect(teacher.locator('.live-state')).toHaveText('live · offline', { timeout: 20_000 })
  await expect(teacher.locator('tr[data-trainee="trainee01"] td[data-step="0"]')).toHaveAttribute(
    'data-state',
    'passed',
  )
  await expect(ada.locator('.terminal-status')).toHaveText('Connected', { timeout: 20_000 })
  await typeInTerminal(ada, 'cat ~/hello.txt')
  await expect(ada.locator('.xterm-rows')).toContainText('hello')
})
