// Shows one step: the server-rendered (already escaped) step HTML, its action blocks wired to
// buttons, and previous/next links.
import { api } from '../api-client.ts'
import { h } from '../dom.ts'
import { errorBox } from '../pages/error-view.ts'
import type { LabPageState } from './lab-state.ts'
import { wireActions } from './actions/index.ts'
import type { LabTerminal } from './terminal-pane.ts'

export interface StepCallbacks {
  onProgress(passedStep: number): void
  go(index: number): void
}

export async function showStep(
  pane: HTMLElement,
  state: LabPageState,
  terminal: LabTerminal,
  cb: StepCallbacks,
): Promise<void> {
  pane.replaceChildren(h('p', { class: 'loading' }, 'Loading the step…'))
  try {
    const step = await api.step(state.lab.id, state.current, state.token)
    const body = h('div', { class: 'step-body' })
    // The server renders markdown with raw HTML off and escapes every value: this HTML is ours.
    body.innerHTML = step.html
    wireActions(body, { state, terminal, stepIndex: step.index, onStepPassed: () => cb.onProgress(step.index) })
    // Code blocks scroll sideways: keyboard users reach them with Tab and scroll with the arrows.
    for (const pre of body.querySelectorAll('pre')) {
      pre.tabIndex = 0
    }
    pane.replaceChildren(
      h('p', { class: 'step-count' }, `Step ${step.index + 1} of ${state.lab.steps.length}`),
      ...[offlineNote(body)].filter((n) => n !== undefined),
      body,
      pager(state, cb),
    )
    pane.scrollTop = 0
  } catch (err) {
    pane.replaceChildren(errorBox(err))
  }
}

/** Offline, on a step with commands that need the cluster: what still works, and how. */
function offlineNote(body: HTMLElement): HTMLElement | undefined {
  if (!body.querySelector('[data-needs-cluster]')) {
    return undefined
  }
  const canSave = body.querySelector('[data-action="file"]') !== null
  const canCheck = body.querySelector('[data-action="check"]') !== null
  return h(
    'aside',
    { class: 'offline-note', 'aria-label': 'Working offline' },
    h('strong', {}, 'Working offline. '),
    'The commands marked "needs the cluster" are not run, since no cluster is attached. ',
    canSave || canCheck
      ? `You can still do this step: ${[
          canSave ? 'fill in the files (Edit) and save them to your workspace' : '',
          canCheck ? 'press Check, which grades the files in your workspace' : '',
        ]
          .filter(Boolean)
          .join(', then ')}.`
      : 'Read it now; try the commands once kindlab runs with a cluster (npm start with Docker).',
  )
}

function pager(state: LabPageState, cb: StepCallbacks): HTMLElement {
  const prev = h('button', { type: 'button', class: 'secondary', disabled: state.current === 0 }, '← Previous')
  const next = h('button', { type: 'button', disabled: state.current >= state.lab.steps.length - 1 }, 'Next step →')
  prev.addEventListener('click', () => cb.go(state.current - 1))
  next.addEventListener('click', () => cb.go(state.current + 1))
  return h('div', { class: 'pager' }, prev, next)
}
