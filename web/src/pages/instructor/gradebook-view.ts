// The live grade book, read at a glance for 50 trainees: one column per step (its state in colour
// and a symbol, checks passed of the step's total; a click lists that step's checks), a sticky
// first column with the trainee's actions at the left, name, stuck flag and why, current step and
// time on it; sorting (name, progress, stuck first) and filtering (text, stuck only) above it.
// Rows are rebuilt as the stream pushes them (focus kept); the clocks tick locally.
import { h } from '../../dom.ts'
import type { GradeBookDto, GradeRowDto } from '../../../../server/protocol/cohort-dto.ts'
import {
  displayName,
  gradedSteps,
  stepCell,
  stuckNow,
  visibleRows,
  type GradeStep,
  type RowQuery,
  type SortKey,
  type StepState,
} from './gradebook-rows.ts'
import { createStepDetail } from './step-detail.ts'

export interface GradeBookView {
  element: HTMLElement
  setBook(book: GradeBookDto): void
  setRow(row: GradeRowDto): void
  dispose(): void
}

export interface GradeBookActions {
  watch(traineeId: string): void
  reset(traineeId: string): void
  /** Gating: open every step for the trainee (true) or gate them again. */
  openSteps(traineeId: string, open: boolean): void
  /** Called with the book after every change (snapshot, live row, tick): the chart follows it. */
  changed?(book: GradeBookDto): void
}

function minutes(ms: number): string {
  const m = Math.floor(ms / 60_000)
  return m < 1 ? '<1 min' : `${m} min`
}

const symbol: Record<StepState, string> = { passed: '✓', failed: '✗', unverified: '?', started: '…', none: '·' }
const stateSaid: Record<StepState, string> = {
  passed: 'step passed',
  failed: 'a check failed',
  unverified: 'not verified',
  started: 'in progress',
  none: 'not tried',
}

/** The environment's state; while it is built, the step it is on (cluster mode: kind, Istio, ...). */
function envTag(r: GradeRowDto): HTMLElement {
  const p = r.envProgress
  const title = p ? `${p.title}${p.detail ? `: ${p.detail}` : ''}` : r.envError
  return h(
    'span',
    {
      class: 'env',
      'data-env': r.envState,
      ...(p ? { 'data-step': p.step } : {}),
      title: `Environment: ${title ?? r.envState}`,
    },
    p ? `${r.envState} ${p.index + 1}/${p.total}` : r.envState,
  )
}

function createTools(onChange: (q: RowQuery) => void): {
  element: HTMLElement
  count: HTMLElement
  gating: HTMLElement
} {
  const text = h('input', { type: 'search', name: 'find', placeholder: 'name or trainee id' })
  const stuckOnly = h('input', { type: 'checkbox', name: 'stuck-only' })
  const sort = h(
    'select',
    { name: 'sort' },
    h('option', { value: 'name' }, 'name'),
    h('option', { value: 'progress' }, 'progress'),
    h('option', { value: 'stuck' }, 'stuck first'),
  )
  const count = h('span', { class: 'gradebook-count', role: 'status', 'data-testid': 'gradebook-count' })
  const gating = h('span', { class: 'gradebook-gating', 'data-testid': 'gradebook-gating' })
  const emit = () => onChange({ text: text.value, stuckOnly: stuckOnly.checked, sort: sort.value as SortKey })
  text.addEventListener('input', emit)
  stuckOnly.addEventListener('change', emit)
  sort.addEventListener('change', emit)
  const element = h(
    'div',
    { class: 'gradebook-tools', role: 'search', 'aria-label': 'Filter the grade book' },
    h('label', {}, 'Find ', text),
    h('label', {}, stuckOnly, ' Stuck only'),
    h('label', {}, 'Sort by ', sort),
    count,
    gating,
  )
  return { element, count, gating }
}

