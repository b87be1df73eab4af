// A fast reader for the YAML subset Kubernetes manifests use (block maps and sequences, flow
// collections, plain and quoted scalars, comments, `---` documents), with the line of every
// node. It returns undefined for anything else (anchors, tags, block scalars, multi-line plain
// scalars, duplicate keys...) so the caller falls back to the `yaml` package. Scalars resolve as
// the YAML 1.2 core schema does (fast-yaml-scalars.ts), so results equal `yaml`'s toJS(). Pure.
import { Bail, bail, balanced, FlowParser, inlineValue, plainScalar, quoted, quotedEnd } from './fast-yaml-scalars.ts'

export { plainScalar } from './fast-yaml-scalars.ts'

/** Where the reader leaves the lines of a map's keys or a sequence's items (1-based). */
export const LINES: unique symbol = Symbol('lines')

/** The lines recorded on a parsed map or sequence, by key or index. */
export function linesOf(node: object): Record<string | number, number> | undefined {
  return (node as { [LINES]?: Record<string | number, number> })[LINES]
}

export interface FastDocument {
  /** The document's value (undefined for an empty document). */
  value: unknown
  /** Line of the first content line, or of the `---` marker for an empty document. */
  line: number
}

interface Line {
  indent: number
  text: string
  no: number
}

/** Parses every document, or returns undefined when the text leaves the supported subset. */
export function fastParseDocuments(text: string): FastDocument[] | undefined {
  if (text.includes('\t') || text.includes('\r')) {
    return undefined
  }
  try {
    return splitDocuments(text).map((d) => parseDocument(d))
  } catch (err) {
    if (err instanceof Bail) {
      return undefined
    }
    throw err
  }
}

function splitDocuments(text: string): Array<{ lines: Line[]; marker: number }> {
  const raw = text.split('\n')
  const docs: Array<{ lines: Line[]; marker: number }> = []
  let current: { lines: Line[]; marker: number } = { lines: [], marker: 1 }
  let sawMarker = false
  for (let i = 0; i < raw.length; i++) {
    const src = raw[i]!
    if (src.startsWith('---') && (src.length === 3 || src[3] === ' ')) {
      if (src.slice(3).trim() !== '' && !src.slice(3).trim().startsWith('#')) {
        bail()
      }
      if (sawMarker || current.lines.length > 0) {
        docs.push(current)
      }
      sawMarker = true
      current = { lines: [], marker: i + 1 }
      continue
    }
    if (src.startsWith('...') || src.startsWith('%')) {
      bail()
    }
    const text = stripComment(src)
    if (text.trim() === '') {
      continue
    }
    const indent = text.length - text.trimStart().length
    current.lines.push({ indent, text: text.trim(), no: i + 1 })
  }
  if (sawMarker || current.lines.length > 0) {
    docs.push(current)
  }
  return docs
}

/** Removes a trailing `# comment` (outside quotes, after whitespace) and trailing spaces. */
function stripComment(s: string): string {
  if (!s.includes('#')) {
    return s.trimEnd()
  }
  let quote = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (quote !== '') {
      if (c === '\\' && quote === '"') {
        i++
      } else if (c === quote) {
        quote = ''
      }
      continue
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:-]/.test(s[i - 1]!))) {
      quote = c
    } else if (c === '#' && (i === 0 || s[i - 1] === ' ')) {
      return s.slice(0, i).trimEnd()
    }
  }
  return s.trimEnd()
}

function parseDocument(d: { lines: Line[]; marker: number }): FastDocument {
  if (d.lines.length === 0) {
    return { value: undefined, line: d.marker }
  }
  const p = new BlockParser(d.lines)
  const value = p.node()
  if (p.i < d.lines.length) {
    bail()
  }
  return { value, line: d.lines[0]!.no }
}

class BlockParser {
  i = 0
  constructor(private readonly ls: Line[]) {}

  node(): unknown {
    const l = this.ls[this.i]!
    if (isSeqLine(l.text)) {
      return this.seq(l.indent)
    }
    if (keySplit(l.text) !== undefined) {
      return this.map(l.indent)
    }
    this.i++
    if (l.text[0] === '[' || l.text[0] === '{') {
      return this.flow(l.text, l.indent - 1)
    }
    const v = inlineValue(l.text)
    this.noDeeper(l.indent)
    return v
  }

