// Rule: a step whose checks the tests cannot prove passable is a trap. Every step with grader
// checks (route, http, tcp, weights, resource, analyze) needs a non-empty solution/NN-slug folder,
// which the lab's tests grade. Steps with only command or file checks are left alone. Pure.
import type { Step } from '../lab-model.ts'
import type { YamlSource } from '../yaml-source.ts'
import type { LabContext } from './lab-context.ts'
import { addError, labFile } from './lab-context.ts'

/** The check kinds graded from resources; their solutions are run by the lab's tests. */
export const GRADER_KINDS: ReadonlySet<string> = new Set(['analyze', 'http', 'resource', 'route', 'tcp', 'weights'])

/** Reports steps with checks but no solution files. */
export function checkSolutionsExist(ctx: LabContext, source: YamlSource, steps: ReadonlyArray<Step | undefined>): void {
  steps.forEach((step, i) => {
    if (step === undefined || step.checks.length === 0) {
      return
    }
    const dir = `solution/${String(i + 1).padStart(2, '0')}-${step.slug}`
    const hasFiles = [...ctx.folder.files].some((f) => f.startsWith(`${dir}/`))
    if (hasFiles) {
      return
    }
    if (!step.checks.some((c) => GRADER_KINDS.has(c.kind))) {
      return
    }
    const at = source.locate(['steps', i, 'file'])
    const message = `Step ${step.file} has checks but no solution: ${dir}/ is ${ctx.folder.dirs.has(dir) ? 'empty' : 'missing'}.`
    const hint = `Add the files a learner would apply to solve it under ${dir}/; the lab's tests grade them to prove the step can be passed.`
    addError(ctx, labFile(ctx, 'lab.yaml'), at, message, hint)
  })
}
