// ```check blocks: a Check button runs the step's checks and shows each result (passed, failed,
// or unverified in grey, never a tick) with the grader's finding first, then the lab's hint, and
// the layers that confirmed it. The last results are shown again after a reload.
import { api } from '../../api-client.ts'
import { h } from '../../dom.ts'
import { errorBox } from '../../pages/error-view.ts'
import type { CheckResultDto, CheckStatusDto } from '../../../../server/protocol/api-dto.ts'
import type { StepAction } from './step-action.ts'
import { pictureOf, renderRequestPath } from '../request-path.ts'
import { hintNeedsCluster } from '../cluster-commands.ts'
import { withCode } from '../inline-code.ts'
import { CHECK_RESULTS_EVENT } from '../editor-markers.ts'

const layerNames: Record<string, string> = {
  workspace: 'workspace files',
  command: 'command',
  config: 'predicted config',
  envoy: 'Envoy config_dump',
  traffic: 'traffic',
}

/** Whether a hint's commands can run here: offline, hints that need the cluster are marked. */
type HintNeedsCluster = (hint: string) => boolean

const buttonLabel = 'Check'

function hintLine(hint: string, needsCluster: HintNeedsCluster): HTMLElement {
  return h(
    'p',
    { class: 'check-hint' },
    h('span', { class: 'hint-label' }, 'Hint: '),
    ...withCode(hint),
    needsCluster(hint)
      ? h(
          'span',
          { class: 'tag tag-offline', title: 'The commands in this hint need the cluster.' },
          'needs the cluster',
        )
      : undefined,
  )
}

const statusView: Record<CheckStatusDto, { cls: string; icon: string; said: string }> = {
  passed: { cls: 'pass', icon: '✔', said: ' passed: ' },
  failed: { cls: 'fail', icon: '✘', said: ' failed: ' },
  unverified: { cls: 'unverified', icon: '?', said: ' not verified: ' },
}

function resultItem(
  r: Pick<CheckResultDto, 'id' | 'title' | 'message' | 'finding' | 'hint' | 'output'> & {
    status?: CheckStatusDto
    passed: boolean
    layers?: CheckResultDto['layers']
    detail?: unknown
  },
  needsCluster: HintNeedsCluster,
): HTMLElement {
  const view = statusView[r.status ?? (r.passed ? 'passed' : 'failed')]
  const picture = r.status === 'failed' ? pictureOf(r.detail) : undefined
  const layers = (r.layers ?? []).map((l) =>
    h(
      'span',
      { class: `layer layer-${l.passed === undefined ? 'na' : l.passed ? 'ok' : 'bad'}`, title: l.message },
      layerNames[l.layer] ?? l.layer,
    ),
  )
  return h(
    'li',
    { class: `check-result ${view.cls}`, 'data-check-id': r.id, 'data-status': r.status ?? '' },
    h('span', { class: 'check-icon', 'aria-hidden': 'true' }, view.icon),
    h(
      'div',
      {},
      h('strong', {}, r.title),
      h('span', { class: 'visually-hidden' }, view.said),
      h('p', { class: 'check-message' }, ...withCode(r.message)),
      r.finding
        ? h('p', { class: 'check-finding' }, h('span', { class: 'hint-label' }, 'Found: '), ...withCode(r.finding))
        : undefined,
      r.hint ? hintLine(r.hint, needsCluster) : undefined,
      layers.length ? h('p', { class: 'layers' }, 'Checked on: ', ...layers) : undefined,
      picture ? renderRequestPath(picture) : undefined,
      r.output ? h('details', {}, h('summary', {}, 'Output'), h('pre', {}, r.output)) : undefined,
    ),
  )
}

export const checkAction: StepAction = {
  name: 'check',
  wire(block, ctx) {
    const ids = (block.dataset['checkIds'] ?? '').split(',').filter(Boolean)
    const button = h('button', { type: 'button', class: 'action-button check' }, buttonLabel)
    const results = h('ul', { class: 'check-results', 'aria-live': 'polite' })
    const opts = { labNeedsCluster: ctx.state.lab.needsCluster }
    const needsCluster: HintNeedsCluster = (hint) => ctx.state.offline && hintNeedsCluster(hint, opts)
    const known = ids.length ? ids : Object.keys(ctx.state.progress.lastResults)
    const stepChecks = ctx.state.lab.steps[ctx.stepIndex]?.checks ?? []
    for (const c of stepChecks.filter((c) => known.includes(c.id))) {
      const last = ctx.state.progress.lastResults[c.id]
      if (last) {
        results.append(resultItem({ id: c.id, title: c.title, ...last }, needsCluster))
      }
    }
    button.addEventListener('click', () => {
      button.disabled = true
      button.textContent = 'Checking…'
      void api
        .check(ctx.state.lab.id, ctx.stepIndex, ctx.state.token, ids.length ? ids : undefined)
        .then(
          (run) => {
            results.replaceChildren(...run.checks.map((r) => resultItem(r, needsCluster)))
            results.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
            for (const r of run.checks) {
              ctx.state.progress.lastResults[r.id] = {
                passed: r.passed,
                status: r.status,
                message: r.message,
                ...(r.finding ? { finding: r.finding } : {}),
                ...(r.hint ? { hint: r.hint } : {}),
                at: Date.now(),
              }
            }
            // Open editors mark the findings at their lines (lab/file-editor.ts).
            document.dispatchEvent(new CustomEvent(CHECK_RESULTS_EVENT, { detail: run.checks }))
            if (run.stepPassed) {
              ctx.onStepPassed()
            }
          },
          (err: unknown) => {
            results.replaceChildren(h('li', {}, errorBox(err)))
            results.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
          },
        )
        .finally(() => {
          button.disabled = false
          button.textContent = buttonLabel
        })
    })
    block.append(h('div', { class: 'action-bar' }, button), results)
  },
}
