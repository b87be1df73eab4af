// ```terminal:run blocks: a Run button types the command into the terminal and runs it. Offline,
// a command that needs the cluster is not run: the button says why and what to do instead.
import { h } from '../../dom.ts'
import { needsCluster } from '../cluster-commands.ts'
import { codeOf, type StepAction } from './step-action.ts'

let notes = 0

export const offlineRunNote =
  'Needs the cluster, and none is attached (offline). Fill in and save the files, then press Check: the grader reads your workspace.'

export const terminalRunAction: StepAction = {
  name: 'terminal:run',
  wire(block, ctx) {
    const command = codeOf(block).replace(/\n+$/, '')
    const blocked = ctx.state.offline && needsCluster(command, { labNeedsCluster: ctx.state.lab.needsCluster })
    if (blocked) {
      block.dataset['needsCluster'] = 'true'
      const note = h('span', { class: 'action-note', id: `run-note-${++notes}` }, offlineRunNote)
      const button = h(
        'button',
        {
          type: 'button',
          class: 'action-button run',
          'aria-disabled': 'true',
          'aria-describedby': note.id,
          title: 'Needs the cluster: not run in offline mode',
        },
        '▶ Run',
      )
      button.addEventListener('click', () => note.classList.add('attention'))
      block.append(h('div', { class: 'action-bar' }, button, note))
      return
    }
    const button = h(
      'button',
      { type: 'button', class: 'action-button run', title: 'Run this command in the terminal' },
      '▶ Run',
    )
    button.addEventListener('click', () => {
      ctx.terminal.run(command)
      ctx.terminal.focus()
    })
    block.append(h('div', { class: 'action-bar' }, button))
  },
}
