// ```copy blocks: a Copy button puts the text on the clipboard.
import { h } from '../../dom.ts'
import { codeOf, type StepAction } from './step-action.ts'

export const copyAction: StepAction = {
  name: 'copy',
  wire(block) {
    const button = h('button', { type: 'button', class: 'action-button secondary' }, 'Copy')
    button.addEventListener('click', () => {
      void navigator.clipboard.writeText(codeOf(block)).then(
        () => flash(button, 'Copied'),
        () => flash(button, 'Select the text and copy it'),
      )
    })
    block.append(h('div', { class: 'action-bar' }, button))
  },
}

export function flash(button: HTMLElement, text: string): void {
  const before = button.textContent
  button.textContent = text
  setTimeout(() => {
    button.textContent = before
  }, 1500)
}
