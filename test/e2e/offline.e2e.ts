// Offline start, as a newcomer meets it: the lab list points to the starter lab, a lab that needs
// the cluster says what still works, its cluster-only Run buttons explain instead of spraying
// errors, hints that need the cluster are marked, and the `?` blanks are filled in the page's
// editor (which asks before overwriting a file changed in the terminal) up to a passed Check.
import { expect, test, type Page } from '@playwright/test'
import { seriousViolations } from './axe.ts'
import { keepScreenshot, typeInTerminal, useKindlab } from './kindlab-server.ts'

const server = useKindlab('offline')

const at = (path: string) => new URL(path, server.url).href
const terminalText = (page: Page) => page.locator('.xterm-rows')

test('the lab list points a newcomer to the starter lab and says what works offline', async ({ page }) => {
  await page.goto(server.url)
  const starter = page.getByTestId('starter')
  await expect(starter).toContainText('New to kindlab?')
  await expect(starter.getByRole('link')).toHaveAttribute('href', '/labs/hello-kindlab')
  await expect(page.locator('.lab-card[data-lab="istio-ingress"] .offline-hint')).toContainText('press Check')
  await expect(page.locator('.lab-card[data-lab="hello-kindlab"] .offline-hint')).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'instructor area' })).toHaveAttribute('href', '/instructor')
})

test('offline, cluster-only Run buttons explain instead of running, local ones still run', async ({ page }) => {
  await page.goto(at('/labs/istio-ingress/2'))
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  await expect(page.locator('.offline-note')).toContainText('press Check')
  const kubectlRun = page.locator('.kl-run', { hasText: 'kubectl -n istio-system get service' })
  const button = kubectlRun.getByRole('button', { name: /Run/ })
  await expect(button).toHaveAttribute('aria-disabled', 'true')
  await button.click({ force: true })
  await expect(kubectlRun.locator('.action-note')).toHaveClass(/attention/)
  await typeInTerminal(page, 'echo marker-$((40+2))')
  await expect(terminalText(page)).toContainText('marker-42')
  await expect(terminalText(page)).not.toContainText('kubectl')
  await expect(terminalText(page)).not.toContainText('refused')

  await page.goto(at('/labs/hello-kindlab/1'))
  await expect(page.locator('.offline-note')).toHaveCount(0)
  await expect(page.locator('.kl-run').first().getByRole('button', { name: /Run/ })).not.toHaveAttribute(
    'aria-disabled',
    'true',
  )
})

test('hints that need the cluster are marked, and backticks show as code', async ({ page }) => {
  await page.goto(at('/labs/istio-ingress/1'))
  const check = page.locator('.kl-check').first()
  await expect(check.getByRole('button', { name: 'Check' })).toBeVisible()
  await check.getByRole('button', { name: 'Check' }).click()
  const hint = check.locator('.check-hint').first()
  await expect(hint).toBeVisible()
  await expect(hint).toBeInViewport()
  await expect(hint.locator('code').first()).toContainText('kubectl')
  await expect(hint).not.toContainText('`')
  await expect(hint.locator('.tag-offline')).toHaveText('needs the cluster')
})

test('the editor fills the ? blanks, marks findings at their lines, asks before overwriting a file changed in the terminal, and Check passes', async ({
  page,
}, info) => {
  await page.goto(at('/labs/istio-ingress/2'))
  await expect(page.locator('.terminal-status')).toHaveText('Connected')
  const block = page.locator('.kl-file', { hasText: 'ingress-findings.yaml' })
  await block.getByRole('button', { name: 'Edit ingress-findings.yaml' }).click()
  const editor = block.getByRole('textbox', { name: 'Edit ~/ingress-findings.yaml' })
  await expect(editor).toBeFocused()
  const template = await editor.innerText()
  expect(template).toContain('reason: "?"')
  // The first blank is selected: typing replaces it.
  await page.keyboard.type('no-route')
  expect(await editor.innerText()).toContain('reason: no-route')
  await block.getByRole('button', { name: 'Save ~/ingress-findings.yaml' }).click()
  await expect(block.locator('.file-editor [role="status"]')).toContainText('Saved to ~/ingress-findings.yaml')

  // A wrong answer: the grader's finding is marked at the field's line (6) in the editor.
  const check = page.locator('.kl-check').first()
  await check.getByRole('button', { name: 'Check' }).click()
  await expect(check.locator('.check-result.fail')).toHaveCount(1)
  const cm = block.locator('.cm-editor')
  await expect(cm).toHaveAttribute('data-markers', '6')
  await expect(cm.locator('.cm-lint-marker-error')).toHaveCount(1)
  await expect(cm.locator('.cm-lintRange-error')).toHaveText('reason: no-route')
  expect(await seriousViolations(page)).toEqual([])
  // The editor's colours follow the page's dark theme with the same contrast.
  await page.emulateMedia({ colorScheme: 'dark' })
  expect(await seriousViolations(page)).toEqual([])
  await page.emulateMedia({ colorScheme: 'light' })
  const viewport = page.viewportSize()
  await page.setViewportSize({ width: 1440, height: 900 })
  await cm.scrollIntoViewIfNeeded()
  await keepScreenshot(page, info, 'editor-marker-1440x900')
  await page.setViewportSize({ width: 390, height: 844 })
  await cm.scrollIntoViewIfNeeded()
  await keepScreenshot(page, info, 'editor-marker-390x844')
  if (viewport) {
    await page.setViewportSize(viewport)
  }

  await editor.fill(template.replace('reason: "?"', 'reason: no-listener').replace('fix: "?"', 'fix: gateway'))
  await block.getByRole('button', { name: 'Save ~/ingress-findings.yaml' }).click()
  await expect(block.locator('.file-editor [role="status"]')).toContainText('Saved to ~/ingress-findings.yaml')

  // The learner changes the file in the terminal; the editor still holds the old text.
  await typeInTerminal(page, 'echo "# from vi" >> ~/ingress-findings.yaml && echo appended-ok')
  await expect(terminalText(page)).toContainText('appended-ok')
  let asked = ''
  page.once('dialog', (dialog) => {
    asked = dialog.message()
    void dialog.dismiss()
  })
  await block.getByRole('button', { name: 'Save ~/ingress-findings.yaml' }).click()
  await expect(block.locator('.file-editor [role="status"]')).toContainText('Not saved')
  expect(asked).toContain('was changed after the page loaded it')

  // The block's own Save asks too, since the file holds the learner's answers.
  page.once('dialog', (dialog) => {
    asked = dialog.message()
    void dialog.dismiss()
  })
  await block.getByRole('button', { name: 'Save ingress-findings.yaml' }).click()
  await expect(block.locator(':scope > .action-bar [role="status"]')).toHaveText('Kept your ~/ingress-findings.yaml.')
  expect(asked).toContain('has changes of yours')
  await typeInTerminal(page, 'grep -q "from vi" ~/ingress-findings.yaml && echo kept-$((1+1))')
  await expect(terminalText(page)).toContainText('kept-2')

  await check.getByRole('button', { name: 'Check' }).click()
  await expect(check.locator('.check-result.pass')).toHaveCount(1)
  await expect(cm).toHaveAttribute('data-markers', '')
  await expect(check.locator('.check-result.fail')).toHaveCount(0)
  await expect(page.locator('.step-link[data-step="1"]')).toHaveClass(/passed/)
})
