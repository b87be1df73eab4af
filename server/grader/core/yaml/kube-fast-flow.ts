// Flow collections for the fast path (`[a, "b", {c: 1}]`, `{name: v1, labels: {version: v1}}`),
// possibly over several lines, with the line of every key and item. Gives up (bail) on anything
// go-yaml might read otherwise: comments, `?`, `:` inside a plain scalar, empty or single-pair
// entries, trailing commas, a plain scalar over lines, lines not indented past the block. Pure.
import { childPath } from './kube-decode.ts'
import type { LineLog } from './kube-fast-lines.ts'
import { bail, plainKey, plainValue, quotedEnd, quotedValue } from './kube-fast-scalars.ts'

const SPACE = 32
const NEWLINE = 10
const DQUOTE = 34
const SQUOTE = 39
const COMMA = 44
const COLON = 58
const LBRACKET = 91
const RBRACKET = 93
const LBRACE = 123
const RBRACE = 125

/** Reads one flow collection of `s`; `pos` and `line` say where it ended. */
export class FlowReader {
  /** Where reading stopped: just after the closing bracket. */
  pos = 0
  /** The 1-based line (in the document text) of `pos`. */
  line = 0
  /** Continuation lines must be indented past this column. */
  private minIndent = 0

  constructor(
    private readonly s: string,
    private readonly lines: LineLog,
    /** Added to a line of the document text to give the line in the file. */
    private readonly lineBase: number,
  ) {}

  /** The collection opening at `pos` (on `line`), whose continuation lines are deeper than `minIndent`. */
  read(pos: number, line: number, path: string, minIndent: number): unknown {
    this.pos = pos
    this.line = line
    this.minIndent = minIndent
    return this.collection(path)
  }

  private collection(path: string): unknown {
    const s = this.s
    const isSeq = s.charCodeAt(this.pos) === LBRACKET
    const close = isSeq ? RBRACKET : RBRACE
    this.pos++
    this.skipBlank()
    const out: unknown[] | Record<string, unknown> = isSeq ? [] : {}
    if (s.charCodeAt(this.pos) === close) {
      this.pos++
      return out
    }
    for (;;) {
      if (isSeq) {
        const arr = out as unknown[]
        const p = childPath(path, arr.length)
        this.lines.set(p, this.line + this.lineBase)
        arr.push(this.value(p))
      } else {
        this.entry(out as Record<string, unknown>, path)
      }
      this.skipBlank()
      const c = s.charCodeAt(this.pos)
      if (c === close) {
        this.pos++
        return out
      }
      if (c !== COMMA) {
        bail()
      }
      this.pos++
      this.skipBlank()
      const next = s.charCodeAt(this.pos)
      if (next === RBRACKET || next === RBRACE || next === COMMA) {
        bail()
      }
    }
  }

  /** `key: value` in a flow mapping. */
  private entry(obj: Record<string, unknown>, path: string): void {
    const s = this.s
    const keyLine = this.line
    const c = s.charCodeAt(this.pos)
    let key: string
    if (c === DQUOTE || c === SQUOTE) {
      key = this.quoted()
    } else if (c === LBRACKET || c === LBRACE) {
      return bail()
    } else {
      key = plainKey(this.plain())
    }
    while (s.charCodeAt(this.pos) === SPACE) {
      this.pos++
    }
    const after = s.charCodeAt(this.pos + 1)
    if (s.charCodeAt(this.pos) !== COLON || (after !== SPACE && after !== NEWLINE)) {
      bail()
    }
    this.pos++
    this.skipBlank()
    const v = s.charCodeAt(this.pos)
    if (v === COMMA || v === RBRACE || Object.prototype.hasOwnProperty.call(obj, key)) {
      bail()
    }
    const p = childPath(path, key)
    setField(obj, key, this.value(p))
    this.lines.set(p, keyLine + this.lineBase)
  }

  private value(path: string): unknown {
    const c = this.s.charCodeAt(this.pos)
    if (c === LBRACKET || c === LBRACE) {
      return this.collection(path)
    }
    if (c === DQUOTE || c === SQUOTE) {
      return this.quoted()
    }
    return plainValue(this.plain())
  }

  private quoted(): string {
    const s = this.s
    let eol = s.indexOf('\n', this.pos)
    eol = eol < 0 ? s.length : eol
    const close = quotedEnd(s, this.pos, eol)
    if (close < 0) {
      bail()
    }
    const v = quotedValue(s, this.pos, close)
    this.pos = close + 1
    return v
  }

  /** A plain scalar on one line, ended by `,[]{}`, `: ` or the line end; trailing spaces dropped. */
  private plain(): string {
    const s = this.s
    const start = this.pos
    const first = s.charCodeAt(start)
    // Indicators that cannot start a plain scalar here (quotes and brackets are read elsewhere);
    // `-` may, unless a space or the end of an entry follows it.
    const next = s.charCodeAt(start + 1)
    if (
      first !== first ||
      '?:,[]{}#&*!|>%@`'.includes(s.charAt(start)) ||
      (first === 45 && (next === SPACE || next === NEWLINE || next === COMMA || next === RBRACKET || next === RBRACE))
    ) {
      bail()
    }
    let last = start
    let i = start
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c === COMMA || c === RBRACKET || c === RBRACE || c === LBRACKET || c === LBRACE || c === NEWLINE) {
        break
      }
      if (c === COLON) {
        const d = s.charCodeAt(i + 1)
        if (d === SPACE || d === NEWLINE) {
          break
        }
        bail()
      }
      if (c === 35 || c === 63) {
        // `#` (a comment after a space) and `?` end or break a flow scalar in go-yaml.
        bail()
      }
      if (c !== SPACE) {
        last = i + 1
      }
    }
    if (last === start) {
      bail()
    }
    this.pos = last
    return s.slice(start, last)
  }

  /** Skips spaces and line breaks; a continuation line must be indented past the block. */
  private skipBlank(): void {
    const s = this.s
    let pos = this.pos
    for (;;) {
      const c = s.charCodeAt(pos)
      if (c === SPACE) {
        pos++
      } else if (c === NEWLINE) {
        pos++
        this.line++
        let indent = 0
        while (s.charCodeAt(pos) === SPACE) {
          pos++
          indent++
        }
        const d = s.charCodeAt(pos)
        if (d !== NEWLINE && (indent <= this.minIndent || d === 35 || d !== d)) {
          bail()
        }
      } else {
        this.pos = pos
        return
      }
    }
  }
}

/** Sets a field as own data, also `__proto__` (which plain assignment would turn into the prototype). */
export function setField(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    obj[key] = value
  }
}
