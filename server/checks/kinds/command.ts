// Check kind `command`: runs a shell command in the learner's workspace; passes on exit 0. Where
// it runs (the server's workspace folder, or a cohort trainee's workspace pod) is the session's
// CommandRunner's business (../command-runner.ts); this file only judges the result.
import { Type, type Static } from '@sinclair/typebox'
import { commandRunnerOf } from '../command-runner.ts'
import type { CheckKind } from '../types.ts'

const params = Type.Object(
  {
    run: Type.String({ minLength: 1, description: 'Shell command; passes when it exits 0.' }),
    timeoutSec: Type.Number({ minimum: 1, maximum: 300, default: 20, description: 'Give up after this many seconds.' }),
    expectOutput: Type.Optional(Type.String({ description: 'Regular expression the output must match too.' })),
  },
  { additionalProperties: false },
)

const maxShown = 4000

export const commandCheck: CheckKind<Static<typeof params>> = {
  kind: 'command',
  description: 'Runs a shell command in the workspace; passes on exit code 0 (and an optional output pattern).',
  paramsSchema: params,
  reads: () => [],
  async run(p, ctx) {
    const runner = commandRunnerOf(ctx)
    const result = await runner.run(p.run, { timeoutMs: p.timeoutSec * 1000, vars: ctx.vars })
    const output = result.output.length > maxShown ? `…${result.output.slice(-maxShown)}` : result.output
    if (result.timedOut) {
      return fail(`\`${p.run}\` did not finish within ${p.timeoutSec} s.`, output)
    }
    if (result.exitCode !== 0) {
      return fail(`\`${p.run}\` exited with code ${result.exitCode}.`, output)
    }
    if (p.expectOutput !== undefined && !new RegExp(p.expectOutput, 'm').test(result.output)) {
      return fail(`\`${p.run}\` succeeded, but its output is not what the step asks for.`, output)
    }
    return {
      passed: true,
      message: `\`${p.run}\` succeeded.`,
      output,
      layers: [{ layer: 'command', passed: true, message: 'exit code 0' }],
    }
  },
}

function fail(message: string, output: string) {
  return { passed: false, message, output, layers: [{ layer: 'command' as const, passed: false, message }] }
}
