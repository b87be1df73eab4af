// Runs a step's checks for a session: builds the check context from the session's workspace and
// the server's adapters, runs the checks, stores every attempt and marks the step passed (only when
// every check passed: an unverified check is never a tick).
import type { CheckKind, CheckContext, GradingServices } from '../checks/types.ts'
import type { PreparedCheck } from '../checks/check-params.ts'
import { runChecks } from '../checks/run-checks.ts'
import { runShellCommand } from '../adapters/process/run-command.ts'
import { readWorkspaceFile } from '../adapters/workspace/workspace-fs.ts'
import type { ProgressRepo } from '../store/progress-repo.ts'
import type { SessionRecord } from '../store/sessions-repo.ts'
import type { CheckRunDto } from '../protocol/api-dto.ts'
import { AppError } from '../errors.ts'
import { inheritedEnv } from '../config.ts'
import { resolveCheck } from '../labs/variables.ts'

export interface GradeInput {
  session: SessionRecord
  labId: string
  stepIndex: number
  /** The checks declared for the step. */
  stepChecks: readonly PreparedCheck[]
  /** Only these checks (a `check` fence may name some); all when absent. */
  onlyIds?: readonly string[]
  vars: Readonly<Record<string, string>>
}

export interface GradingDeps {
  kinds: ReadonlyMap<string, CheckKind>
  progress: ProgressRepo
  /** Environment for command checks (e.g. KUBECONFIG when a cluster is attached). */
  commandEnv: Readonly<Record<string, string>>
  /** Services grader kinds use (resource source, cluster adapters), per session: offline each reads its own workspace. */
  servicesFor(session: SessionRecord): GradingServices
  /** Told after every graded run (the cohort grade book and webhooks listen). Must not throw. */
  onAttempt?: (event: AttemptEvent) => void
}

/** One Check press, after its attempts were stored. */
export interface AttemptEvent {
  session: SessionRecord
  labId: string
  stepIndex: number
  results: CheckRunDto['checks']
  stepPassed: boolean
  /** True when this run is the one that completed the step. */
  stepNewlyPassed: boolean
}

export function createGradingService(deps: GradingDeps) {
  return {
    async grade(input: GradeInput): Promise<CheckRunDto> {
      const selected = input.onlyIds?.length
        ? input.stepChecks.filter((c) => input.onlyIds?.includes(c.id))
        : input.stepChecks
      if (input.onlyIds?.length && selected.length !== input.onlyIds.length) {
        throw new AppError('LAB_ERR_VALIDATION', {
          message: `This step has no check named ${input.onlyIds.filter((id) => !selected.some((c) => c.id === id)).join(', ')}.`,
          hint: 'Reload the page: the lab may have changed.',
        })
      }
      const resolved = selected.map((c) => resolveCheck(c, input.vars))
      const context = buildContext(deps, input)
      const { session, labId, stepIndex } = input
      const results = await runChecks(deps.kinds, {
        checks: resolved,
        context,
        failuresBefore: (checkId) => deps.progress.failureCount(session.id, labId, checkId),
      })
      for (const r of results) {
        deps.progress.recordAttempt({
          sessionId: session.id,
          labId,
          stepIndex,
          checkId: r.id,
          status: r.status,
          message: r.message,
          finding: r.finding,
          hint: r.hint,
          layers: r.layers,
          detail: r.detail,
        })
      }
      const before = deps.progress.get(session.id, labId)
      const stepPassed = stepIsPassed(before.lastResults, input.stepChecks)
      if (stepPassed) {
        deps.progress.markStepPassed(session.id, labId, stepIndex)
      }
      deps.onAttempt?.({
        session,
        labId,
        stepIndex,
        results,
        stepPassed,
        stepNewlyPassed: stepPassed && !before.passedSteps.includes(stepIndex),
      })
      return { passed: results.every((r) => r.status === 'passed'), stepPassed, checks: results }
    },
  }
}

function stepIsPassed(last: Record<string, { status: string }>, checks: readonly PreparedCheck[]): boolean {
  return checks.length > 0 && checks.every((c) => last[c.id]?.status === 'passed')
}

function buildContext(deps: GradingDeps, input: GradeInput): CheckContext {
  const workspaceDir = input.session.workspaceDir
  return {
    labId: input.labId,
    stepIndex: input.stepIndex,
    workspaceDir,
    vars: input.vars,
    runCommand: (command, options) =>
      runShellCommand(command, {
        cwd: workspaceDir,
        env: { ...baseEnv(), ...deps.commandEnv, ...input.vars },
        timeoutMs: options.timeoutMs,
      }),
    readWorkspaceFile: (path) => readWorkspaceFile(workspaceDir, path),
    services: deps.servicesFor(input.session),
  }
}

function baseEnv(): Record<string, string> {
  // Commands inherit the user's PATH and locale, nothing else.
  return inheritedEnv(['PATH', 'LANG', 'LC_ALL', 'TERM', 'SHELL', 'USER', 'TMPDIR'])
}

export type GradingService = ReturnType<typeof createGradingService>
