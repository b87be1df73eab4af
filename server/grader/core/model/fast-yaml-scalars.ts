// Scalars for the fast YAML reader: plain scalars resolved as the YAML 1.2 core schema does,
// quoted scalars with escapes, the bracket balance of a flow collection's text, and the Bail
// signal that makes the reader give up. Everything works on index ranges of the source text with
// charCodeAt, so reading allocates little more than the values. Pure.

/** Thrown to give up on the fast path (the caller falls back to the `yaml` package). */
export class Bail extends Error {}

/** Gives up. */
export const bail = (): never => {
  throw new Bail()
}

const DQUOTE = 34
const SQUOTE = 39
const LBRACKET = 91
const RBRACKET = 93
const LBRACE = 123
const RBRACE = 125
const BACKSLASH = 92

/** Index of the closing quote of the quoted scalar starting at `start`, or -1 (before `end`). */
export function quotedEnd(s: string, start: number, end: number): number {
  if (s.charCodeAt(start) === DQUOTE) {
    for (let i = start + 1; i < end; i++) {
      const c = s.charCodeAt(i)
      if (c === BACKSLASH) {
        i++
      } else if (c === DQUOTE) {
        return i
      }
    }
    return -1
  }
  for (let i = start + 1; i < end; i++) {
    if (s.charCodeAt(i) === SQUOTE) {
      if (i + 1 < end && s.charCodeAt(i + 1) === SQUOTE) {
        i++
      } else {
        return i
      }
    }
  }
  return -1
}

const escapes: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
}

function unescape(_m: string, e: string): string {
  if (e.length > 1) {
    const code = parseInt(e.slice(1), 16)
    return code <= 0x10ffff ? String.fromCodePoint(code) : bail()
  }
  return Object.prototype.hasOwnProperty.call(escapes, e) ? escapes[e]! : bail()
}

/**
 * The value of the quoted scalar from the quote at `start` to the closing quote at `close`. A
 * scalar running over a line break (only possible in a multi-line flow collection) gives up: its
 * folding rules are not worth reproducing.
 */
export function quoted(s: string, start: number, close: number): string {
  const body = s.slice(start + 1, close)
  if (body.includes('\n')) {
    bail()
  }
  if (s.charCodeAt(start) === SQUOTE) {
    return body.includes("'") ? body.replace(/''/g, "'") : body
  }
  if (!body.includes('\\')) {
    return body
  }
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, unescape)
}

/** YAML 1.2 core schema resolution of a plain scalar. */
export function plainScalar(s: string): unknown {
  if (s.length === 0) {
    return null
  }
  const c = s.charCodeAt(0)
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    // Only words starting with n, t or f can be null, true or false; other letters are strings.
    switch (c) {
      case 110: // n
        return s === 'null' ? null : s
      case 78: // N
        return s === 'Null' || s === 'NULL' ? null : s
      case 116: // t
        return s === 'true' ? true : s
      case 84: // T
        return s === 'True' || s === 'TRUE' ? true : s
      case 102: // f
        return s === 'false' ? false : s
      case 70: // F
        return s === 'False' || s === 'FALSE' ? false : s
      default:
        return s
    }
  }
  if (c === 126) {
    // ~
    return s.length === 1 ? null : s
  }
  // Numbers start with a digit, a sign or a dot; anything else is a string.
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    return numeric(s, c)
  }
  return s
}

function numeric(s: string, c: number): unknown {
  // Decimal integers (the usual case) without a regex.
  let i = c === 45 || c === 43 ? 1 : 0
  if (i < s.length) {
    let d = s.charCodeAt(i)
    while (d >= 48 && d <= 57) {
      i++
      if (i === s.length) {
        return Number(s)
      }
      d = s.charCodeAt(i)
    }
  }
  if (/^0o[0-7]+$/.test(s)) {
    return parseInt(s.slice(2), 8)
  }
  if (/^0x[0-9a-fA-F]+$/.test(s)) {
    return parseInt(s.slice(2), 16)
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) {
    return parseFloat(s)
  }
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) {
    return c === 45 ? -Infinity : Infinity
  }
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) {
    return NaN
  }
  return s
}

/** True when the brackets outside quotes in `s[start, end)` close. */
export function balanced(s: string, start: number, end: number): boolean {
  let depth = 0
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i)
    if (c === DQUOTE || c === SQUOTE) {
      const close = quotedEnd(s, i, end)
      if (close < 0) {
        return false
      }
      i = close
    } else if (c === LBRACKET || c === LBRACE) {
      depth++
    } else if (c === RBRACKET || c === RBRACE) {
      depth--
    }
  }
  return depth <= 0
}

/** True for the characters that may not start a plain scalar (`&x`, `*x`, `!x`, `|`...). */
export function badPlainStart(c: number): boolean {
  // & * ! | > % @ `
  return c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === 37 || c === 64 || c === 96
}
