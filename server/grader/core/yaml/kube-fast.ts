// The fast path of kindlab's YAML reader: one index-based scanner for the YAML that manifests use
// (block mappings and sequences, flow collections, plain and quoted scalars, literal `|` blocks,
// comments), giving the same values and field lines as the full reader (kube-yaml.ts over the
// `yaml` package). Scalars resolve by the same go-yaml v2 rules (kube-scalars.ts). The moment it
// meets anything it does not read exactly as kubectl does (anchors, aliases, tags, merge keys,
// repeated keys, `?` keys, folded `>` blocks, plain scalars over lines, tabs, odd indentation,
// values kubectl refuses...) it gives up and the full reader reads the document. Pure: no I/O.
import { childPath } from './kube-decode.ts'
import { FlowReader, setField } from './kube-fast-flow.ts'
import { LineLog } from './kube-fast-lines.ts'
import { readLiteral } from './kube-fast-literal.ts'
import { FastPathBail, bail, plainKey, plainValue, quotedEnd, quotedValue } from './kube-fast-scalars.ts'

/** One document read by the fast path. */
export interface FastDocument {
  /** null: the document holds no value (only comments or blank lines). */
  value: unknown
  /** 1-based line (in the file) of the document's first value. */
  line: number
  lines: LineLog
}

const SPACE = 32
const HASH = 35
const DQUOTE = 34
const SQUOTE = 39
const DASH = 45
const DOT = 46
const COLON = 58
const PERCENT = 37
const LBRACKET = 91
const LBRACE = 123
const PIPE = 124
const BOM = 0xfeff

/** Characters the scanner does not handle: tabs, carriage returns, other line breaks, a BOM inside. */
const UNSUPPORTED = /[\t\r\u0085\u2028\u2029\ufeff]/
/** libyaml refuses a simple key longer than 1024 characters; keep well clear of the limit. */
const MAX_KEY = 1000
/** Characters a plain scalar may not start with (`-`, quotes, `[`, `{`, `|` and `#` are read apart). */
const BAD_START = '?:,]}&*!>%@`'

/**
 * Reads one document (a chunk of kube-split.ts, lines joined by `\n`) whose first line is line
 * `startLine` of the file; undefined when the full reader must read it.
 */
export function readFastDocument(text: string, startLine: number): FastDocument | undefined {
  const from = text.charCodeAt(0) === BOM ? 1 : 0
  if (UNSUPPORTED.test(from === 0 ? text : text.slice(from))) {
    return undefined
  }
  try {
    return new BlockReader(text, from, startLine - 1).document()
  } catch (err) {
    // RangeError: nesting deep enough to overflow the stack; the full reader says so.
    if (err instanceof FastPathBail || err instanceof RangeError) {
      return undefined
    }
    throw err
  }
}

/** go-yaml's (kubectl's) nesting limit: deeper documents are refused. */
const MAX_BLOCK_DEPTH = 10_000

class BlockReader {
  readonly lines = new LineLog()
  private readonly flow: FlowReader
  /** Start of the next raw line, and the number of the last line read. */
  private next: number
  private lineNo = 0
  /** The current content line (not blank, not a comment): its number, indentation, content, end. */
  private atEnd = false
  /** Block collections open around the current line. */
  private depth = 0
  private no = 0
  private indent = 0
  private start = 0
  private eol = 0
  /** The key found by keyAt(), and where its value starts. */
  private key = ''
  private rest = 0

  constructor(
    private readonly s: string,
    from: number,
    private readonly lineBase: number,
  ) {
    this.next = from
    this.flow = new FlowReader(s, this.lines, lineBase)
  }

  document(): FastDocument {
    this.advance()
    if (this.atEnd) {
      return { value: null, line: this.lineBase + 1, lines: this.lines }
    }
    const line = this.no + this.lineBase
    let value: unknown
    if (this.isSeqAt(this.start)) {
      value = this.seq(this.indent, '')
    } else if (this.keyAt(this.start)) {
      value = this.map(this.indent, '')
    } else {
      // A scalar or a flow collection alone: rare in manifests.
      return bail()
    }
    if (!this.atEnd) {
      bail()
    }
    return { value, line, lines: this.lines }
  }

