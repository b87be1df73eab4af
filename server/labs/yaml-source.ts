// Parses one YAML text and remembers where each node came from, so a problem found in the parsed
// value can be reported at its file:line:column. Pure: the caller reads the file.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml'
import type { LabIssue } from './lab-model.ts'

/** A path into the parsed value: map keys and sequence indexes. */
export type ValuePath = readonly (string | number)[]

/** A 1-based place in a file. */
export interface Position {
  line: number
  column: number
}

/** A parsed YAML text with its syntax issues and a way to locate any value in it. */
export interface YamlSource {
  /** The parsed value; undefined when the text has syntax errors. */
  value: unknown
  /** Syntax errors, already carrying the file and line. */
  issues: LabIssue[]
  /** Where the node at `path` starts; `key` points at its key instead of its value. */
  locate(path: ValuePath, target?: 'value' | 'key'): Position
}

interface Located {
  offset: number | undefined
}

/**
 * Parses `text`. `lineOffset` is added to every line, for YAML embedded in a larger file
 * (front matter starts on line 2 of a step file).
 */
export function parseYamlSource(text: string, file: string, lineOffset = 0): YamlSource {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false })
  const toPosition = (offset: number): Position => {
    const pos = lineCounter.linePos(offset)
    return { line: pos.line + lineOffset, column: pos.col }
  }
  const issues: LabIssue[] = doc.errors.map((err) => {
    const pos = toPosition(err.pos[0])
    return {
      file,
      ...pos,
      level: 'error',
      message: `YAML syntax error: ${firstLine(err.message)}`,
      hint: yamlHint(err.code),
    }
  })
  let value: unknown
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 })
    } catch (err) {
      issues.push({
        file,
        line: 1 + lineOffset,
        column: 1,
        level: 'error',
        message: `YAML could not be read: ${String(err)}`,
      })
    }
  }
  return {
    value,
    issues,
    locate: (path, target = 'value') => {
      const found = findNode(doc.contents, path, target)
      return toPosition(found.offset ?? 0)
    },
  }
}

function findNode(root: unknown, path: ValuePath, target: 'value' | 'key'): Located {
  let node: unknown = root
  let offset = rangeStart(root)
  for (const [i, segment] of path.entries()) {
    const isLast = i === path.length - 1
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment))
      if (!pair) {
        break
      }
      const keyOffset = rangeStart(pair.key)
      const valueOffset = rangeStart(pair.value)
      offset = isLast && target === 'key' ? (keyOffset ?? offset) : (valueOffset ?? keyOffset ?? offset)
      node = pair.value
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)]
      if (item === undefined) {
        break
      }
      offset = rangeStart(item) ?? offset
      node = item
    } else {
      break
    }
  }
  return { offset }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key)
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: readonly number[] | null }).range
    return range?.[0]
  }
  return undefined
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Each key may appear once in a mapping; remove or rename the second one.'
    case 'TAB_AS_INDENT':
      return 'Indent YAML with spaces, not tabs.'
    case 'BAD_INDENT':
      return 'Check the indentation: items of one mapping or list start in the same column.'
    case 'MISSING_CHAR':
      return 'Something is not closed: check quotes and brackets.'
    default:
      return 'Quote values that contain ": " or start with special characters such as *, &, ! or {.'
  }
}
