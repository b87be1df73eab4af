// The terminal pane: the xterm terminal plus a status line that says when the connection is lost
// and being re-established.
import { h } from '../dom.ts'
import { leaveTerminalHelp } from '../terminal/focus-escape.ts'
import { mountTerminal } from '../terminal/index.ts'

export interface LabTerminal {
  run(command: string): void
  focus(): void
}

const labels: Record<string, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Connection lost, reconnecting…',
  disconnected: 'Disconnected. Reload the page to start again.',
  exited: 'The shell has exited. Reload the page for a new one.',
}

export function mountLabTerminal(pane: HTMLElement, token: string): LabTerminal {
  const status = h(
    'div',
    { class: 'terminal-status', role: 'status', 'data-state': 'connecting' },
    labels['connecting'],
  )
  const keys = h('span', { class: 'terminal-keys', id: 'terminal-keys' }, leaveTerminalHelp)
  const host = h('div', { class: 'terminal-host' })
  pane.replaceChildren(h('div', { class: 'terminal-bar' }, status, keys), host)
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const terminal = mountTerminal(host, {
    url: `${scheme}//${location.host}/ws/terminal`,
    token,
    describedBy: 'terminal-keys',
    onState: (state) => {
      status.dataset['state'] = state
      status.textContent = labels[state] ?? state
    },
  })
  return terminal
}
