// Literal block scalars (`|`, `|-`, `|+`) for the fast path, as go-yaml v2 reads them: the
// indentation detected from the first line of text, blank lines kept, the end chomped. Gives up
// (bail) on an indentation indicator, text after the header, leading blank lines deeper than the
// text, text not deeper than the container, or no text at all. Pure.
import { bail } from './kube-fast-scalars.ts'

const SPACE = 32
const HASH = 35
const DASH = 45
const PLUS = 43

/** A block scalar's value, where the next line after it starts, and how many lines it took. */
export interface LiteralBlock {
  value: string
  next: number
  lines: number
}

/**
 * Reads the block whose header `|` is at `pos` (its line ends at `eol`; the next line starts at
 * `next`), inside a container whose indentation is `parent`.
 */
export function readLiteral(s: string, pos: number, eol: number, next: number, parent: number): LiteralBlock {
  let p = pos + 1
  const chomp = s.charCodeAt(p) === DASH ? -1 : s.charCodeAt(p) === PLUS ? 1 : 0
  p += chomp === 0 ? 0 : 1
  const afterHeader = p
  while (s.charCodeAt(p) === SPACE) {
    p++
  }
  if (p < eol && (s.charCodeAt(p) !== HASH || p === afterHeader)) {
    // An indentation indicator, or text after the header.
    bail()
  }
  let q = next
  let lines = 0
  let indent = 0
  let leading = 0
  let out = ''
  let leadingBreak = ''
  let trailing = ''
  while (q < s.length) {
    let end = s.indexOf('\n', q)
    end = end < 0 ? s.length : end
    let i = q
    while (s.charCodeAt(i) === SPACE) {
      i++
    }
    const column = i - q
    const blank = i === end
    if (blank && (indent === 0 || column <= indent)) {
      leading = indent === 0 ? Math.max(leading, column) : leading
      trailing += '\n'
    } else {
      if (indent === 0) {
        // The first line of text sets the indentation (go-yaml's auto-detection).
        if (column <= parent || column < leading) {
          bail()
        }
        indent = column
      }
      if (column < indent) {
        break
      }
      out += leadingBreak + trailing + s.slice(q + indent, end)
      leadingBreak = '\n'
      trailing = ''
    }
    q = end + 1
    lines++
  }
  if (indent === 0) {
    // No text at all: left to the full reader.
    bail()
  }
  if (chomp !== -1) {
    out += leadingBreak
  }
  if (chomp === 1) {
    out += trailing
  }
  return { value: out, next: q, lines }
}