export function createGradeBookView(actions: GradeBookActions): GradeBookView {
  let book: GradeBookDto | undefined
  let query: RowQuery = { sort: 'name', text: '', stuckOnly: false }
  const table = h('table', { class: 'gradebook', 'data-testid': 'gradebook' })
  const tbody = h('tbody')
  const detail = createStepDetail()
  const tools = createTools((q) => {
    query = q
    renderRows()
  })
  const scroller = h('div', { class: 'gradebook-wrap', tabindex: '0', 'aria-label': 'Grade book' }, table)
  const element = h('div', { class: 'gradebook-area' }, tools.element, scroller, detail.element)

  const stepButton = (r: GradeRowDto, s: GradeStep): HTMLElement => {
    const c = stepCell(s, r)
    const current = r.joinedAt !== undefined && !r.labCompleted && r.currentStep === s.index
    const show = h(
      'button',
      {
        type: 'button',
        class: 'step-button',
        'data-key': `${r.traineeId}/${s.index}`,
        'aria-label': `Step ${s.index + 1}: ${c.passed} of ${c.total} checks passed, ${stateSaid[c.state]}${current ? ', current step' : ''}. Show its checks.`,
      },
      h('span', { 'aria-hidden': 'true' }, `${symbol[c.state]} ${c.passed}/${c.total}`),
    )
    show.addEventListener('click', () => detail.open(r, s))
    return h(
      'td',
      {
        class: `step-cell state-${c.state}${current ? ' current' : ''}`,
        'data-step': String(s.index),
        'data-state': c.state,
      },
      show,
    )
  }

  /** With gating on: open every step for this trainee, or gate them again. */
  const gateButton = (r: GradeRowDto, who: string): HTMLElement => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'small',
        'data-key': `${r.traineeId}/gate`,
        'aria-label': r.stepsOpened ? `Gate ${who} again` : `Open all steps for ${who}`,
        title: r.stepsOpened
          ? 'Every step is open for this trainee; gate them again'
          : 'Open every step for this trainee, whatever their checks say',
      },
      r.stepsOpened ? 'Gate' : 'Open',
    )
    button.addEventListener('click', () => actions.openSteps(r.traineeId, !r.stepsOpened))
    return button
  }

  const traineeCell = (r: GradeRowDto, now: number): HTMLElement => {
    const who = displayName(r)
    const stuck = book ? stuckNow(book, r, now) : undefined
    const watch = h(
      'button',
      {
        type: 'button',
        class: 'small',
        'data-key': `${r.traineeId}/watch`,
        'aria-label': `Watch ${who}`,
        ...(r.sessionId ? {} : { disabled: true }),
      },
      'Watch',
    )
    watch.addEventListener('click', () => actions.watch(r.traineeId))
    const reset = h(
      'button',
      { type: 'button', class: 'small danger', 'data-key': `${r.traineeId}/reset`, 'aria-label': `Reset ${who}` },
      'Reset',
    )
    reset.addEventListener('click', () => actions.reset(r.traineeId))
    const gate = book?.gated ? gateButton(r, who) : undefined
    const graded = book ? gradedSteps(book) : []
    const done = graded.filter((s) => r.passedSteps.includes(s.index)).length
    const where =
      r.joinedAt === undefined
        ? 'not joined'
        : r.labCompleted
          ? 'lab done'
          : `on step ${r.currentStep + 1} · ${minutes(now - r.currentSince)}`
    return h(
      'th',
      { scope: 'row', class: 'trainee' },
      h(
        'div',
        { class: 'trainee-line' },
        h('span', { class: 'row-actions' }, watch, reset, gate),
        h('span', { class: 'trainee-name', title: who }, who),
        stuck ? h('span', { class: 'tag tag-bad', title: stuck, 'data-testid': 'stuck' }, 'stuck') : undefined,
      ),
      h(
        'div',
        { class: 'trainee-meta' },
        envTag(r),
        h('span', { 'data-testid': 'steps-done' }, `${done}/${graded.length} steps`),
        h('span', { class: 'summary-where', 'data-testid': 'where' }, where),
        stuck ? h('span', { class: 'stuck-reason', 'data-testid': 'stuck-reason' }, stuck) : undefined,
      ),
    )
  }

  const rowElement = (r: GradeRowDto, now: number): HTMLTableRowElement => {
    const stuck = book ? stuckNow(book, r, now) !== undefined : false
    return h(
      'tr',
      { 'data-trainee': r.traineeId, class: stuck ? 'stuck' : r.labCompleted ? 'completed' : '' },
      traineeCell(r, now),
      ...(book ? gradedSteps(book) : []).map((s) => stepButton(r, s)),
    )
  }

  /** Rebuilds the body for the current query, keeping the focused button focused. */
  function renderRows(): void {
    if (!book) {
      return
    }
    const focused = document.activeElement?.getAttribute('data-key')
    const now = Date.now()
    const rows = visibleRows(book, query, now)
    tbody.replaceChildren(...rows.map((r) => rowElement(r, now)))
    tools.count.textContent = `${rows.length} of ${book.rows.length} trainees`
    if (focused) {
      tbody.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus()
    }
    actions.changed?.(book)
  }

  function render(): void {
    if (!book) {
      return
    }
    const heads = gradedSteps(book).map((s) =>
      h(
        'th',
        { scope: 'col', class: 'step-head', title: `${s.index + 1}. ${s.title}`, 'data-step': String(s.index) },
        h('span', { class: 'step-number' }, String(s.index + 1)),
        h('span', { class: 'step-title' }, s.title),
      ),
    )
    tools.gating.textContent = book.gated
      ? "Gating on: a step opens once the earlier steps' checks pass; Open gives one trainee every step."
      : ''
    table.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'trainee' }, 'Trainee'), ...heads)),
      tbody,
    )
    renderRows()
  }

  const tick = setInterval(renderRows, 15_000)

  return {
    element,
    setBook(next) {
      book = next
      render()
    },
    setRow(row) {
      if (!book) {
        return
      }
      const known = book.rows.some((r) => r.traineeId === row.traineeId)
      book.rows = known ? book.rows.map((r) => (r.traineeId === row.traineeId ? row : r)) : [...book.rows, row]
      renderRows()
    },
    dispose: () => clearInterval(tick),
  }
}
