// ```file:NAME blocks: a Save button writes the file into the learner's workspace.
import { api } from '../../api-client.ts'
import { h } from '../../dom.ts'
import { flash } from './copy.ts'
import { codeOf, type StepAction } from './index.ts'

export const fileAction: StepAction = {
  name: 'file',
  wire(block, ctx) {
    const name = block.dataset['fileName'] ?? ''
    const button = h(
      'button',
      { type: 'button', class: 'action-button', title: `Save as ${name} in your workspace` },
      `Save ${name}`,
    )
    const note = h('span', { class: 'action-note', role: 'status' })
    button.addEventListener('click', () => {
      void api.saveFile(name, codeOf(block), ctx.state.token).then(
        (r) => {
          note.textContent = `Saved to ~/${r.path}`
          flash(button, 'Saved')
        },
        (err: unknown) => {
          note.textContent = err instanceof Error ? err.message : 'Could not save the file.'
        },
      )
    })
    block.append(h('div', { class: 'action-bar' }, button, note))
  },
}
