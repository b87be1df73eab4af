// Reads the terminal's colours and font from CSS custom properties, so the page's light and dark
// themes (and any override on the terminal's container) style xterm.js too. DOM only, no xterm import.
import type { ITheme } from '@xterm/xterm'

type ColourKey = Exclude<keyof ITheme, 'extendedAnsi'>

/** Theme keys and the custom property each one reads, e.g. `--term-bg`, `--term-bright-red`. */
const themeProperties: ReadonlyArray<[ColourKey, string]> = [
  ['background', '--term-bg'],
  ['foreground', '--term-fg'],
  ['cursor', '--term-cursor'],
  ['cursorAccent', '--term-cursor-accent'],
  ['selectionBackground', '--term-selection'],
  ...(['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const).flatMap(
    (name): Array<[ColourKey, string]> => [
      [name, `--term-${name}`],
      [`bright${name[0]!.toUpperCase()}${name.slice(1)}` as ColourKey, `--term-bright-${name}`],
    ],
  ),
]

/** Used where the page defines no colour: dark, like the page's default terminal. */
const fallbackTheme: ITheme = {
  background: '#1e1e1e',
  foreground: '#e6e6e6',
  cursor: '#f5f5f5',
  selectionBackground: '#3a5a8c',
}

/** Font settings read from `--term-font` and `--term-font-size`. */
export interface TerminalFont {
  fontFamily: string
  fontSize: number
}

/** The theme for `el`, from its computed custom properties over the fallback. */
export function readTheme(el: Element): ITheme {
  const style = getComputedStyle(el)
  const theme: ITheme = { ...fallbackTheme }
  for (const [key, property] of themeProperties) {
    const value = style.getPropertyValue(property).trim()
    if (value !== '') {
      theme[key] = value
    }
  }
  return theme
}

/** The font for `el`. */
export function readFont(el: Element): TerminalFont {
  const style = getComputedStyle(el)
  const size = Number.parseFloat(style.getPropertyValue('--term-font-size'))
  return {
    fontFamily:
      style.getPropertyValue('--term-font').trim() || 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
    fontSize: Number.isFinite(size) && size > 0 ? size : 14,
  }
}

/**
 * Calls `apply` whenever the colour scheme may have changed: the OS preference flips, or the root
 * element's class, style or data-theme changes. Returns the unsubscribe function.
 */
export function watchTheme(apply: () => void): () => void {
  const media = matchMedia('(prefers-color-scheme: dark)')
  media.addEventListener('change', apply)
  const observer = new MutationObserver(apply)
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] })
  return () => {
    media.removeEventListener('change', apply)
    observer.disconnect()
  }
}
