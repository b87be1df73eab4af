// Step navigation as WAI-ARIA tabs: one tab stop (the current step), arrow keys, Home and End move
// between steps, Enter or Space opens one. A tick marks passed steps, a lock the steps gating keeps
// closed (the reason on hover and for screen readers). The strip scrolls sideways;
// fades at its edges show when more steps are hidden.
import { h } from '../dom.ts'
import type { LabPageState } from './lab-state.ts'

export const stepPanelId = 'step-panel'

export function renderStepNav(nav: HTMLElement, state: LabPageState, go: (index: number) => void): void {
  const hadFocus = nav.contains(document.activeElement)
  const passed = new Set(state.progress.passedSteps)
  const tabs = state.lab.steps.map((step) => {
    const done = passed.has(step.index)
    const locked = step.locked
    const current = step.index === state.current
    const tab = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `step-tab-${step.index}`,
        class: `step-link${done ? ' passed' : ''}${locked ? ' locked' : ''}`,
        'aria-selected': current ? 'true' : 'false',
        'aria-controls': stepPanelId,
        'aria-current': current ? 'step' : undefined,
        tabindex: current ? '0' : '-1',
        title: locked ? `${step.index + 1}. ${step.title} — locked: ${locked}` : `${step.index + 1}. ${step.title}`,
        'data-step': String(step.index),
      },
      h('span', { class: 'step-num', 'aria-hidden': 'true' }, done ? '✓' : String(step.index + 1)),
      h('span', { class: 'step-title' }, step.title),
      done ? h('span', { class: 'visually-hidden' }, ' (passed)') : undefined,
      locked ? h('span', { class: 'visually-hidden' }, ` (locked: ${locked})`) : undefined,
    )
    tab.addEventListener('click', () => go(step.index))
    return tab
  })
  const list = h('div', { class: 'step-tabs', role: 'tablist', 'aria-label': 'Steps' }, ...tabs)
  list.addEventListener('keydown', (event) => {
    const at = tabs.indexOf(document.activeElement as HTMLButtonElement)
    const to = target(event.key, at, tabs.length)
    if (at < 0 || to === undefined) {
      return
    }
    event.preventDefault()
    for (const [i, tab] of tabs.entries()) {
      tab.tabIndex = i === to ? 0 : -1
    }
    tabs[to]?.focus()
    tabs[to]?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  })
  list.addEventListener('scroll', () => markOverflow(nav, list), { passive: true })
  nav.replaceChildren(list)
  // The list is one scrolling row: keep the current step in sight.
  const currentTab = tabs[state.current]
  currentTab?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  if (hadFocus) {
    currentTab?.focus()
  }
  requestAnimationFrame(() => markOverflow(nav, list))
}

function target(key: string, at: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return (at + 1) % count
    case 'ArrowLeft':
    case 'ArrowUp':
      return (at - 1 + count) % count
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return undefined
  }
}

/** Sets data-more-left / data-more-right on the nav while steps are hidden on that side. */
function markOverflow(nav: HTMLElement, list: HTMLElement): void {
  nav.toggleAttribute('data-more-left', list.scrollLeft > 1)
  nav.toggleAttribute('data-more-right', list.scrollLeft + list.clientWidth < list.scrollWidth - 1)
}
