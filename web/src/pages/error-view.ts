// Shows an error as the server phrased it: one sentence and a hint.
import { ApiError } from '../api-client.ts'
import { h } from '../dom.ts'

export function errorBox(err: unknown): HTMLElement {
  const message = err instanceof Error ? err.message : String(err)
  const hint = err instanceof ApiError ? err.hint : undefined
  return h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, message), hint ? h('p', {}, hint) : undefined)
}

export function showError(main: HTMLElement, err: unknown): void {
  main.replaceChildren(errorBox(err))
}