  /** Moves to the next content line, or to the end. */
  private advance(): void {
    const s = this.s
    const n = s.length
    let pos = this.next
    while (pos < n) {
      let eol = s.indexOf('\n', pos)
      if (eol < 0) {
        eol = n
      }
      this.lineNo++
      this.next = eol + 1
      let i = pos
      while (s.charCodeAt(i) === SPACE) {
        i++
      }
      const c = s.charCodeAt(i)
      if (i < eol && c !== HASH) {
        // Directives and a `...` document end are left to the full reader.
        if (i === pos && (c === PERCENT || (c === DOT && s.startsWith('...', pos)))) {
          bail()
        }
        this.no = this.lineNo
        this.indent = i - pos
        this.start = i
        this.eol = eol
        return
      }
      pos = eol + 1
    }
    this.atEnd = true
  }

  private isSeqAt(i: number): boolean {
    return this.s.charCodeAt(i) === DASH && (i + 1 === this.eol || this.s.charCodeAt(i + 1) === SPACE)
  }

  /** The node starting on the current line, as the value of a key or an item of a container at `parent`. */
  private node(parent: number, path: string): unknown {
    if (this.isSeqAt(this.start)) {
      return this.nested(() => this.seq(this.indent, path))
    }
    if (this.keyAt(this.start)) {
      return this.nested(() => this.map(this.indent, path))
    }
    return this.inline(this.start, parent, path)
  }

