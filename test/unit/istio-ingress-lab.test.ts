// Mutation tests of the istio-ingress lab: every step's solution passes its checks offline, and
// every file under mistakes/ fails the checks it declares with a hint matching its pattern. Also
// checks the mistake catalogue itself (at least three mistakes per check, known check ids).
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { gradeFiles } from '../../server/cli/check-cli.ts'
import { loadLabs, type Lab } from '../../server/labs/load-labs.ts'
import { isKnownCause } from '../../server/checks/causes.ts'
import { pickHint } from '../../server/checks/hints.ts'
import { resolveCheck, resolveVariables, substituteVariables } from '../../server/labs/variables.ts'
import { packageRoot } from '../../server/paths.ts'
import { type Mistake, parseMistake } from './istio-ingress-mistakes.ts'

const LAB = 'istio-ingress'
const labDir = join(packageRoot(), 'labs', LAB)

async function yamlFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names.filter((n) => n.endsWith('.yaml')).sort()
}

async function solutionTexts(
  slugDir: string,
  vars: Record<string, string>,
): Promise<Array<{ file: string; text: string }>> {
  const dir = join(labDir, 'solution', slugDir)
  return Promise.all(
    (await yamlFiles(dir)).map(async (file) => ({
      file,
      text: substituteVariables(await readFile(join(dir, file), 'utf8'), vars),
    })),
  )
}

let lab: Lab
const mistakes: Mistake[] = []

beforeAll(async () => {
  const { labs } = await loadLabs(join(packageRoot(), 'labs'))
  const found = labs.find((l) => l.id === LAB)
  if (found === undefined) {
    throw new Error(`lab ${LAB} did not load; run kindlab labs validate`)
  }
  lab = found
  for (const step of await readdir(join(labDir, 'mistakes'))) {
    for (const file of await yamlFiles(join(labDir, 'mistakes', step))) {
      mistakes.push(parseMistake(step, file, await readFile(join(labDir, 'mistakes', step, file), 'utf8')))
    }
  }
})

const stepDir = (l: Lab, index: number): string => {
  const step = l.steps[index]!
  return `${String(index + 1).padStart(2, '0')}-${step.slug}`
}

