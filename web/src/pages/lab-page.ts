// A lab: step navigation with ticks, the step on the left, the terminal on the right.
import { api, ensureSession } from '../api-client.ts'
import { byId, h } from '../dom.ts'
import { renderStepNav, stepPanelId } from '../lab/step-nav.ts'
import { showStep } from '../lab/step-view.ts'
import { makeSplitPane } from '../lab/split-pane.ts'
import { mountLabTerminal } from '../lab/terminal-pane.ts'
import type { LabPageState } from '../lab/lab-state.ts'

export type { LabPageState }

export async function showLabPage(
  main: HTMLElement,
  labId: string,
  requested: number | undefined,
  offline: boolean,
): Promise<void> {
  const token = await ensureSession()
  const [lab, progress] = await Promise.all([api.lab(labId, token), api.progress(labId, token)])
  const state: LabPageState = {
    lab,
    token,
    progress,
    current: clamp(requested ?? progress.currentStep, lab.steps.length),
    offline,
  }
  document.title = `${lab.title} · kindlab`
  byId('crumbs').replaceChildren(
    h('a', { href: '/' }, 'Labs'),
    h('span', { 'aria-hidden': 'true' }, ' / '),
    h('span', {}, lab.title),
  )

  const nav = h('nav', { class: 'step-nav', 'aria-label': 'Steps' })
  const stepPane = h('article', { class: 'step', id: stepPanelId, role: 'tabpanel', tabindex: '-1' })
  const left = h('section', { class: 'pane pane-step' }, nav, stepPane)
  const right = h('section', { class: 'pane pane-terminal', 'aria-label': 'Terminal' })
  main.replaceChildren(makeSplitPane(left, right))
  const terminal = mountLabTerminal(right, token)

  const go = async (index: number) => {
    state.current = clamp(index, lab.steps.length)
    history.replaceState(null, '', `/labs/${lab.id}/${state.current + 1}`)
    renderStepNav(nav, state, (i) => void go(i))
    stepPane.setAttribute('aria-labelledby', `step-tab-${state.current}`)
    const locked = state.lab.steps[state.current]?.locked
    if (locked) {
      // Gating: the server would refuse the step; say why and where to go instead.
      showLockedStep(
        stepPane,
        state.current,
        locked,
        state.lab.steps.find((s) => !s.locked && !state.progress.passedSteps.includes(s.index) && s.checks.length > 0)
          ?.index,
        (i) => void go(i),
      )
      return
    }
    await showStep(stepPane, state, terminal, {
      onProgress: (passedStep) => {
        if (!state.progress.passedSteps.includes(passedStep)) {
          state.progress.passedSteps.push(passedStep)
        }
        renderStepNav(nav, state, (i) => void go(i))
        // A pass may open later steps (gating): ask the server which are open now.
        void api.lab(lab.id, token).then(
          (fresh) => {
            state.lab = fresh
            renderStepNav(nav, state, (i) => void go(i))
          },
          () => undefined,
        )
      },
      go: (i) => void go(i),
    })
    void api.setCurrent(lab.id, state.current, token).catch(() => undefined)
  }
  await go(state.current)
}

function showLockedStep(
  pane: HTMLElement,
  index: number,
  why: string,
  openStep: number | undefined,
  go: (index: number) => void,
): void {
  const back = openStep === undefined ? undefined : h('button', { type: 'button' }, `Go to step ${openStep + 1}`)
  back?.addEventListener('click', () => go(openStep ?? 0))
  pane.replaceChildren(
    h(
      'div',
      { class: 'locked-step', 'data-testid': 'locked-step' },
      h('h1', {}, `Step ${index + 1} is locked`),
      h('p', {}, why, ' Your instructor can also open the steps for you.'),
      back,
    ),
  )
}

function clamp(i: number, n: number): number {
  return Math.max(0, Math.min(Number.isFinite(i) ? i : 0, n - 1))
}
