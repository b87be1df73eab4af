// A fast reader for the YAML subset Kubernetes manifests use (block maps and sequences, flow
// collections, plain and quoted scalars, comments, `---` documents), with the line of every map
// key and sequence item. It returns undefined for anything else (anchors, tags, block scalars,
// multi-line plain scalars, duplicate keys...) so the caller falls back to the `yaml` package.
// Scalars resolve as the YAML 1.2 core schema does (fast-yaml-scalars.ts), so results equal
// `yaml`'s toJS(). One scanner walks the text by index, a line at a time with one line of
// lookahead, without splitting it into line strings. Pure.
import { FlowParser, OpenKeys } from './fast-yaml-flow.ts'
import type { FastDocument } from './fast-yaml-lines.ts'
import { Bail, bail, balanced, plainScalar, quoted, quotedEnd } from './fast-yaml-scalars.ts'

export { plainScalar } from './fast-yaml-scalars.ts'
export { lineAt, type FastDocument, type LineLog } from './fast-yaml-lines.ts'

/** Parses every document, or returns undefined when the text leaves the supported subset. */
export function fastParseDocuments(text: string): FastDocument[] | undefined {
  // Tabs and carriage returns are whitespace to `yaml`, and a byte order mark is dropped; the
  // reader knows only spaces and newlines (other characters, control ones too, are content to
  // both). Line and paragraph separators would confuse the escapes of quoted scalars.
  if (
    text.includes('\t') ||
    text.includes('\r') ||
    text.includes('\ufeff') ||
    text.includes('\u2028') ||
    text.includes('\u2029')
  ) {
    return undefined
  }
  try {
    return new Reader(text).documents()
  } catch (err) {
    // RangeError: nesting deep enough to overflow the stack.
    if (err instanceof Bail || err instanceof RangeError) {
      return undefined
    }
    throw err
  }
}

const SPACE = 32
const DQUOTE = 34
const SQUOTE = 39
const HASH = 35
const DASH = 45
const DOT = 46
const COLON = 58
const PERCENT = 37
const LBRACKET = 91
const RBRACKET = 93
const LBRACE = 123
const RBRACE = 125

/** Steps of Reader.block(). */
const OPEN = 0
const ADD = 1
const MAP_NEXT = 2
const MAP_ENTRY = 3
const SEQ_NEXT = 4
const CLOSE = 5

/** The enclosing maps and sequences of Reader.block(), innermost last. */
class Frames {
  // Arrays created with an element of their final kind: see OpenKeys.keys.
  readonly conts: Array<Record<string, unknown> | unknown[]> = [[]]
  readonly logged: number[] = [0]
  readonly indents: number[] = [0]
  readonly bases: number[] = [0]
  readonly keys: string[] = ['']

  push(
    i: number,
    cont: Record<string, unknown> | unknown[],
    logged: number,
    indent: number,
    base: number,
    key: string,
  ): void {
    this.conts[i] = cont
    this.logged[i] = logged
    this.indents[i] = indent
    this.bases[i] = base
    this.keys[i] = key
  }
}

/** What the scanner's current line is. */
const CONTENT = 0
const MARKER = 1
const EOF = 2

class Reader {
  private readonly n: number
  /** See LineLog. Starts with a string so its elements kind never changes (see OpenKeys.keys). */
  private readonly log: Array<object | string | number> = ['']
  private readonly keys = new OpenKeys()
  private readonly fp = new FlowParser(this.keys)
  private readonly saved = new Frames()

  /** Where the next raw line starts, and how many raw lines have been read. */
  private next = 0
  private lineNo = 0
  /** Index of the first `#` at or after the current line's content (text length + 1 if none). */
  private hashAt = -1

  /** The current line: a content line, a `---` marker, or the end of the text. */
  private state = EOF
  /** Its 1-based number. */
  private no = 0
  /** Its indentation (for a `- ` item continued as a nested block: the column of the content). */
  private indent = 0
  /** Its content: [start, end) without indentation, comment and trailing spaces. */
  private start = 0
  private end = 0
  /** Whether the raw line holds a `#` (then a plain value must not hold ` #`). */
  private hasHash = false

  /** The first `:` at or after colonFrom (text length if none), for colon(). */
  private colonFrom = 0
  private colonAt = -1

  /** Index of the first `:` at or after `from`, or the text length. */
  private colon(from: number): number {
    if (from < this.colonFrom || from > this.colonAt) {
      const i = this.s.indexOf(':', from)
      this.colonAt = i < 0 ? this.n : i
    }
    this.colonFrom = from
    return this.colonAt
  }

  /** The key and the start of the value found by keySplit() on the current line. */
  private key = ''
  private rest = 0

  constructor(private readonly s: string) {
    this.n = s.length
  }

