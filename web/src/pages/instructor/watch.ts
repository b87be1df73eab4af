// "Over the shoulder": a trainee's terminal, read-only, for the instructor. Uses a short-lived
// watch token from the cohort API; typing does nothing.
import { byId, h } from '../../dom.ts'
import { mountTerminal } from '../../terminal/index.ts'
import { instructorApi } from './api.ts'

export async function showWatch(main: HTMLElement, id: string, trainee: string): Promise<void> {
  const cohort = await instructorApi.detail(id)
  const watch = await instructorApi.watch(id, trainee)
  document.title = `Watching ${trainee} · kindlab`
  byId('crumbs').replaceChildren(
    h('a', { href: '/instructor' }, 'Instructor'),
    h('span', { 'aria-hidden': 'true' }, ' / '),
    h('a', { href: `/instructor/cohorts/${cohort.id}` }, cohort.name),
    h('span', { 'aria-hidden': 'true' }, ' / '),
    h('span', {}, `watching ${trainee}`),
  )
  const status = h('div', { class: 'terminal-status', role: 'status', 'data-state': 'connecting' }, 'Connecting…')
  const host = h('div', { class: 'terminal-host' })
  main.replaceChildren(
    h(
      'section',
      { class: 'watch' },
      h(
        'p',
        { class: 'notice' },
        `Read-only view of ${trainee}'s terminal: you see what they see; typing does nothing.`,
      ),
      status,
      host,
    ),
  )
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  mountTerminal(host, {
    url: `${scheme}//${location.host}/ws/watch`,
    token: watch.token,
    readOnly: true,
    onState: (state) => {
      status.dataset['state'] = state
      status.textContent = state === 'connected' ? 'Watching (read-only)' : state
    },
  })
}
