// Step navigation: numbered steps, a tick on passed ones, the current one marked for screen readers.
import { h } from '../dom.ts'
import type { LabPageState } from '../pages/lab-page.ts'

export function renderStepNav(nav: HTMLElement, state: LabPageState, go: (index: number) => void): void {
  const passed = new Set(state.progress.passedSteps)
  const items = state.lab.steps.map((step) => {
    const done = passed.has(step.index)
    const button = h(
      'button',
      {
        type: 'button',
        class: `step-link${done ? ' passed' : ''}`,
        'aria-current': step.index === state.current ? 'step' : undefined,
        title: step.title,
        'data-step': String(step.index),
      },
      h('span', { class: 'step-num', 'aria-hidden': 'true' }, done ? '✓' : String(step.index + 1)),
      h('span', { class: 'step-title' }, step.title),
      done ? h('span', { class: 'visually-hidden' }, ' (passed)') : undefined,
    )
    button.addEventListener('click', () => go(step.index))
    return h('li', {}, button)
  })
  nav.replaceChildren(h('ol', {}, ...items))
  // The list is one scrolling row: keep the current step in sight.
  nav.querySelector('[aria-current="step"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
}
