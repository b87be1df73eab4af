// Messages and hints from labs and the grader use Markdown backticks for commands and fields:
// show them as <code>, built as DOM nodes (never parsed as HTML).
import { h } from '../dom.ts'

export interface TextPart {
  code: boolean
  text: string
}

/** Splits `text` at pairs of backticks; an unpaired backtick stays literal text. */
export function splitCode(text: string): TextPart[] {
  const parts: TextPart[] = []
  const pattern = /`([^`]+)`/g
  let last = 0
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) {
      parts.push({ code: false, text: text.slice(last, m.index) })
    }
    parts.push({ code: true, text: m[1] ?? '' })
    last = m.index + m[0].length
  }
  if (last < text.length) {
    parts.push({ code: false, text: text.slice(last) })
  }
  return parts
}

/** The text as nodes, with code spans in <code>. */
export function withCode(text: string): Array<Node | string> {
  return splitCode(text).map((p) => (p.code ? h('code', {}, p.text) : p.text))
}