  documents(): FastDocument[] {
    const docs: FastDocument[] = []
    let sawMarker = false
    let marker = 1
    this.advance()
    for (;;) {
      if (this.state === CONTENT) {
        const line = this.no
        const from = this.log.length
        const value = this.block()
        if (this.state === CONTENT) {
          bail()
        }
        docs.push({ value, line, log: this.log, from })
      } else if (sawMarker) {
        docs.push({ value: undefined, line: marker, log: this.log, from: this.log.length })
      }
      if (this.state === EOF) {
        return docs
      }
      sawMarker = true
      marker = this.no
      this.advance()
    }
  }

  /** Moves to the next line that is not blank or a comment (or to a marker, or the end). */
  private advance(): void {
    const s = this.s
    const n = this.n
    let pos = this.next
    while (pos <= n) {
      let eol = s.indexOf('\n', pos)
      if (eol < 0) {
        eol = n
      }
      this.lineNo++
      this.next = eol + 1
      const c0 = pos < eol ? s.charCodeAt(pos) : -1
      if (c0 === DASH && startsWith3(s, pos, eol, DASH)) {
        if (eol - pos === 3 || s.charCodeAt(pos + 3) === SPACE) {
          // A document marker, with nothing after it but a comment.
          let j = pos + 3
          while (j < eol && s.charCodeAt(j) === SPACE) {
            j++
          }
          if (j < eol && s.charCodeAt(j) !== HASH) {
            bail()
          }
          this.state = MARKER
          this.no = this.lineNo
          return
        }
      } else if (c0 === PERCENT || (c0 === DOT && startsWith3(s, pos, eol, DOT))) {
        // Directives and document end markers.
        bail()
      }
      let i = pos
      while (i < eol && s.charCodeAt(i) === SPACE) {
        i++
      }
      if (i < eol && s.charCodeAt(i) !== HASH) {
        let hash = this.hashAt
        if (hash < i) {
          hash = s.indexOf('#', i)
          this.hashAt = hash = hash < 0 ? n + 1 : hash
        }
        const hasHash = hash < eol
        let end = hasHash ? stripComment(s, pos, i, eol) : eol
        while (end > i && s.charCodeAt(end - 1) === SPACE) {
          end--
        }
        if (end > i) {
          this.state = CONTENT
          this.no = this.lineNo
          this.indent = i - pos
          this.start = i
          this.end = end
          this.hasHash = hasHash
          return
        }
      }
      pos = eol + 1
    }
    this.state = EOF
  }

  private isSeqLine(): boolean {
    const st = this.start
    return this.s.charCodeAt(st) === DASH && (this.end - st === 1 || this.s.charCodeAt(st + 1) === SPACE)
  }

  /** The inline scalar from `start` to the end of the current line; nothing may be nested under it. */
  private scalar(start: number, indent: number): unknown {
    const v = this.inline(start)
    this.advance()
    if (this.state === CONTENT && this.indent > indent) {
      // A multi-line plain scalar.
      bail()
    }
    return v
  }

  /** A flow collection or a scalar from `start` to the end of the current line (more lines for a flow). */
  private inlineOrFlow(start: number, indent: number): unknown {
    const c = this.s.charCodeAt(start)
    if (c === LBRACKET || c === LBRACE) {
      return this.flow(start, this.end, indent)
    }
    return this.scalar(start, indent)
  }

