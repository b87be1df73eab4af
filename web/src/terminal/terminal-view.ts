// The xterm.js side of the terminal: creates the Terminal with the fit addon inside a container,
// keeps it fitted (ResizeObserver) and themed (CSS custom properties), and disposes all of it.
import { FitAddon } from '@xterm/addon-fit'
import { Terminal } from '@xterm/xterm'
import '@xterm/xterm/css/xterm.css'
import type { TerminalSize } from '../../../server/protocol/terminal-frames.ts'
import { createFocusEscape } from './focus-escape.ts'
import { readFont, readTheme, watchTheme } from './terminal-theme.ts'
import type { TerminalSink } from './terminal-socket.ts'

/** A themed, self-fitting xterm.js terminal. It is also the socket's output sink. */
export interface TerminalView extends TerminalSink {
  size(): TerminalSize
  /** What the user types (and pastes). */
  onInput(listener: (data: string) => void): void
  /** New size after a fit. */
  onResize(listener: (size: TerminalSize) => void): void
  /** Writes a one-line notice from kindlab (dim, or red for errors) between shell output. */
  notice(text: string, tone?: 'info' | 'error'): void
  focus(): void
  dispose(): void
}

export interface TerminalViewOptions {
  /** Watch mode: keyboard input is disabled. */
  readOnly?: boolean
  /** Lines kept for scrolling back. @default 5000 */
  scrollback?: number
  /** The id of an element that tells how to leave the terminal (Esc, then Tab). */
  describedBy?: string
}

/** Opens an xterm.js terminal in `el`. */
export function createTerminalView(el: HTMLElement, options: TerminalViewOptions = {}): TerminalView {
  const term = new Terminal({
    ...readFont(el),
    theme: readTheme(el),
    cursorBlink: !options.readOnly,
    disableStdin: options.readOnly === true,
    scrollback: options.scrollback ?? 5000,
  })
  const fit = new FitAddon()
  term.loadAddon(fit)
  term.open(el)
  // Tab belongs to the shell; Esc then Tab (or Shift+Tab) moves the focus out of the terminal.
  const leaves = createFocusEscape()
  term.attachCustomKeyEventHandler((event) => !leaves(event))
  if (options.describedBy) {
    term.textarea?.setAttribute('aria-describedby', options.describedBy)
  }
  let frame = 0
  const refit = (): void => {
    cancelAnimationFrame(frame)
    frame = requestAnimationFrame(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0) {
        fit.fit()
      }
    })
  }
  refit()
  const resizeObserver = new ResizeObserver(refit)
  resizeObserver.observe(el)
  const unwatchTheme = watchTheme(() => {
    term.options.theme = readTheme(el)
  })

  return {
    write: (data, done) => term.write(data, done),
    reset: () => term.reset(),
    size: () => ({ cols: term.cols, rows: term.rows }),
    onInput: (listener) => void term.onData(listener),
    onResize: (listener) => void term.onResize(({ cols, rows }) => listener({ cols, rows })),
    notice(text, tone = 'info') {
      const colour = tone === 'error' ? '\x1b[31m' : '\x1b[2m'
      term.write(`\r\n${colour}[kindlab] ${text.replace(/\r?\n/g, '\r\n')}\x1b[0m\r\n`)
    },
    focus: () => term.focus(),
    dispose() {
      cancelAnimationFrame(frame)
      resizeObserver.disconnect()
      unwatchTheme()
      term.dispose()
    },
  }
}
