// The explicit registry of step actions: each `[data-action]` block in a step gets its buttons.
import type { ActionContext, StepAction } from './step-action.ts'
import { checkAction } from './check.ts'
import { copyAction } from './copy.ts'
import { fileAction } from './file.ts'
import { terminalRunAction } from './terminal-run.ts'

export type { ActionContext, StepAction }

const actions: readonly StepAction[] = [checkAction, copyAction, fileAction, terminalRunAction]
const byName = new Map(actions.map((a) => [a.name, a]))

export function wireActions(root: HTMLElement, ctx: ActionContext): void {
  for (const block of root.querySelectorAll<HTMLElement>('[data-action]')) {
    byName.get(block.dataset['action'] ?? '')?.wire(block, ctx)
  }
}
