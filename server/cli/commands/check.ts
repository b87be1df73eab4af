// `kindlab check <lab> --step <step> --resources FILE`: grades one step of a lab against the
// resources in a file, without a cluster (the prediction layer), as the Check button would; with
// `--kubeconfig`/`--context` it grades live: the cluster's objects, the gateway's Envoy, real traffic.
// Loads the lab, finds the step, reads the files as kubectl would, grades and prints the report. The
// grader, the labs and the cluster adapters load only when the command runs.
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import type { CheckReport } from '../../checks/grade-files.ts'
import type { CheckStatus } from '../../checks/types.ts'
import { AppError } from '../../errors.ts'
import type { KubeYamlResult } from '../../grader/core/yaml/kube-yaml.ts'
import type { Lab, Step } from '../../labs/load-labs.ts'
import { pc } from '../colors.ts'
import { liveFlagOptions, parseLiveFlags, type LiveFlags } from '../live-flags.ts'
import { printJson } from '../output.ts'
import { parseVarPairs } from '../serve-flags.ts'

/** What the command needs beyond its options and printing, loaded when it runs (not for `--help`). */
const load = async () => ({
  ...(await import('../../checks/grade-files.ts')),
  ...(await import('../../grader/core/yaml/kube-yaml.ts')),
  ...(await import('../../labs/load-labs.ts')),
  ...(await import('../../labs/paths.ts')),
  ...(await import('../../labs/variables.ts')),
  ...(await import('../../provision/blueprint.ts')),
  ...(await import('../live-target.ts')),
})

/** The flags of `kindlab check`. */
export interface CheckFlags extends LiveFlags {
  step: string
  resources: string[]
  var: string[]
  offline?: boolean
  json?: boolean
  labs?: string
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Adds `kindlab check` to the program. */
export function registerCheck(program: Command): void {
  liveFlagOptions(
    program
      .command('check')
      .description(
        'grade a lab step against the resources in a file (as `kubectl apply -f` would create them), offline',
      )
      .argument('<lab>', 'the lab id, e.g. istio-ingress')
      .requiredOption('--step <step>', 'the step: its number (1-based) or its slug, e.g. 4 or expose-the-shop')
      .option(
        '--resources <file>',
        'a YAML file with your resources (repeat for several files); offline only',
        collect,
        [],
      )
      .option('--var <name=value>', 'set a lab variable, e.g. TRAINEE_DOMAIN=example.com (repeatable)', collect, [])
      .option('--offline', 'grade on the predicted configuration only (the default: the CLI attaches no cluster)')
      .option('--json', 'print {lab, step, passed, checks: [...]} as JSON')
      .option('--labs <dir>', 'the folder holding the labs (default: the labs that ship with kindlab)'),
  )
    .addHelpText(
      'after',
      `
Resources without a namespace belong to the learner's namespace (the lab variable LEARNER_NAMESPACE,
default "default"); the lab's own environment (the shop, the gateway Service, the addons) is added.
Live (--kubeconfig or --context): the resources are read from the cluster instead, and each check
also runs on the gateway's real Envoy and with real requests; --json lists the layers that ran.

Exit codes: 0 every check passed, 1 a check failed, 64+ the input could not be used.`,
    )
    .action(async (lab: string, flags: CheckFlags) => {
      const passed = await runCheckCommand(lab, flags)
      if (!passed) {
        process.exitCode = 1
      }
    })
}

/** Grades the step and prints the report; returns whether every check passed. */
export async function runCheckCommand(labId: string, flags: CheckFlags): Promise<boolean> {
  const report = await gradeStep(labId, flags)
  if (flags.json === true) {
    printJson(report)
  } else {
    printReport(report)
  }
  return report.passed
}

/** Grades the step described by the flags (no printing). */
export async function gradeStep(labId: string, flags: CheckFlags): Promise<CheckReport> {
  const { resolveVariables, substituteVariables, liveTargetServices, loadBlueprint, gradeWithServices, gradeFiles } =
    await load()
  const lab = await findLab(labId, flags.labs)
  const step = findStep(lab, flags.step)
  const vars = resolveVariables(lab.variables, parseVars(flags.var, lab))
  const target = parseLiveFlags(flags)
  if (target !== undefined) {
    if (flags.resources.length > 0) {
      throw new AppError('LAB_ERR_USAGE', {
        message: 'Live grading reads your resources from the cluster; --resources is for offline grading.',
        hint: 'Apply your files with `kubectl apply -f`, then run the check without --resources.',
      })
    }
    const live = liveTargetServices(target, await loadBlueprint(), Boolean(process.env['KUBERNETES_SERVICE_HOST']))
    return gradeWithServices(lab, step, vars, live)
  }
  if (flags.resources.length === 0) {
    throw new AppError('LAB_ERR_USAGE', {
      message: 'Nothing to grade: give --resources FILE (offline) or a cluster with --kubeconfig/--context.',
      hint: 'Example: kindlab check istio-ingress --step 4 --resources shop.yaml',
    })
  }
  // Solution files of a lab may use its variables; a learner's files simply have none.
  const files = (await readResourceFiles(flags.resources)).map((f) => ({
    ...f,
    text: substituteVariables(f.text, vars),
  }))
  return gradeFiles(lab, step, files, vars, { workspaceDir: dirname(resolve(flags.resources[0] ?? '.')) })
}

/** The lab with this id among the valid labs of `labsDir`; an AppError naming the choices otherwise. */
export async function findLab(labId: string, labsDir: string | undefined): Promise<Lab> {
  const { loadLabs, defaultLabsDir } = await load()
  const { labs, issues } = await loadLabs(labsDir ?? defaultLabsDir())
  const lab = labs.find((l) => l.id === labId)
  if (lab !== undefined) {
    return lab
  }
  const broken = issues.some((i) => i.file.startsWith(`${labId}/`))
  throw new AppError('LAB_ERR_LAB_NOT_FOUND', {
    message: broken ? `The lab "${labId}" has errors and cannot be graded.` : `There is no lab called "${labId}".`,
    hint: broken
      ? `Run \`kindlab labs validate\` to see them.`
      : `Available labs: ${labs.map((l) => l.id).join(', ') || 'none'}.`,
  })
}

/** `4`, `04`, `expose-the-shop` or `04-expose-the-shop`. */
export function findStep(lab: Lab, wanted: string): Step {
  const w = wanted.trim().toLowerCase()
  const n = /^\d+$/.test(w) ? Number(w) : Number.NaN
  const step = lab.steps.find(
    (s) => s.index + 1 === n || s.slug === w || `${String(s.index + 1).padStart(2, '0')}-${s.slug}` === w,
  )
  if (step !== undefined) {
    return step
  }
  throw new AppError('LAB_ERR_STEP_NOT_FOUND', {
    message: `Lab "${lab.id}" has no step "${wanted}".`,
    hint: `Use a number from 1 to ${lab.steps.length} or a slug: ${lab.steps.map((s) => s.slug).join(', ')}.`,
  })
}

function parseVars(pairs: readonly string[], lab: Lab): Record<string, string> {
  const vars = parseVarPairs(pairs)
  for (const name of Object.keys(vars)) {
    if (!Object.hasOwn(lab.variables, name)) {
      throw new AppError('LAB_ERR_USAGE', {
        message: `Lab "${lab.id}" has no variable ${name}.`,
        hint: `Its variables: ${Object.keys(lab.variables).join(', ') || 'none'}.`,
      })
    }
  }
  return vars
}

async function readResourceFiles(paths: readonly string[]): Promise<Array<{ file: string; text: string }>> {
  const { readKubeYaml } = await load()
  const files: Array<{ file: string; text: string }> = []
  for (const path of await expandDirectories(paths)) {
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      throw new AppError('LAB_ERR_INPUT_FILE', {
        message: `Cannot read ${path}.`,
        hint: 'Pass the YAML file (or folder of YAML files) you would give to `kubectl apply -f`.',
        cause: err,
      })
    })
    checkYaml(readKubeYaml(text), path)
    files.push({ file: basename(path), text })
  }
  return files
}

