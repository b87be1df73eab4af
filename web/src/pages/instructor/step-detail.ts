// One trainee's checks on one step, opened from a grade book cell: each check's last result
// (passed, failed n times, not verified, not tried) and its message. A modal <dialog>: Esc or
// Close returns focus to the cell.
import { h } from '../../dom.ts'
import type { GradeCellDto, GradeRowDto } from '../../../../server/protocol/cohort-dto.ts'
import { displayName, type GradeStep } from './gradebook-rows.ts'

const said: Record<GradeCellDto['status'], (failures: number) => string> = {
  passed: (n) => (n > 0 ? `passed (after ${n} failed)` : 'passed'),
  failed: (n) => `failed ${n} time${n === 1 ? '' : 's'}`,
  unverified: () => 'not verified (needs the cluster)',
}

export function createStepDetail(): { element: HTMLDialogElement; open(row: GradeRowDto, step: GradeStep): void } {
  const title = h('h2', { id: 'step-detail-title' })
  const list = h('ul', { class: 'step-checks' })
  const close = h('button', { type: 'button' }, 'Close')
  const element = h(
    'dialog',
    { class: 'step-detail', 'aria-labelledby': 'step-detail-title', 'data-testid': 'step-detail' },
    title,
    list,
    close,
  )
  close.addEventListener('click', () => element.close())
  return {
    element,
    open(row, step) {
      title.textContent = `${displayName(row)} · step ${step.index + 1}: ${step.title}`
      list.replaceChildren(
        ...step.checks.map((c) => {
          const cell = row.checks[c.id]
          return h(
            'li',
            { 'data-check': c.id, 'data-state': cell?.status ?? 'none' },
            h('strong', {}, c.title),
            ' — ',
            h('span', { class: 'check-state' }, cell ? said[cell.status](cell.failures) : 'not tried yet'),
            cell?.message ? h('p', { class: 'check-message' }, cell.message) : undefined,
          )
        }),
      )
      element.showModal()
      close.focus()
    },
  }
}