  private noDeeper(indent: number): void {
    const next = this.ls[this.i]
    if (next !== undefined && next.indent > indent) {
      bail()
    }
  }

  private record(obj: object, key: string | number, line: number): void {
    const holder = obj as { [LINES]?: Record<string | number, number> }
    let m = holder[LINES]
    if (m === undefined) {
      m = {}
      Object.defineProperty(obj, LINES, { value: m, enumerable: false })
    }
    m[key] = line
  }

  private map(indent: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {}
    while (this.i < this.ls.length) {
      const l = this.ls[this.i]!
      if (l.indent < indent) {
        break
      }
      if (l.indent > indent || isSeqLine(l.text)) {
        bail()
      }
      const kv = keySplit(l.text) ?? bail()
      if (Object.prototype.hasOwnProperty.call(obj, kv.key) || kv.key === '__proto__') {
        bail()
      }
      this.i++
      obj[kv.key] = this.value(kv.rest, l, indent, obj, kv.key)
    }
    return obj
  }

  private value(rest: string, l: Line, indent: number, parent: object, key: string | number): unknown {
    if (rest === '') {
      const next = this.ls[this.i]
      if (
        next !== undefined &&
        (next.indent > indent || (next.indent === indent && isSeqLine(next.text) && typeof key === 'string'))
      ) {
        this.record(parent, key, next.no)
        return this.node()
      }
      this.record(parent, key, l.no)
      return null
    }
    this.record(parent, key, l.no)
    if (rest[0] === '[' || rest[0] === '{') {
      return this.flow(rest, indent)
    }
    const v = inlineValue(rest)
    this.noDeeper(indent)
    return v
  }

  /** A flow collection, possibly continued on more indented lines. */
  private flow(start: string, indent: number): unknown {
    let text = start
    while (!balanced(text)) {
      const next = this.ls[this.i]
      if (next === undefined || next.indent <= indent) {
        bail()
      }
      text += ` ${next!.text}`
      this.i++
    }
    const fp = new FlowParser(text)
    const v = fp.value()
    fp.skipSpace()
    if (fp.pos !== text.length) {
      bail()
    }
    return v
  }

  private seq(indent: number): unknown[] {
    const arr: unknown[] = []
    while (this.i < this.ls.length) {
      const l = this.ls[this.i]!
      if (l.indent < indent || (l.indent === indent && !isSeqLine(l.text))) {
        break
      }
      if (l.indent > indent) {
        bail()
      }
      const content = l.text.slice(1).trimStart()
      const index = arr.length
      if (content === '') {
        this.i++
        arr.push(this.value('', l, indent, arr, index))
        continue
      }
      const column = indent + (l.text.length - content.length)
      if (isSeqLine(content) || keySplit(content) !== undefined) {
        this.ls[this.i] = { indent: column, text: content, no: l.no }
        this.record(arr, index, l.no)
        arr.push(this.node())
        continue
      }
      this.i++
      arr.push(this.value(content, l, indent, arr, index))
    }
    return arr
  }
}

function isSeqLine(text: string): boolean {
  return text === '-' || text.startsWith('- ')
}

/** `key: rest` of a block mapping line, or undefined when the line has no key. */
function keySplit(text: string): { key: string; rest: string } | undefined {
  const c = text[0]
  if (c === '"' || c === "'") {
    const end = quotedEnd(text, 0)
    if (end < 0 || text[end + 1] !== ':' || (text.length > end + 2 && text[end + 2] !== ' ')) {
      return undefined
    }
    return { key: String(quoted(text.slice(0, end + 1))), rest: text.slice(end + 2).trim() }
  }
  if (
    c === '[' ||
    c === '{' ||
    c === '?' ||
    c === '&' ||
    c === '*' ||
    c === '!' ||
    c === '|' ||
    c === '>' ||
    c === '@' ||
    c === '`'
  ) {
    return undefined
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ')) {
      const key = text.slice(0, i).trimEnd()
      if (key === '' || (/^[-?:,[\]{}#&*!|>'"%@`]/.test(key) && !/^-[^\s-]/.test(key))) {
        bail()
      }
      if (typeof plainScalar(key) !== 'string') {
        bail()
      }
      return { key, rest: text.slice(i + 1).trim() }
    }
  }
  return undefined
}
