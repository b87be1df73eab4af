// What the terminal tells the learner about its connection, once per event: the socket reports
// 'reconnecting' on every attempt, but "Connection lost" is said once per loss; after a reconnect
// it says whether the shell is the same one (the server kept it, up to 60 s) or a new one (the
// server restarted: a shell does not outlive its server; the workspace files are kept). Pure.
import type { StateDetail, TerminalState } from './terminal-socket.ts'

export interface ConnectionNotices {
  /** A line to show for this state change, if any. */
  onState(state: TerminalState, detail?: StateDetail): string | undefined
  /** A line to show when a (re)connection is ready, if any. */
  onReady(info: { reattached: boolean }): string | undefined
}

export function createConnectionNotices(): ConnectionNotices {
  let lost = false
  return {
    onState(state, detail) {
      if (state === 'reconnecting' && !lost) {
        lost = true
        return 'Connection lost; reconnecting…'
      }
      if (state === 'disconnected' && detail?.code !== undefined) {
        lost = false
        return 'Disconnected. Press Enter to reconnect.'
      }
      return undefined
    },
    onReady(info) {
      if (!lost) {
        return undefined
      }
      lost = false
      return info.reattached
        ? 'Reconnected to your shell.'
        : 'Reconnected to a new shell (the server restarted; your workspace files are kept).'
    },
  }
}
