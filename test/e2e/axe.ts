// axe-core in the browser tests: the serious and critical violations of WCAG 2 A/AA rules on the
// page as it is now, one line each (rule, impact, first element), so a failure says what to fix.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes[0]?.target.join(' ') ?? ''}`)
}