  /**
   * The block node starting on the current line. Nested maps and sequences are kept on an
   * explicit stack (their container, indentation, first key on the OpenKeys stack, and pending
   * key), so one loop reads the whole document.
   */
  private block(): unknown {
    const s = this.s
    const keys = this.keys
    const saved = this.saved
    const log = this.log
    // The innermost open map or sequence, if `level` > 0.
    let level = 0
    let isMap = false
    let cont: Record<string, unknown> | unknown[] = saved.conts[0]!
    let logged = 0 // where cont is in the log
    let indent = 0
    let base = 0
    let key = ''
    let value: unknown = null
    let step = OPEN
    // Whether keySplit() has already found a key on the current line.
    let split = false
    for (;;) {
      if (step === OPEN) {
        // A node starts on the current line: a sequence, a map, or an inline value.
        const seqStart = this.isSeqLine()
        if (seqStart || split || this.keySplit()) {
          split = false
          if (level > 0) {
            saved.push(level - 1, cont, logged, indent, base, key)
          }
          level++
          isMap = !seqStart
          cont = isMap ? {} : []
          logged = log.length
          log.push(cont, 0)
          indent = this.indent
          base = keys.top
          step = isMap ? MAP_ENTRY : SEQ_NEXT
          continue
        }
        const c = s.charCodeAt(this.start)
        value =
          c === LBRACKET || c === LBRACE
            ? this.flow(this.start, this.end, this.indent - 1)
            : this.scalar(this.start, this.indent)
        step = ADD
      }
      if (step === ADD) {
        // `value` completes an entry of the innermost container, or the document.
        if (level === 0) {
          return value
        }
        if (isMap) {
          ;(cont as Record<string, unknown>)[key] = value
          step = MAP_NEXT
        } else {
          ;(cont as unknown[]).push(value)
          step = SEQ_NEXT
        }
        continue
      }
      if (step === MAP_NEXT) {
        if (this.state !== CONTENT || this.indent < indent) {
          step = CLOSE
        } else if (this.indent > indent || this.isSeqLine() || !this.keySplit()) {
          return bail()
        } else {
          step = MAP_ENTRY
        }
      }
      if (step === MAP_ENTRY) {
        // The current line is `key: rest`, at the map's indentation.
        key = this.key
        const obj = cont as Record<string, unknown>
        keys.add(obj, base, key)
        const no = this.no
        if (this.rest < this.end) {
          log.push(key, no)
          obj[key] = this.inlineOrFlow(this.rest, indent)
          step = MAP_NEXT
          continue
        }
        this.advance()
        if (this.state === CONTENT && (this.indent > indent || (this.indent === indent && this.isSeqLine()))) {
          // The value is the node on the next line.
          log.push(key, this.no)
          step = OPEN
        } else {
          log.push(key, no)
          obj[key] = null
          step = MAP_NEXT
        }
        continue
      }
      if (step === SEQ_NEXT) {
        const isItem = this.state === CONTENT && this.isSeqLine()
        if (this.state !== CONTENT || this.indent < indent || (this.indent === indent && !isItem)) {
          step = CLOSE
        } else {
          if (this.indent > indent) {
            bail()
          }
          const arr = cont as unknown[]
          const no = this.no
          const end = this.end
          let content = this.start + 1
          while (content < end && s.charCodeAt(content) === SPACE) {
            content++
          }
          if (content === end) {
            // `-` alone: the item is on the following, more indented lines, or null.
            this.advance()
            if (this.state === CONTENT && this.indent > indent) {
              log.push(this.no)
              step = OPEN
            } else {
              log.push(no)
              arr.push(null)
            }
            continue
          }
          // `- content`: a nested block starts at the content's column.
          const start = this.start
          this.start = content
          if (this.isSeqLine() || (split = this.keySplit())) {
            this.indent = indent + (content - start)
            log.push(no)
            step = OPEN
            continue
          }
          this.start = start
          log.push(no)
          arr.push(this.inlineOrFlow(content, indent))
          continue
        }
      }
      // CLOSE: the innermost container ends.
      if (isMap) {
        keys.top = base
      }
      value = cont
      log[logged + 1] = log.length
      level--
      if (level > 0) {
        cont = saved.conts[level - 1]!
        logged = saved.logged[level - 1]!
        indent = saved.indents[level - 1]!
        base = saved.bases[level - 1]!
        key = saved.keys[level - 1]!
        isMap = !Array.isArray(cont)
      }
      step = ADD
    }
  }

  /**
   * Splits `key: rest` on the current line into this.key and this.rest; false when the line
   * holds no key. Gives up on keys outside the subset (complex, non-string, indicators).
   */
  private keySplit(): boolean {
    const s = this.s
    const st = this.start
    const end = this.end
    const c = s.charCodeAt(st)
    if (c === DQUOTE || c === SQUOTE) {
      const close = quotedEnd(s, st, end)
      if (
        close < 0 ||
        close + 1 >= end ||
        s.charCodeAt(close + 1) !== COLON ||
        (close + 2 < end && s.charCodeAt(close + 2) !== SPACE)
      ) {
        return false
      }
      this.key = quoted(s, st, close)
      this.rest = skipSpaces(s, close + 2, end)
      return true
    }
    // [ { ? & * ! | > @ `
    if (
      c === LBRACKET ||
      c === LBRACE ||
      c === 63 ||
      c === 38 ||
      c === 42 ||
      c === 33 ||
      c === 124 ||
      c === 62 ||
      c === 64 ||
      c === 96
    ) {
      return false
    }
    for (let i = this.colon(st); i < end; i = this.colon(i + 1)) {
      if (i + 1 === end || s.charCodeAt(i + 1) === SPACE) {
        let keyEnd = i
        while (keyEnd > st && s.charCodeAt(keyEnd - 1) === SPACE) {
          keyEnd--
        }
        if (
          keyEnd === st ||
          (indicator(c) && !(c === DASH && keyEnd - st > 1 && notSpaceOrDash(s.charCodeAt(st + 1))))
        ) {
          bail()
        }
        const key = s.slice(st, keyEnd)
        if (typeof plainScalar(key) !== 'string') {
          bail()
        }
        this.key = key
        this.rest = skipSpaces(s, i + 1, end)
        return true
      }
    }
    return false
  }