/** A folder stands for its .yaml/.yml files, sorted by name, as `kubectl apply -f DIR` reads it. */
async function expandDirectories(paths: readonly string[]): Promise<string[]> {
  const out: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined)
    if (info?.isDirectory() === true) {
      const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort()
      out.push(...names.map((n) => join(path, n)))
    } else {
      out.push(path)
    }
  }
  return out
}

/** Refuses, with file:line, a file kubectl would refuse (`read` is the file as kubectl reads it). */
function checkYaml(read: KubeYamlResult, path: string): void {
  if (read.error !== undefined) {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `${path}:${read.error.line} is not valid YAML as kubectl reads it (document ${read.error.document + 1}): ${read.error.message}`,
      hint: 'Fix the YAML (indentation, a missing colon or quote); kubectl would refuse the file too.',
    })
  }
  const notObject = read.documents.find((d) => typeof d.value !== 'object' || Array.isArray(d.value))
  if (notObject !== undefined) {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `${path}:${notObject.line} holds something other than Kubernetes objects.`,
      hint: 'Each YAML document must be an object with apiVersion, kind and metadata, as for `kubectl apply -f`.',
    })
  }
}

/** ✔ passed, ✘ failed, ? unverified (grey: never a tick). */
const STATUS_MARK: Record<CheckStatus, () => string> = {
  passed: () => pc.green('✔'),
  failed: () => pc.red('✘'),
  unverified: () => pc.dim('?'),
}

function summary(report: CheckReport): string {
  const n = (s: CheckStatus): number => report.checks.filter((c) => c.status === s).length
  const parts = [
    n('failed') > 0 ? `${n('failed')} failed` : undefined,
    n('unverified') > 0
      ? `${n('unverified')} unverified (needs the live cluster or more of your resources)`
      : undefined,
  ].filter((p): p is string => p !== undefined)
  return pc.red(`${parts.join(', ')}, out of ${report.checks.length} checks: the step is not passed.`)
}

function printReport(report: CheckReport): void {
  const lines = [`${pc.bold(report.lab)} step ${report.step.number} (${report.step.slug}): ${report.step.title}`]
  for (const c of report.checks) {
    lines.push(`${STATUS_MARK[c.status]()} ${c.id}: ${c.message}`)
    lines.push(
      pc.dim(
        `    layers: ${c.layers.map((l) => `${l.layer} ${l.passed === undefined ? '–' : l.passed ? 'ok' : 'FAIL'}`).join(', ')}`,
      ),
    )
    if (c.status === 'failed' && c.finding !== undefined) {
      lines.push(`    ${pc.cyan('found')}: ${c.finding}`)
    }
    if (c.status === 'failed' && c.hint !== undefined) {
      lines.push(`    ${pc.cyan('hint')}: ${c.hint}`)
    }
  }
  lines.push(report.passed ? pc.green('All checks passed.') : summary(report))
  process.stdout.write(`${lines.join('\n')}\n`)
}
