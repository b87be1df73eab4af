// Grades one step of a loaded lab outside a session: against YAML texts (offline) or against the
// services given (a live cluster). Shared by `kindlab check` and the labs' solution/mistake tests;
// the server's sessions grade through services/grading-service.ts instead.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Lab, Step } from '../labs/load-labs.ts'
import { resolveCheck } from '../labs/variables.ts'
import { createLabEnvironmentSource, createTextResourceSource } from './grader-input-files.ts'
import { checkKinds } from './registry.ts'
import { type CheckRunResult, runChecks } from './run-checks.ts'
import type { CheckContext, CheckStatus, GradingServices, LayerResult } from './types.ts'

/** The report of one graded step (the JSON of `kindlab check --json`). */
export interface CheckReport {
  lab: string
  step: { number: number; slug: string; title: string }
  /** True only when every check passed (an unverified check is not a pass). */
  passed: boolean
  checks: Array<{
    id: string
    title: string
    /** `status === 'passed'`, kept for older readers. */
    passed: boolean
    status: CheckStatus
    layers: LayerResult[]
    message: string
    cause?: string
    /** The grader's own finding (what, which field, file:line); shown before the hint. */
    finding?: string
    /** The lab's written hint for the cause. */
    hint?: string
  }>
}

export interface GradeOptions {
  /** Where file checks read and commands run. @default '.' */
  workspaceDir?: string
  /** Runs a command check; by default none runs (the check fails and says it needs `kindlab serve`). */
  runCommand?: CheckContext['runCommand']
}

/** Grades a step of a loaded lab against YAML texts, offline. */
export async function gradeFiles(
  lab: Lab,
  step: Step,
  files: ReadonlyArray<{ file: string; text: string }>,
  vars: Record<string, string>,
  options: GradeOptions = {},
): Promise<CheckReport> {
  const resources = createTextResourceSource(files, files.map((f) => f.file).join(', ') || 'no files')
  return gradeWithServices(lab, step, vars, { resources }, options)
}

/** Grades a step with the given services (offline resources, or live cluster services); adds the lab's environment. */
export async function gradeWithServices(
  lab: Lab,
  step: Step,
  vars: Record<string, string>,
  services: GradingServices,
  options: GradeOptions = {},
): Promise<CheckReport> {
  const workspaceDir = options.workspaceDir ?? '.'
  const context: CheckContext = {
    labId: lab.id,
    stepIndex: step.index,
    workspaceDir,
    vars,
    runCommand: options.runCommand ?? refuseCommand,
    readWorkspaceFile: (path) => readFile(resolve(workspaceDir, path), 'utf8').catch(() => undefined),
    services: { ...services, labEnvironment: createLabEnvironmentSource([lab]) },
  }
  const checks = step.checks.map((c) => resolveCheck(c, vars))
  // Outside a session the grader's own, most specific hint is shown: as if every nudge was seen.
  const results = await runChecks(checkKinds, { checks, context, failuresBefore: () => Number.MAX_SAFE_INTEGER })
  return {
    lab: lab.id,
    step: { number: step.index + 1, slug: step.slug, title: step.title },
    passed: results.length > 0 && results.every((r) => r.status === 'passed'),
    checks: results.map(toReportCheck),
  }
}

function refuseCommand(): ReturnType<CheckContext['runCommand']> {
  return Promise.resolve({
    exitCode: 1,
    output: '`kindlab check` runs no commands; command checks need `kindlab serve`.',
    timedOut: false,
  })
}

function toReportCheck(r: CheckRunResult): CheckReport['checks'][number] {
  return {
    id: r.id,
    title: r.title,
    passed: r.status === 'passed',
    status: r.status,
    layers: r.layers,
    message: r.message,
    ...(r.cause === undefined ? {} : { cause: r.cause }),
    ...(r.finding === undefined ? {} : { finding: r.finding }),
    ...(r.hint === undefined ? {} : { hint: r.hint }),
  }
}
