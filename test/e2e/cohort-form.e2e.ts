// The cohort form in Chromium: its patterns compile (no console error, so the browser's checks
// run), problems show in plain words next to their field, the server's answer too, and every
// submit starts from a clean form.
import { expect, test } from '@playwright/test'
import { useKindlab } from './kindlab-server.ts'

const server = useKindlab('form')

test('the cohort form explains each problem next to its field', async ({ page }) => {
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') {
      consoleErrors.push(m.text())
    }
  })
  const adminToken = /instructor admin token[^:]*: (kla_\S+)/.exec(server.output())?.[1] ?? ''
  await page.goto(new URL('/instructor', server.url).href)
  await page.getByLabel('Secret').fill(adminToken)
  await page.getByRole('button', { name: 'Sign in' }).click()

  const name = page.getByLabel('Name')
  const nameError = page.locator('#cohort-name-error')
  await name.fill('Bad_Name')
  expect(await name.evaluate((el: { validity: { patternMismatch: boolean } }) => el.validity.patternMismatch)).toBe(
    true,
  )
  await page.getByLabel('Trainees').fill('2')
  await page.getByRole('button', { name: 'Create cohort' }).click()
  await expect(nameError).toContainText('lower-case letters, digits and dashes')
  await expect(name).toHaveAttribute('aria-invalid', 'true')
  await expect(name).toBeFocused()

  // A cohort of that name exists: the server's sentence lands next to the name field.
  await name.fill('first-class')
  await page.getByRole('button', { name: 'Create cohort' }).click()
  await expect(page).toHaveURL(/\/instructor\/cohorts\//)
  await page.goto(new URL('/instructor', server.url).href)
  await page.getByLabel('Name').fill('first-class')
  await page.getByLabel('Trainees').fill('2')
  await page.getByRole('button', { name: 'Create cohort' }).click()
  await expect(nameError).toHaveText(
    'A cohort called "first-class" already exists. Pick another name, or tear the old one down first.',
  )
  await expect(page.locator('.form-error[role="alert"]')).toHaveText('')

  // The next submit clears it; a bad domain is explained next to the domain.
  await page.getByLabel('Name').fill('second-class')
  await page.getByLabel('Domain').fill('not a domain')
  await page.getByRole('button', { name: 'Create cohort' }).click()
  await expect(nameError).toBeHidden()
  await expect(page.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#cohort-domain-error')).toContainText('DNS name such as istio-class.example')

  expect(consoleErrors.filter((e) => /pattern/i.test(e))).toEqual([])
})