  /** A quoted or plain scalar filling the current line from `start`. */
  private inline(start: number): unknown {
    const s = this.s
    const end = this.end
    const c = s.charCodeAt(start)
    if (c === DQUOTE || c === SQUOTE) {
      const close = quotedEnd(s, start, end)
      if (close !== end - 1) {
        bail()
      }
      return quoted(s, start, close)
    }
    // & * ! | > % @ ` ? , ] } #
    if (
      c === 38 ||
      c === 42 ||
      c === 33 ||
      c === 124 ||
      c === 62 ||
      c === PERCENT ||
      c === 64 ||
      c === 96 ||
      c === 63 ||
      c === 44 ||
      c === RBRACKET ||
      c === RBRACE ||
      c === HASH
    ) {
      bail()
    }
    // `-` or `:` alone or followed by a space: indicators (`a: -` is an error for `yaml`).
    if ((c === DASH || c === COLON) && (end - start === 1 || s.charCodeAt(start + 1) === SPACE)) {
      bail()
    }
    // `a: b: c` (a nested map in a compact value), `x:` at the end, and ` #` left by a quote.
    for (let i = this.colon(start); i < end; i = this.colon(i + 1)) {
      if (i + 1 === end || s.charCodeAt(i + 1) === SPACE) {
        bail()
      }
    }
    if (this.hasHash) {
      // ` #` left in by a quote that stripComment() saw open.
      for (let i = start + 1; i < end; i++) {
        if (s.charCodeAt(i) === HASH && s.charCodeAt(i - 1) === SPACE) {
          bail()
        }
      }
    }
    return plainScalar(s.slice(start, end))
  }

  /** A flow collection from `start` to `end` on the current line, continued on lines deeper than `indent`. */
  private flow(start: number, end: number, indent: number): unknown {
    const s = this.s
    const fp = this.fp
    const last = s.charCodeAt(end - 1)
    if (last === RBRACKET || last === RBRACE) {
      // Usually the collection closes on its line.
      const top = this.keys.top
      try {
        const v = fp.parse(s, start, end)
        if (fp.sawQuote && !balanced(s, start, end)) {
          bail()
        }
        this.advance()
        return v
      } catch (err) {
        if (!(err instanceof Bail)) {
          throw err
        }
        this.keys.top = top
      }
    }
    if (balanced(s, start, end)) {
      bail()
    }
    // Join the following lines until the brackets balance.
    let text = s.slice(start, end)
    this.advance()
    while (!balanced(text, 0, text.length)) {
      if (this.state !== CONTENT || this.indent <= indent) {
        bail()
      }
      text += `\n${s.slice(this.start, this.end)}`
      this.advance()
    }
    return fp.parse(text, 0, text.length)
  }
}

function startsWith3(s: string, pos: number, eol: number, c: number): boolean {
  return eol - pos >= 3 && s.charCodeAt(pos + 1) === c && s.charCodeAt(pos + 2) === c
}

function skipSpaces(s: string, i: number, end: number): number {
  while (i < end && s.charCodeAt(i) === SPACE) {
    i++
  }
  return i
}

/** Characters that may not start a plain key: - ? : , [ ] { } # & * ! | > ' " % @ ` */
function indicator(c: number): boolean {
  switch (c) {
    case DASH:
    case 63:
    case COLON:
    case 44:
    case LBRACKET:
    case RBRACKET:
    case LBRACE:
    case RBRACE:
    case HASH:
    case 38:
    case 42:
    case 33:
    case 124:
    case 62:
    case SQUOTE:
    case DQUOTE:
    case PERCENT:
    case 64:
    case 96:
      return true
    default:
      return false
  }
}

function notSpaceOrDash(c: number): boolean {
  return c !== SPACE && c !== DASH
}

/**
 * End of the line `s[pos, eol)` without its `# comment` (a `#` at the line start or after a space,
 * outside quotes that open at the line start or after a space or one of `[{,:-`). Content starts
 * at `from` (after the indentation).
 */
function stripComment(s: string, pos: number, from: number, eol: number): number {
  let quote = 0
  for (let i = from; i < eol; i++) {
    const c = s.charCodeAt(i)
    if (quote !== 0) {
      if (c === 92 && quote === DQUOTE) {
        i++
      } else if (c === quote) {
        quote = 0
      }
      continue
    }
    if (c === DQUOTE || c === SQUOTE) {
      if (i === pos || quoteMayOpenAfter(s.charCodeAt(i - 1))) {
        quote = c
      }
    } else if (c === HASH && (i === pos || s.charCodeAt(i - 1) === SPACE)) {
      return i
    }
  }
  return eol
}

function quoteMayOpenAfter(c: number): boolean {
  return c === SPACE || c === LBRACKET || c === LBRACE || c === 44 || c === COLON || c === DASH
}
