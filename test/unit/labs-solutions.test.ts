// Mutation tests of every lab in labs/: each step's solution passes its checks offline, each
// equivalent answer under variants/ passes too, and every file under mistakes/ fails the checks it
// declares with a hint matching its pattern and the cause it names. Also checks the mistake
// catalogue itself (known check ids; at least three mistakes per grader check). The files are
// written into a fresh workspace folder, so file and command checks run as in a session.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runShellCommand } from '../../server/adapters/process/run-command.ts'
import { isKnownCause } from '../../server/checks/causes.ts'
import { type CheckReport, gradeFiles } from '../../server/checks/grade-files.ts'
import { pickHint } from '../../server/checks/hints.ts'
import { loadLabs, type Lab, type Step } from '../../server/labs/load-labs.ts'
import { resolveCheck, resolveVariables, substituteVariables } from '../../server/labs/variables.ts'
import { packageRoot } from '../../server/paths.ts'
import { type Mistake, parseMistake } from './lab-mistakes.ts'

type File = { file: string; text: string }

const labsRoot = join(packageRoot(), 'labs')
const loaded = await loadLabs(labsRoot)
const labDirs = (await readdir(labsRoot, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name)
/** Check kinds that judge files and commands rather than Kubernetes resources: no mistake catalogue. */
const plainKinds = new Set(['command', 'file'])

const workspaces: string[] = []
afterAll(async () => {
  await Promise.all(workspaces.map((w) => rm(w, { recursive: true, force: true })))
})

async function filesIn(dir: string, onlyYaml: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries
    .filter((e) => e.isFile() && (!onlyYaml || e.name.endsWith('.yaml')))
    .map((e) => e.name)
    .sort()
}

async function readFiles(dir: string, vars: Record<string, string>): Promise<File[]> {
  return Promise.all(
    (await filesIn(dir, false)).map(async (file) => ({
      file,
      text: substituteVariables(await readFile(join(dir, file), 'utf8'), vars),
    })),
  )
}

/** Grades `files` as the learner's workspace: YAML files are the resources, commands run in it. */
async function grade(lab: Lab, step: Step, files: readonly File[], vars: Record<string, string>): Promise<CheckReport> {
  const workspaceDir = await mkdtemp(join(tmpdir(), `kindlab-${lab.id}-`))
  workspaces.push(workspaceDir)
  await Promise.all(files.map((f) => writeFile(join(workspaceDir, f.file), f.text)))
  const resources = files.filter((f) => f.file.endsWith('.yaml'))
  return gradeFiles(lab, step, resources, vars, {
    workspaceDir,
    runCommand: (command, options) =>
      runShellCommand(command, { cwd: workspaceDir, env: { ...vars }, timeoutMs: options.timeoutMs }),
  })
}

const stepDir = (l: Lab, index: number): string => `${String(index + 1).padStart(2, '0')}-${l.steps[index]!.slug}`

async function mistakesOf(labDir: string): Promise<Mistake[]> {
  const out: Mistake[] = []
  for (const step of (await readdir(join(labDir, 'mistakes')).catch(() => [] as string[])).sort()) {
    for (const file of await filesIn(join(labDir, 'mistakes', step), true)) {
      out.push(parseMistake(step, file, await readFile(join(labDir, 'mistakes', step, file), 'utf8')))
    }
  }
  return out
}

describe('the labs', () => {
  it('every folder in labs/ is a lab that loads without issues (none is left out of the tests below)', () => {
    expect(loaded.issues).toEqual([])
    expect(loaded.labs.map((l) => l.id).sort()).toEqual(labDirs.sort())
    expect(loaded.labs.length).toBeGreaterThan(0)
  })
})

describe.each(loaded.labs.map((lab) => ({ lab, id: lab.id })))('lab $id', ({ lab }) => {
  const labDir = join(labsRoot, lab.id)
  const solution = (index: number, vars: Record<string, string>): Promise<File[]> =>
    readFiles(join(labDir, 'solution', stepDir(lab, index)), vars)

  it('every step has checks and a solution folder', () => {
    for (const step of lab.steps) {
      expect(step.checks.length, step.slug).toBeGreaterThan(0)
      expect(step.solutionDir, step.slug).toBe(`solution/${stepDir(lab, step.index)}`)
    }
  })

  const cohort = { TRAINEE_DOMAIN: 'trainee7.example.com', LEARNER_NAMESPACE: 'trainee7' }
  const settings: Array<[string, Record<string, string>]> = [['defaults', {}]]
  if (Object.keys(cohort).some((name) => Object.hasOwn(lab.variables, name))) {
    settings.push(['a cohort domain and namespace', cohort])
  }
  it.each(settings)("each step's solution passes all its checks (%s)", async (_name, overrides) => {
    const vars = resolveVariables(lab.variables, overrides)
    for (const step of lab.steps) {
      const report = await grade(lab, step, await solution(step.index, vars), vars)
      const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message} ${c.hint ?? ''}`)
      expect(failed, step.slug).toEqual([])
    }
  })

  it('all solutions together (a workspace at the end of the lab) still pass every step', async () => {
    const vars = resolveVariables(lab.variables)
    const byName = new Map<string, File>()
    for (const step of lab.steps) {
      for (const f of await solution(step.index, vars)) {
        byName.set(f.file, f)
      }
    }
    for (const step of lab.steps) {
      const report = await grade(lab, step, [...byName.values()], vars)
      const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)
      expect(failed, step.slug).toEqual([])
    }
  })

  it('equivalent correct answers (variants/) pass every check of their step', async () => {
    const vars = resolveVariables(lab.variables)
    const problems: string[] = []
    for (const dir of await readdir(join(labDir, 'variants')).catch(() => [] as string[])) {
      const step = lab.steps.find((s) => stepDir(lab, s.index) === dir)
      if (step === undefined) {
        problems.push(`variants/${dir}: no such step`)
        continue
      }
      for (const { file, text } of await readFiles(join(labDir, 'variants', dir), vars)) {
        const report = await grade(lab, step, [{ file, text }], vars)
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

  describe('mistakes', async () => {
    const mistakes = await mistakesOf(labDir)
    const stepOf = (m: Mistake): Step | undefined => lab.steps.find((s) => stepDir(lab, s.index) === m.step)

    it('every mistake names known checks of its own step', () => {
      for (const m of mistakes) {
        const step = stepOf(m)
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

    it('every grader check has at least three typical mistakes', () => {
      const counts = new Map<string, number>()
      for (const m of mistakes) {
        for (const f of m.fails) {
          counts.set(f.check, (counts.get(f.check) ?? 0) + 1)
        }
      }
      const short = lab.steps
        .flatMap((s) => s.checks)
        .filter((c) => !plainKinds.has(c.kind) && (counts.get(c.id) ?? 0) < 3)
        .map((c) => c.id)
      expect(short).toEqual([])
    })

    it('each mistake fails its checks with the relevant hint', async () => {
      const vars = resolveVariables(lab.variables)
      const problems: string[] = []
      for (const m of mistakes) {
        const report = await grade(lab, stepOf(m)!, [{ file: m.file, text: substituteVariables(m.text, vars) }], vars)
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
        const step = stepOf(m)!
        const report = await grade(lab, step, [{ file: m.file, text: substituteVariables(m.text, vars) }], vars)
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
          const fieldHint = fields.find(
            (x) => x.hint !== undefined && (got.finding ?? '').includes(` ${x.path} `),
          )?.hint
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
  })
})
