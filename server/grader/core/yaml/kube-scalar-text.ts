// go-yaml v2's rules for the text of scalars, shared by both readers: the escapes of double-quoted
// scalars, and where a tab may not stand in a block scalar's indentation. Pure: no I/O.
import { ScalarError } from './kube-scalars.ts'

/** The one-character escapes of go-yaml v2's double-quoted scalars (`\/` is not one of them). */
const ESCAPES = new Map<string, string>([
  ['0', '\0'],
  ['a', '\x07'],
  ['b', '\b'],
  ['t', '\t'],
  ['\t', '\t'],
  ['n', '\n'],
  ['v', '\v'],
  ['f', '\f'],
  ['r', '\r'],
  ['e', '\x1b'],
  [' ', ' '],
  ['"', '"'],
  ["'", "'"],
  ['\\', '\\'],
  ['N', '\x85'],
  ['_', '\xa0'],
  ['L', '\u2028'],
  ['P', '\u2029'],
])
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 }

/**
 * The escapes of a double-quoted scalar's text (between the quotes, on one line) as go-yaml v2
 * reads them; throws ScalarError with go-yaml's message where it refuses one. A backslash before
 * a line break (an escaped line break of a multi-line scalar) is dropped with it; folding the
 * lines is left to the caller.
 * @example unescapeDoubleQuoted('a\\tb') // 'a\tb'
 */
export function unescapeDoubleQuoted(body: string): string {
  let out = ''
  let from = 0
  for (let i = body.indexOf('\\'); i >= 0; i = body.indexOf('\\', from)) {
    const e = body.charAt(i + 1)
    out += body.slice(from, i)
    const simple = e === '\n' || e === '\r' ? '' : ESCAPES.get(e)
    if (simple !== undefined) {
      out += simple
      from = i + 2
      continue
    }
    const digits = HEX_DIGITS[e]
    if (digits === undefined) {
      throw new ScalarError('found unknown escape character')
    }
    const hex = body.slice(i + 2, i + 2 + digits)
    if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length < digits) {
      throw new ScalarError('did not find expected hexdecimal number')
    }
    const code = parseInt(hex, 16)
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
      throw new ScalarError('found invalid Unicode character escape code')
    }
    out += String.fromCodePoint(code)
    from = i + 2 + digits
  }
  return out + body.slice(from)
}

/**
 * go-yaml v2 refuses a tab where a block scalar's indentation is still being read: after the
 * spaces of its leading lines while the indentation is being detected, and after fewer spaces
 * than the indentation later on. `raw` is the scalar from its `|` or `>` header on.
 */
export function checkBlockScalarTabs(raw: string): void {
  if (/^[|>]([-+]?[1-9]|[1-9][-+]?)/.test(raw)) {
    // An explicit indentation indicator: rare, not checked.
    return
  }
  const refuse = (): never => {
    throw new ScalarError('found a tab character where an indentation space is expected')
  }
  let indent = 0
  for (const line of raw.split('\n').slice(1)) {
    let spaces = 0
    while (line.charCodeAt(spaces) === 32) {
      spaces++
    }
    const next = line.charAt(spaces)
    const blank = next === '' || next === '\r'
    if (indent === 0) {
      if (next === '\t') {
        refuse()
      }
      if (!blank && spaces === 0) {
        return
      }
      indent = blank ? 0 : spaces
    } else if (spaces < indent && next === '\t') {
      refuse()
    } else if (spaces < indent && !blank) {
      return
    }
  }
}
