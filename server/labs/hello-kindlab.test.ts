// Plays the sample lab hello-kindlab as a learner would, offline: each step's checks fail on an
// empty workspace, then pass after doing what its Run, Copy and Save blocks say.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runShellCommand } from '../adapters/process/run-command.ts'
import { readWorkspaceFile, writeWorkspaceFile } from '../adapters/workspace/workspace-fs.ts'
import { createTextResourceSource } from '../checks/grader-input-files.ts'
import { checkKinds } from '../checks/registry.ts'
import { runChecks } from '../checks/run-checks.ts'
import type { CheckContext } from '../checks/types.ts'
import type { Lab, Step } from './lab-model.ts'
import { loadLabs } from './load-labs.ts'
import { parseFenceInfo } from './markdown/fence-info.ts'
import { defaultLabsDir } from './paths.ts'
import { createStepMarkdown } from './render-step.ts'
import { resolveCheck, resolveVariables } from './variables.ts'

const vars = { GREETING: 'ahoy' }
let lab: Lab
let workspace: string

beforeAll(async () => {
  const { labs } = await loadLabs(defaultLabsDir())
  const found = labs.find((l) => l.id === 'hello-kindlab')
  if (!found) {
    throw new Error('hello-kindlab did not load')
  }
  lab = found
  workspace = await mkdtemp(join(tmpdir(), 'kindlab-hello-'))
})

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true })
})

function context(env: Record<string, string>): CheckContext {
  return {
    labId: lab.id,
    stepIndex: 0,
    workspaceDir: workspace,
    vars,
    runCommand: (command, options) =>
      runShellCommand(command, {
        cwd: workspace,
        env: { PATH: '/usr/bin:/bin', ...env },
        timeoutMs: options.timeoutMs,
      }),
    readWorkspaceFile: (path) => readWorkspaceFile(workspace, path),
    services: { resources: createTextResourceSource([], 'no resources') },
  }
}

/** Does what the step's blocks say, with the session's variable values filled in. */
async function doStep(step: Step): Promise<void> {
  const env = { labId: lab.id, values: resolveVariables(lab.variables, vars), stepCheckIds: [], shownCheckIds: [] }
  for (const token of createStepMarkdown().parse(step.markdown, env)) {
    const fence = token.type === 'fence' ? parseFenceInfo(token.info) : undefined
    if (fence?.action === 'terminal:run' || fence?.action === 'copy') {
      const result = await runShellCommand(token.content, {
        cwd: workspace,
        env: { PATH: '/usr/bin:/bin' },
        timeoutMs: 10_000,
      })
      expect(result.exitCode, result.output).toBe(0)
    } else if (fence?.action === 'file') {
      await writeWorkspaceFile(workspace, fence.name, token.content)
    }
  }
}

async function grade(step: Step, resolved: boolean): Promise<boolean[]> {
  const checks = resolved ? step.checks.map((c) => resolveCheck(c, vars)) : step.checks
  const results = await runChecks(checkKinds, {
    checks,
    context: context(resolved ? {} : vars),
    failuresBefore: () => 0,
  })
  return results.map((r) => r.passed)
}

describe('hello-kindlab, played offline', () => {
  it('every step fails before and passes after doing it', async () => {
    for (const step of lab.steps) {
      expect(await grade(step, true), `${step.file} before`).toContain(false)
      await doStep(step)
      expect(await grade(step, true), `${step.file} after`).toEqual(step.checks.map(() => true))
    }
  })

  it('also passes when variables reach command checks only as environment variables', async () => {
    for (const step of lab.steps) {
      expect(await grade(step, false)).toEqual(step.checks.map(() => true))
    }
  })
})
