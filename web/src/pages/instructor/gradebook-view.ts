// The live grade book, built to be read at a glance: a sticky first column with the trainee, their
// Watch and Reset buttons, a "stuck" flag and a summary (steps done of total, current step and
// time on it, last failure); then the checks grouped per step under short headers ("4a") whose
// full titles show on hover and to screen readers. Rows are replaced as the stream pushes them;
// the clocks tick locally.
import { h } from '../../dom.ts'
import type { GradeBookDto, GradeCellDto, GradeRowDto } from '../../../../server/protocol/cohort-dto.ts'

export interface GradeBookView {
  element: HTMLElement
  setBook(book: GradeBookDto): void
  setRow(row: GradeRowDto): void
  dispose(): void
}

function minutes(ms: number): string {
  const m = Math.floor(ms / 60_000)
  return m < 1 ? '<1 min' : `${m} min`
}

/** "4a", "4b", …: the step number and a letter per check of the step. */
export function shortCheckName(stepIndex: number, checkIndex: number, checksOnStep: number): string {
  return checksOnStep === 1 ? String(stepIndex + 1) : `${stepIndex + 1}${String.fromCharCode(97 + (checkIndex % 26))}`
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

export function createGradeBookView(actions: {
  watch(traineeId: string): void
  reset(traineeId: string): void
}): GradeBookView {
  let book: GradeBookDto | undefined
  const table = h('table', { class: 'gradebook', 'data-testid': 'gradebook' })
  const detail = h('p', {
    class: 'gradebook-detail',
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'gradebook-detail',
  })
  const scroller = h('div', { class: 'gradebook-wrap', tabindex: '0', 'aria-label': 'Grade book' }, table)
  const element = h('div', { class: 'gradebook-area' }, scroller, detail)
  const who = (r: GradeRowDto): string =>
    r.displayName && r.displayName !== r.traineeId ? `${r.displayName} (${r.traineeId})` : r.traineeId
  const checkTitle = (id: string): string => book?.steps.flatMap((s) => s.checks).find((c) => c.id === id)?.title ?? id

  const isStuck = (r: GradeRowDto): boolean => {
    const onStep = Date.now() - r.currentSince
    return (
      !r.labCompleted &&
      r.joinedAt !== undefined &&
      r.failuresOnStep > 0 &&
      onStep > (book?.stuckAfterMs ?? 600_000) &&
      !r.passedSteps.includes(r.currentStep)
    )
  }

  /** ✓ passed, ✗n failed, ? unverified (grey, never a tick). */
  const cellText: Record<GradeCellDto['status'], (failures: number) => string> = {
    passed: () => '✓',
    failed: (n) => `✗${n}`,
    unverified: () => '?',
  }
  const cellSaid: Record<GradeCellDto['status'], (failures: number) => string> = {
    passed: () => 'passed',
    failed: (n) => `failed ${n} times`,
    unverified: () => 'not verified',
  }

  /** Steps done of the steps that have checks, where the trainee is, and their latest failure. */
  const summary = (r: GradeRowDto): HTMLElement => {
    const graded = (book?.steps ?? []).filter((s) => s.checks.length > 0)
    const done = graded.filter((s) => r.passedSteps.includes(s.index)).length
    const where =
      r.joinedAt === undefined
        ? 'not joined'
        : r.labCompleted
          ? 'lab done'
          : `on step ${r.currentStep + 1} · ${minutes(Date.now() - r.currentSince)}`
    const lastFailure = Object.entries(r.checks)
      .filter(([, c]) => c.status === 'failed')
      .sort(([, a], [, b]) => b.at - a.at)[0]
    return h(
      'div',
      { class: 'summary' },
      h(
        'span',
        { class: 'summary-steps', 'data-testid': 'steps-done' },
        `${done}/${graded.length} steps`,
        h('progress', {
          max: String(Math.max(1, graded.length)),
          value: String(done),
          'aria-hidden': 'true',
        }),
      ),
      h('span', { class: 'summary-where', 'data-since': String(r.currentSince) }, where),
      lastFailure
        ? h(
            'span',
            {
              class: 'summary-failure',
              'data-testid': 'last-failure',
              title: `${checkTitle(lastFailure[0])}: ${lastFailure[1].message}`,
            },
            `✗ ${checkTitle(lastFailure[0])}`,
          )
        : undefined,
    )
  }

  const rowElement = (r: GradeRowDto): HTMLTableRowElement => {
    const cells = (book?.steps ?? []).flatMap((s) =>
      s.checks.map((c, i) => {
        const cell = r.checks[c.id]
        const state = cell ? cell.status : 'none'
        const text = cell ? cellText[cell.status](cell.failures) : '·'
        const first = i === 0 ? ' step-start' : ''
        if (!cell) {
          return h(
            'td',
            { class: `cell cell-${state}${first}`, 'data-check': c.id, 'data-state': state, title: 'not tried yet' },
            text,
          )
        }
        // The last result's message: a tooltip, and on click (or Enter) in the line under the grid.
        const show = h(
          'button',
          {
            type: 'button',
            class: 'cell-button',
            title: `${c.title}: ${cell.message}`,
            'aria-label': `${c.title}: ${cellSaid[cell.status](cell.failures)}. Show the last message.`,
          },
          text,
        )
        show.addEventListener('click', () => {
          detail.textContent = `${who(r)} · ${c.title}: ${cell.message}`
        })
        return h('td', { class: `cell cell-${state}${first}`, 'data-check': c.id, 'data-state': state }, show)
      }),
    )
    const stuck = isStuck(r)
    const watch = h(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-label': `Watch ${who(r)}`,
        ...(r.sessionId ? {} : { disabled: true }),
      },
      'Watch',
    )
    watch.addEventListener('click', () => actions.watch(r.traineeId))
    const reset = h('button', { type: 'button', class: 'small danger', 'aria-label': `Reset ${who(r)}` }, 'Reset')
    reset.addEventListener('click', () => actions.reset(r.traineeId))
    return h(
      'tr',
      { 'data-trainee': r.traineeId, class: stuck ? 'stuck' : r.labCompleted ? 'completed' : '' },
      h(
        'th',
        { scope: 'row', class: 'trainee' },
        h(
          'div',
          { class: 'trainee-line' },
          h('span', { class: 'trainee-name', title: who(r) }, who(r)),
          stuck ? h('span', { class: 'tag tag-bad' }, 'stuck') : undefined,
          h('span', { class: 'row-actions' }, watch, reset),
        ),
        h('div', { class: 'trainee-meta' }, envTag(r), summary(r)),
      ),
      ...cells,
    )
  }

  const render = () => {
    if (!book) {
      return
    }
    const graded = book.steps.filter((s) => s.checks.length > 0)
    const stepHeads = graded.map((s) =>
      h(
        'th',
        {
          colspan: String(s.checks.length),
          scope: 'colgroup',
          class: 'step-head',
          title: `${s.index + 1}. ${s.title}`,
        },
        h('span', { 'aria-hidden': 'true' }, String(s.index + 1)),
        h('span', { class: 'visually-hidden' }, `Step ${s.index + 1}: ${s.title}`),
      ),
    )
    const checkHeads = graded.flatMap((s) =>
      s.checks.map((c, i) =>
        h(
          'th',
          {
            scope: 'col',
            class: `check-head${i === 0 ? ' step-start' : ''}`,
            title: c.title,
            'data-check': c.id,
          },
          h('span', { 'aria-hidden': 'true' }, shortCheckName(s.index, i, s.checks.length)),
          h('span', { class: 'visually-hidden' }, c.title),
        ),
      ),
    )
    table.replaceChildren(
      h(
        'thead',
        {},
        h('tr', {}, h('th', { rowspan: '2', scope: 'col', class: 'trainee' }, 'Trainee'), ...stepHeads),
        h('tr', {}, ...checkHeads),
      ),
      h('tbody', {}, ...book.rows.map(rowElement)),
    )
  }

  const tick = setInterval(() => {
    if (book) {
      for (const r of book.rows) {
        table.querySelector(`tr[data-trainee="${r.traineeId}"]`)?.replaceWith(rowElement(r))
      }
    }
  }, 15_000)

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
      book.rows = book.rows.map((r) => (r.traineeId === row.traineeId ? row : r))
      const old = table.querySelector(`tr[data-trainee="${row.traineeId}"]`)
      if (old) {
        old.replaceWith(rowElement(row))
      } else {
        render()
      }
    },
    dispose: () => clearInterval(tick),
  }
}
