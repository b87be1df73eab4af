// What a step action is (the registry is index.ts) and what it gets, apart from the registry so
// that the actions can name it without importing the list they are in.
import type { LabPageState } from '../lab-state.ts'
import type { LabTerminal } from '../terminal-pane.ts'

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

/** The text of a block's code, as the learner sees it. */
export function codeOf(block: HTMLElement): string {
  return block.querySelector('code')?.textContent ?? ''
}
