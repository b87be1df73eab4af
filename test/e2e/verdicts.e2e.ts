// Issue 12 in a real browser: a check kindlab cannot verify offline (kubectl delete) shows its own
// grey state with the reason, is never a tick, does not pass the step, and stays so after a reload.
import { expect, test } from '@playwright/test'
import { useKindlab } from './kindlab-server.ts'

const server = useKindlab('verdicts')

test('an unverified check is grey with its reason, never a tick, also after a reload', async ({ page }) => {
  await page.goto(server.url)
  await page.getByRole('link', { name: 'Istio ingress gateway on the Hipster shop' }).click()
  await page.locator('.step-link[data-step="2"]').click()
  const check = page.locator('.kl-check').first()
  await check.getByRole('button', { name: /Check/ }).click()
  const gone = check.locator('.check-result[data-check-id="frontend-external-deleted"]')
  await expect(gone).toHaveClass(/\bunverified\b/)
  await expect(gone).toHaveAttribute('data-status', 'unverified')
  await expect(gone.locator('.check-icon')).toHaveText('?')
  await expect(gone).toContainText('needs the cluster')
  await expect(gone).toContainText('not verified')
  await expect(page.locator('.step-link[data-step="2"]')).not.toHaveClass(/passed/)

  await page.reload()
  await expect(gone).toHaveClass(/\bunverified\b/)
  await expect(gone.locator('.check-icon')).toHaveText('?')
  await expect(page.locator('.step-link[data-step="2"]')).not.toHaveClass(/passed/)
})
