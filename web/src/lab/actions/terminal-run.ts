// ```terminal:run blocks: a Run button types the command into the terminal and runs it.
import { h } from '../../dom.ts'
import { codeOf, type StepAction } from './index.ts'

export const terminalRunAction: StepAction = {
  name: 'terminal:run',
  wire(block, ctx) {
    const button = h(
      'button',
      { type: 'button', class: 'action-button run', title: 'Run this command in the terminal' },
      '▶ Run',
    )
    button.addEventListener('click', () => {
      ctx.terminal.run(codeOf(block).replace(/\n+$/, ''))
      ctx.terminal.focus()
    })
    block.append(h('div', { class: 'action-bar' }, button))
  },
}
