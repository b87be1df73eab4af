// The live grade book grid: one row per trainee, one cell per check (passed, failed with the
// failure count and the last message as a tooltip), current step with time on it, stuck rows
// highlighted. Rows are replaced as the stream pushes them; the clocks tick locally.
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

/** The environment's state; while it is built, the step it is on (cluster mode: kind, Istio, ...). */
function envCell(r: GradeRowDto): HTMLElement {
  const p = r.envProgress
  const title = p ? `${p.title}${p.detail ? `: ${p.detail}` : ''}` : r.envError
  return h(
    'td',
    { class: 'env', 'data-env': r.envState, ...(p ? { 'data-step': p.step } : {}), ...(title ? { title } : {}) },
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
  const element = h('div', { class: 'gradebook-wrap' }, table, detail)
  const who = (r: GradeRowDto): string =>
    r.displayName && r.displayName !== r.traineeId ? `${r.displayName} (${r.traineeId})` : r.traineeId

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

  /** ✓ passed, ✗ n failed, ? unverified (grey, never a tick). */
  const cellText: Record<GradeCellDto['status'], (failures: number) => string> = {
    passed: () => '✓',
    failed: (n) => `✗ ${n}`,
    unverified: () => '?',
  }

  const rowElement = (r: GradeRowDto): HTMLTableRowElement => {
    const checks = book?.steps.flatMap((s) => s.checks) ?? []
    const cells = checks.map((c) => {
      const cell = r.checks[c.id]
      const state = cell ? cell.status : 'none'
      const text = cell ? cellText[cell.status](cell.failures) : '·'
      if (!cell) {
        return h(
          'td',
          { class: `cell cell-${state}`, 'data-check': c.id, 'data-state': state, title: 'not tried yet' },
          text,
        )
      }
      // The last result's message: a tooltip, and on click (or Enter) in the line under the grid.
      const show = h(
        'button',
        {
          type: 'button',
          class: 'cell-button',
          title: cell.message,
          'aria-label': `${c.title}: ${state === 'passed' ? 'passed' : state === 'unverified' ? 'not verified' : `failed ${cell.failures} times`}. Show the last message.`,
        },
        text,
      )
      show.addEventListener('click', () => {
        detail.textContent = `${who(r)} · ${c.title}: ${cell.message}`
      })
      return h('td', { class: `cell cell-${state}`, 'data-check': c.id, 'data-state': state }, show)
    })
    const stuck = isStuck(r)
    const step =
      r.joinedAt === undefined
        ? 'not joined'
        : r.labCompleted
          ? 'done'
          : `step ${r.currentStep + 1} · ${minutes(Date.now() - r.currentSince)}`
    const watch = h('button', { type: 'button', class: 'small', ...(r.sessionId ? {} : { disabled: true }) }, 'Watch')
    watch.addEventListener('click', () => actions.watch(r.traineeId))
    const reset = h('button', { type: 'button', class: 'small danger' }, 'Reset')
    reset.addEventListener('click', () => actions.reset(r.traineeId))
    return h(
      'tr',
      { 'data-trainee': r.traineeId, class: stuck ? 'stuck' : r.labCompleted ? 'completed' : '' },
      h('th', { scope: 'row' }, who(r), stuck ? h('span', { class: 'tag tag-bad' }, 'stuck') : undefined),
      envCell(r),
      h('td', { class: 'step', 'data-since': String(r.currentSince) }, step),
      ...cells,
      h('td', { class: 'row-actions' }, watch, reset),
    )
  }

  const render = () => {
    if (!book) {
      return
    }
    const stepHeads = book.steps
      .filter((s) => s.checks.length > 0)
      .map((s) => h('th', { colspan: String(s.checks.length), scope: 'colgroup' }, `${s.index + 1}. ${s.title}`))
    const checkHeads = book.steps.flatMap((s) => s.checks.map((c) => h('th', { scope: 'col', title: c.id }, c.title)))
    table.replaceChildren(
      h(
        'thead',
        {},
        h('tr', {}, h('th', { colspan: '3' }), ...stepHeads, h('th', {})),
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Trainee'),
          h('th', { scope: 'col' }, 'Env'),
          h('th', { scope: 'col' }, 'Where'),
          ...checkHeads,
          h('th', { scope: 'col' }, 'Actions'),
        ),
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
