// The way out of the terminal for keyboard users: a shell needs Tab (completion), so Tab alone
// stays in the terminal; Esc followed by Tab or Shift+Tab leaves it, as in VS Code's terminal.
// Esc itself still reaches the shell (vi needs it). Pure: it only reads key events.

/** The part of a KeyboardEvent the tracker reads. */
export interface KeyLike {
  type: string
  key: string
  altKey?: boolean
  ctrlKey?: boolean
  metaKey?: boolean
}

/** How to leave the terminal, as the page tells it. */
export const leaveTerminalHelp = 'Esc, then Tab: leave the terminal'

/**
 * Returns a function that says, for each key event, whether the browser should get it
 * (`true`: move focus out) instead of the shell.
 * @example term.attachCustomKeyEventHandler((e) => !leaves(e))
 */
export function createFocusEscape(): (event: KeyLike) => boolean {
  let armed = false
  return (event) => {
    if (event.type !== 'keydown') {
      return false
    }
    if (event.key === 'Escape') {
      armed = true
      return false
    }
    const leave = armed && event.key === 'Tab' && !event.altKey && !event.ctrlKey && !event.metaKey
    if (event.key !== 'Shift') {
      armed = false
    }
    return leave
  }
}
