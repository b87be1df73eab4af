// The work behind `kindlab check`: load the lab, find the step, read the learner's resource files,
// grade the step's checks offline (prediction layer) and print the report. Loaded lazily.
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { pc } from './colors.ts'
import { AppError } from '../errors.ts'
import { type CheckReport, gradeFiles, gradeWithServices } from '../checks/grade-files.ts'
import type { CheckStatus } from '../checks/types.ts'
import { readKubeYaml } from '../grader/core/yaml/kube-yaml.ts'
import { loadLabs, type Lab, type Step } from '../labs/load-labs.ts'
import { defaultLabsDir } from '../labs/paths.ts'
import { resolveVariables, substituteVariables } from '../labs/variables.ts'
import { loadBlueprint } from '../provision/blueprint.ts'
import { parseLiveFlags, type LiveFlags } from './live-flags.ts'
import { liveTargetServices } from './live-target.ts'
import { printJson } from './output.ts'
import { parseVarPairs } from './serve-flags.ts'

/** The flags of `kindlab check`. */
export interface CheckFlags extends LiveFlags {
  step: string
  resources: string[]
  var: string[]
  offline?: boolean
  json?: boolean
  labs?: string
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
  const files: Array<{ file: string; text: string }> = []
  for (const path of await expandDirectories(paths)) {
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      throw new AppError('LAB_ERR_INPUT_FILE', {
        message: `Cannot read ${path}.`,
        hint: 'Pass the YAML file (or folder of YAML files) you would give to `kubectl apply -f`.',
        cause: err,
      })
    })
    checkYaml(text, path)
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

/** Refuses, with file:line, a file kubectl would refuse; reads it exactly as kubectl does. */
function checkYaml(text: string, path: string): void {
  const read = readKubeYaml(text)
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