describe('istio-ingress solutions', () => {
  it('every step has checks and a solution folder', () => {
    for (const step of lab.steps) {
      expect(step.checks.length, step.slug).toBeGreaterThan(0)
      expect(step.solutionDir, step.slug).toBe(`solution/${stepDir(lab, step.index)}`)
    }
  })

  for (const [name, overrides] of [
    ['defaults', {}],
    ['a cohort domain and namespace', { TRAINEE_DOMAIN: 'trainee7.example.com', LEARNER_NAMESPACE: 'trainee7' }],
  ] as const) {
    it(`each step's solution passes all its checks (${name})`, async () => {
      const vars = resolveVariables(lab.variables, overrides)
      for (const step of lab.steps) {
        const report = await gradeFiles(lab, step, await solutionTexts(stepDir(lab, step.index), vars), vars)
        const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message} ${c.hint ?? ''}`)
        expect(failed, step.slug).toEqual([])
      }
    })
  }

  it('all solutions together (a workspace at the end of the lab) still pass every step', async () => {
    const vars = resolveVariables(lab.variables)
    const byName = new Map<string, { file: string; text: string }>()
    for (const step of lab.steps) {
      for (const f of await solutionTexts(stepDir(lab, step.index), vars)) {
        byName.set(f.file, f)
      }
    }
    for (const step of lab.steps) {
      const report = await gradeFiles(lab, step, [...byName.values()], vars)
      const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)
      expect(failed, step.slug).toEqual([])
    }
  })
})

describe('istio-ingress correct variants', () => {
  it('equivalent correct answers (variants/) pass every check of their step', async () => {
    const vars = resolveVariables(lab.variables)
    const problems: string[] = []
    for (const dir of await readdir(join(labDir, 'variants'))) {
      const step = lab.steps.find((s) => stepDir(lab, s.index) === dir)
      if (step === undefined) {
        problems.push(`variants/${dir}: no such step`)
        continue
      }
      for (const file of await yamlFiles(join(labDir, 'variants', dir))) {
        const text = substituteVariables(await readFile(join(labDir, 'variants', dir, file), 'utf8'), vars)
        const report = await gradeFiles(lab, step, [{ file, text }], vars)
        // `# unverified: <check>`: offline kindlab cannot see it (kubectl create); never a pass.
        const open = [...text.matchAll(/^# unverified: ([a-z0-9-]+)/gm)].map((m) => m[1])
        for (const c of report.checks) {
          const want = open.includes(c.id) ? 'unverified' : 'passed'
          if (c.status !== want) {
            problems.push(`variants/${dir}/${file}: ${c.id} is ${c.status}, not ${want}: ${c.message} ${c.hint ?? ''}`)
          }
        }
      }
    }
    expect(problems).toEqual([])
  })
})

describe('istio-ingress mistakes', () => {
  it('every mistake names known checks of its own step', () => {
    for (const m of mistakes) {
      const step = lab.steps.find((s) => stepDir(lab, s.index) === m.step)
      expect(step, `${m.step}/${m.file}: no such step`).toBeDefined()
      for (const f of m.fails) {
        expect(
          step?.checks.map((c) => c.id),
          `${m.step}/${m.file}`,
        ).toContain(f.check)
      }
      expect(m.fails.length, `${m.step}/${m.file} declares no failing check`).toBeGreaterThan(0)
    }
  })

  it('every check has at least three typical mistakes', () => {
    const counts = new Map<string, number>()
    for (const m of mistakes) {
      for (const f of m.fails) {
        counts.set(f.check, (counts.get(f.check) ?? 0) + 1)
      }
    }
    const short = lab.steps.flatMap((s) => s.checks.map((c) => c.id)).filter((id) => (counts.get(id) ?? 0) < 3)
    expect(short).toEqual([])
  })

  it('each mistake fails its checks with the relevant hint', async () => {
    const vars = resolveVariables(lab.variables)
    const problems: string[] = []
    for (const m of mistakes) {
      const step = lab.steps.find((s) => stepDir(lab, s.index) === m.step)!
      const report = await gradeFiles(lab, step, [{ file: m.file, text: substituteVariables(m.text, vars) }], vars)
      for (const f of m.fails) {
        const got = report.checks.find((c) => c.id === f.check)
        if (got === undefined) {
          problems.push(`${m.step}/${m.file}: ${f.check} did not run`)
        } else if (got.passed) {
          problems.push(`${m.step}/${m.file}: ${f.check} passed (${got.message})`)
        } else if (!f.hint.test(`${got.finding ?? ''} ${got.hint ?? ''}`)) {
          problems.push(
            `${m.step}/${m.file}: ${f.check} finding ${JSON.stringify(got.finding)} and hint ${JSON.stringify(got.hint)} do not match ${String(f.hint)}`,
          )
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('each mistake reports the cause it names, and shows the written hint keyed to that cause', async () => {
    const vars = resolveVariables(lab.variables)
    const problems: string[] = []
    for (const m of mistakes) {
      const step = lab.steps.find((s) => stepDir(lab, s.index) === m.step)!
      const report = await gradeFiles(lab, step, [{ file: m.file, text: substituteVariables(m.text, vars) }], vars)
      for (const f of m.fails) {
        const where = `${m.step}/${m.file}: ${f.check}`
        const got = report.checks.find((c) => c.id === f.check)
        const spec = step.checks.find((c) => c.id === f.check)
        if (f.cause === undefined || !isKnownCause(f.cause)) {
          problems.push(`${where}: names no known cause ("because <cause>")`)
          continue
        }
        if (got === undefined || spec === undefined) {
          problems.push(`${where}: did not run`)
          continue
        }
        if (got.cause !== f.cause) {
          problems.push(`${where}: reports cause ${got.cause ?? '(none)'}, not ${f.cause}`)
          continue
        }
        const check = resolveCheck(spec, vars)
        const byCause = check.hintByCause !== undefined && Object.hasOwn(check.hintByCause, f.cause)
        const fields = (check['fields'] ?? []) as Array<{ path: string; hint?: string }>
        const fieldHint = fields.find((x) => x.hint !== undefined && (got.finding ?? '').includes(` ${x.path} `))?.hint
        // The keyed hint wins over the generic ladder, whatever the attempt number.
        const expected =
          f.cause === 'field-wrong' && fieldHint !== undefined
            ? fieldHint
            : byCause
              ? pickHint(check.hintByCause?.[f.cause], Number.MAX_SAFE_INTEGER)
              : pickHint(check.hint, Number.MAX_SAFE_INTEGER)
        if (got.hint !== expected) {
          problems.push(`${where}: shows ${JSON.stringify(got.hint)}, expected ${JSON.stringify(expected)}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('the routes of step 4 have a written hint for every cause their mistakes report', () => {
    const step = lab.steps.find((s) => s.slug === 'expose-the-shop')!
    const missing: string[] = []
    for (const m of mistakes.filter((x) => x.step === stepDir(lab, step.index))) {
      for (const f of m.fails) {
        const spec = step.checks.find((c) => c.id === f.check)
        const keyed =
          spec?.hintByCause !== undefined && f.cause !== undefined && Object.hasOwn(spec.hintByCause, f.cause)
        if (spec?.kind !== 'route' && spec?.kind !== 'http') {
          continue
        }
        if (!keyed && !(f.check === 'other-host-not-found')) {
          missing.push(`${f.check} ${f.cause ?? '(none)'} (${m.file})`)
        }
      }
    }
    expect(missing).toEqual([])
  })
})
