// A rule of the istio-ingress lab's own: the routes of step 4 (expose-the-shop) have a written hint
// keyed to every cause their mistakes report. The checks every lab must pass are in
// labs-solutions.test.ts.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { loadLabs } from '../../server/labs/load-labs.ts'
import { packageRoot } from '../../server/paths.ts'
import { parseMistake } from './lab-mistakes.ts'

it('the routes of step 4 have a written hint for every cause their mistakes report', async () => {
  const lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'istio-ingress')
  const step = lab?.steps.find((s) => s.slug === 'expose-the-shop')
  expect(step).toBeDefined()
  const dir = join(
    packageRoot(),
    'labs',
    'istio-ingress',
    'mistakes',
    `${String(step!.index + 1).padStart(2, '0')}-${step!.slug}`,
  )
  const missing: string[] = []
  let seen = 0
  for (const file of (await readdir(dir)).filter((n) => n.endsWith('.yaml'))) {
    const m = parseMistake(dir, file, await readFile(join(dir, file), 'utf8'))
    for (const f of m.fails) {
      const spec = step!.checks.find((c) => c.id === f.check)
      const keyed = spec?.hintByCause !== undefined && f.cause !== undefined && Object.hasOwn(spec.hintByCause, f.cause)
      if (spec?.kind !== 'route' && spec?.kind !== 'http') {
        continue
      }
      seen++
      if (!keyed && !(f.check === 'other-host-not-found')) {
        missing.push(`${f.check} ${f.cause ?? '(none)'} (${m.file})`)
      }
    }
  }
  expect(seen, 'step 4 has route and http mistakes').toBeGreaterThan(0)
  expect(missing).toEqual([])
})