  /** One level deeper; past kubectl's limit the full reader reads the document (and refuses it). */
  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_BLOCK_DEPTH) {
      throw new FastPathBail()
    }
    try {
      return read()
    } finally {
      this.depth--
    }
  }

  /** A block mapping at column `indent`; the current line holds its first key (found by keyAt). */
  private map(indent: number, path: string): Record<string, unknown> {
    const s = this.s
    const obj: Record<string, unknown> = {}
    for (;;) {
      const key = this.key
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        // A repeated key: the full reader warns about it.
        bail()
      }
      const keyLine = this.no
      const p = childPath(path, key)
      let r = this.rest
      while (s.charCodeAt(r) === SPACE) {
        r++
      }
      let value: unknown = null
      if (r < this.eol && s.charCodeAt(r) !== HASH) {
        value = this.inline(r, indent, p)
      } else {
        this.advance()
        if (!this.atEnd && (this.indent > indent || (this.indent === indent && this.isSeqAt(this.start)))) {
          value = this.node(indent, p)
        }
      }
      setField(obj, key, value)
      this.lines.set(p, keyLine + this.lineBase)
      if (this.atEnd || this.indent < indent) {
        return obj
      }
      if (this.indent > indent || !this.keyAt(this.start)) {
        bail()
      }
    }
  }

  /** A block sequence whose `-` are at column `indent`; the current line is its first item. */
  private seq(indent: number, path: string): unknown[] {
    const s = this.s
    const arr: unknown[] = []
    for (;;) {
      const p = childPath(path, arr.length)
      let c = this.start + 1
      while (s.charCodeAt(c) === SPACE) {
        c++
      }
      let value: unknown = null
      if (c >= this.eol || s.charCodeAt(c) === HASH) {
        // `-` alone: the item is on the next, deeper lines, or null.
        const dashLine = this.no
        this.advance()
        const nested = !this.atEnd && this.indent > indent
        this.lines.set(p, (nested ? this.no : dashLine) + this.lineBase)
        if (nested) {
          value = this.node(indent, p)
        }
      } else {
        this.lines.set(p, this.no + this.lineBase)
        // `- - x` and `- key: value` open a block at the content's column.
        const column = this.indent + (c - this.start)
        if (this.isSeqAt(c)) {
          this.start = c
          this.indent = column
          value = this.seq(column, p)
        } else if (this.keyAt(c)) {
          this.start = c
          this.indent = column
          value = this.map(column, p)
        } else {
          value = this.inline(c, indent, p)
        }
      }
      arr.push(value)
      if (this.atEnd || this.indent < indent) {
        return arr
      }
      if (this.indent > indent) {
        bail()
      }
      if (!this.isSeqAt(this.start)) {
        // An indentless sequence ends where its mapping goes on (else the mapping gives up).
        return arr
      }
    }
  }

  /**
   * Whether the current line holds `key:` at `st`; sets this.key (as sigs.k8s.io/yaml turns it into
   * a JSON key) and this.rest. False for a value (a scalar, a flow collection, a `|` block).
   */
  private keyAt(st: number): boolean {
    const s = this.s
    const eol = this.eol
    const c = s.charCodeAt(st)
    if (c === DQUOTE || c === SQUOTE) {
      const close = quotedEnd(s, st, eol)
      if (close < 0) {
        bail()
      }
      let j = close + 1
      while (s.charCodeAt(j) === SPACE) {
        j++
      }
      if (s.charCodeAt(j) !== COLON) {
        return false
      }
      if (j + 1 < eol && s.charCodeAt(j + 1) !== SPACE) {
        bail()
      }
      this.key = quotedValue(s, st, close)
      this.rest = j + 1
      return true
    }
    if (c === LBRACKET || c === LBRACE || c === PIPE) {
      return false
    }
    if (BAD_START.includes(s.charAt(st)) || this.isSeqAt(st)) {
      bail()
    }
    for (let i = st; i < eol; i++) {
      if (s.charCodeAt(i) === COLON && (i + 1 === eol || s.charCodeAt(i + 1) === SPACE)) {
        if (commentAt(s, st, i) < i) {
          // A plain value ending in a comment that holds a colon.
          return false
        }
        let end = i
        while (s.charCodeAt(end - 1) === SPACE) {
          end--
        }
        const text = s.slice(st, end)
        if (text.length > MAX_KEY || /[,[\]{}]/.test(text)) {
          bail()
        }
        this.key = plainKey(text)
        this.rest = i + 1
        return true
      }
    }
    return false
  }

  /**
   * The value written on the current line from `pos` (a flow collection may go on over lines, a
   * `|` block over the next lines); then the next content line, which must not be deeper than
   * `parent` (that would continue the scalar over lines).
   */
  private inline(pos: number, parent: number, path: string): unknown {
    const s = this.s
    const c = s.charCodeAt(pos)
    let value: unknown
    if (c === LBRACKET || c === LBRACE) {
      value = this.flow.read(pos, this.no, path, parent)
      this.finishLine(this.flow.pos, this.flow.line)
    } else if (c === DQUOTE || c === SQUOTE) {
      const close = quotedEnd(s, pos, this.eol)
      if (close < 0) {
        bail()
      }
      value = quotedValue(s, pos, close)
      this.finishLine(close + 1, this.no)
    } else if (c === PIPE) {
      value = this.literal(pos, parent)
    } else {
      value = plainValue(this.plainText(pos))
      this.advance()
    }
    if (!this.atEnd && this.indent > parent) {
      bail()
    }
    return value
  }

  /** A plain scalar from `pos` to the comment or the end of the current line. */
  private plainText(pos: number): string {
    const s = this.s
    const eol = this.eol
    if (BAD_START.includes(s.charAt(pos)) || this.isSeqAt(pos)) {
      bail()
    }
    let end = commentAt(s, pos, eol)
    while (s.charCodeAt(end - 1) === SPACE) {
      end--
    }
    // `a: b: c` and `a: b:` are mappings where kubectl expects none: left to the full reader.
    for (let i = pos; i < end; i++) {
      if (s.charCodeAt(i) === COLON && (i + 1 === end || s.charCodeAt(i + 1) === SPACE)) {
        bail()
      }
    }
    return s.slice(pos, end)
  }

  /** After a value ending at `pos` on line `line`: only spaces and a comment may follow. */
  private finishLine(pos: number, line: number): void {
    const s = this.s
    let eol = s.indexOf('\n', pos)
    eol = eol < 0 ? s.length : eol
    let i = pos
    while (s.charCodeAt(i) === SPACE) {
      i++
    }
    if (i < eol && (s.charCodeAt(i) !== HASH || i === pos)) {
      bail()
    }
    this.next = eol + 1
    this.lineNo = line
    this.advance()
  }

  /** A literal block scalar (`|`, `|-`, `|+`) whose header is at `pos`, inside a container at `parent`. */
  private literal(pos: number, parent: number): string {
    const block = readLiteral(this.s, pos, this.eol, this.next, parent)
    this.next = block.next
    this.lineNo += block.lines
    this.advance()
    return block.value
  }
}

/** Where a comment (`#` after a space) starts in `s[from, to)`, or `to`. */
function commentAt(s: string, from: number, to: number): number {
  for (let i = from + 1; i < to; i++) {
    if (s.charCodeAt(i) === HASH && s.charCodeAt(i - 1) === SPACE) {
      return i - 1
    }
  }
  return to
}
