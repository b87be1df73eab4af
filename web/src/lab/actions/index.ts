// The explicit registry of step actions: each `[data-action]` block in a step gets its buttons.
import type { LabPageState } from '../../pages/lab-page.ts'
import type { LabTerminal } from '../terminal-pane.ts'
import { checkAction } from './check.ts'
import { copyAction } from './copy.ts'
import { fileAction } from './file.ts'
import { terminalRunAction } from './terminal-run.ts'

export interface ActionContext {
  state: LabPageState
  terminal: LabTerminal
  stepIndex: number
  onStepPassed(): void
}

export interface StepAction {
  /** The `data-action` value the server renders for the fence. */
  name: string
  wire(block: HTMLElement, ctx: ActionContext): void
}

const actions: readonly StepAction[] = [checkAction, copyAction, fileAction, terminalRunAction]
const byName = new Map(actions.map((a) => [a.name, a]))

export function wireActions(root: HTMLElement, ctx: ActionContext): void {
  for (const block of root.querySelectorAll<HTMLElement>('[data-action]')) {
    byName.get(block.dataset['action'] ?? '')?.wire(block, ctx)
  }
}

/** The text of a block's code, as the learner sees it. */
export function codeOf(block: HTMLElement): string {
  return block.querySelector('code')?.textContent ?? ''
}
