// kindlab's one YAML reader, with kubectl's semantics: documents split as
// k8s.io/apimachinery/pkg/util/yaml does, values as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1
// scalars) decodes them, and the line of every field. The differential suite
// (test/cluster/yaml-decoder.test.ts) holds it to kubectl's own decoder. Pure: no I/O.
import { LineCounter, parseAllDocuments } from 'yaml'
import { childPath, DecodeError, decodeDocument, LineError } from './kube-decode.ts'
import { readFastDocument } from './kube-fast.ts'
import { readJsonPrefix } from './kube-json.ts'
import { splitKubeDocuments } from './kube-split.ts'

/** One document kubectl would send to the API server. */
export interface KubeYamlDocument {
  /** 0-based index of the document in the file, as YAML counts them (empty documents count). */
  index: number
  /** 1-based line of the document's first value. */
  line: number
  /** The JSON value kubectl sends; objects are plain objects whose keys are always own data. */
  value: unknown
  /** 1-based line of the field at `path`, or of its deepest parent that exists. */
  lineAt(path: ReadonlyArray<string | number>): number
}

/** Why kubectl refuses the file, where. */
export interface KubeYamlError {
  /** 0-based document index. */
  document: number
  line: number
  message: string
  /** Past a resource limit (alias expansion, nesting depth) rather than a mistake in the YAML. */
  limit?: true
}

/** A key written twice in one mapping: kubectl keeps the later value silently. */
export interface KubeYamlWarning {
  document: number
  line: number
  message: string
}

export interface KubeYamlResult {
  /** Documents before the first error (kubectl refuses the whole file when `error` is set). */
  documents: KubeYamlDocument[]
  error?: KubeYamlError
  warnings: KubeYamlWarning[]
  /** How many YAML documents each reader read: the fast path (kube-fast.ts) or the full reader. */
  readers: { fast: number; full: number }
}

export interface KubeYamlOptions {
  /** Try the fast path first (default true); false reads every document with the full reader. */
  fastPath?: boolean
}

/** Characters libyaml refuses in a stream (C0 controls other than tab and line breaks, etc.). */
const NOT_PRINTABLE = /[^\t\n\r\u0020-\u007e\u0085\u00a0-\ud7ff\ue000-\ufffd\ud800-\udfff]/

/**
 * Reads a manifest file as `kubectl apply -f` does. Never throws for bad input.
 * @example readKubeYaml('spec:\n  httpsRedirect: yes\n').documents[0]?.value // { spec: { httpsRedirect: true } }
 */
export function readKubeYaml(text: string, options: KubeYamlOptions = {}): KubeYamlResult {
  const result: KubeYamlResult = { documents: [], warnings: [], readers: { fast: 0, full: 0 } }
  const fastPath = options.fastPath ?? true
  const json = readJsonPrefix(text)
  let yamlText = text
  let lineBase = 0
  if (json !== undefined) {
    for (const [index, v] of json.values.entries()) {
      const line = lineAtOffset(text, v.offset)
      result.documents.push(makeDocument(index, line, v.value, () => NO_LINES))
    }
    if (json.error !== undefined) {
      result.error = {
        document: json.values.length,
        line: lineAtOffset(text, json.error.offset),
        message: json.error.message,
      }
      return result
    }
    if (json.yamlFrom === undefined) {
      return result
    }
    yamlText = text.slice(json.yamlFrom)
    lineBase = lineAtOffset(text, json.yamlFrom) - 1
  }
  const first = result.documents.length
  const split = splitKubeDocuments(yamlText)
  for (const chunk of split.chunks) {
    const failure = readChunk(chunk.text, chunk.startLine + lineBase, first + chunk.index, result, fastPath)
    if (failure !== undefined) {
      result.error = failure
      return result
    }
  }
  if (split.failure !== undefined) {
    const last = split.chunks.at(-1)
    const document = first + (last === undefined ? 0 : last.index + 1)
    result.error = { document, ...split.failure, line: split.failure.line + lineBase }
  }
  return result
}

function readChunk(
  text: string,
  startLine: number,
  index: number,
  result: KubeYamlResult,
  fastPath: boolean,
): KubeYamlError | undefined {
  const fast = fastPath && !NOT_PRINTABLE.test(text) ? readFastDocument(text, startLine) : undefined
  if (fast !== undefined) {
    result.readers.fast++
    if (fast.value !== null) {
      result.documents.push(makeDocument(index, fast.line, fast.value, () => fast.lines.toMap()))
    }
    return undefined
  }
  result.readers.full++
  const lines = new LineCounter()
  const lineOf = (offset: number): number => lines.linePos(offset).line + startLine - 1
  const bad = NOT_PRINTABLE.exec(text)
  if (bad !== null) {
    const code = bad[0].codePointAt(0)?.toString(16).padStart(4, '0') ?? '?'
    lines.addNewLine(0)
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      lines.addNewLine(i + 1)
    }
    return { document: index, line: lineOf(bad.index), message: `control characters are not allowed (U+${code})` }
  }
  const docs = parseAllDocuments(text, {
    version: '1.1',
    schema: 'failsafe',
    merge: false,
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter: lines,
  })
  // go-yaml decodes only the first document of each chunk (a `...` end marker hides the rest).
  const doc = Array.isArray(docs) ? docs[0] : undefined
  if (doc === undefined) {
    return undefined
  }
  // The escapes of double-quoted scalars are checked as go-yaml checks them (kube-decode.ts).
  const syntax = doc.errors.find((e) => e.code !== 'BAD_DQ_ESCAPE')
  if (syntax !== undefined) {
    const message = syntaxMessage(syntax.message)
    return {
      document: index,
      line: lineOf(syntax.pos[0]),
      message,
      ...(message === tooDeep() ? { limit: true as const } : {}),
    }
  }
  try {
    const decoded = decodeDocument(doc, lineOf, text)
    for (const dup of decoded.duplicates) {
      result.warnings.push({
        document: index,
        line: lineOf(dup.offset),
        message: dup.ambiguous
          ? `this key and the one at line ${lineOf(dup.firstOffset)} both become "${dup.key}"; kubectl keeps one of them at random`
          : `key "${dup.key}" is repeated (first at line ${lineOf(dup.firstOffset)}); kubectl keeps only this later value`,
      })
    }
    if (decoded.value !== null) {
      const first = doc.contents?.range[0] ?? 0
      result.documents.push(makeDocument(index, lineOf(first), decoded.value, () => decoded.lines))
    }
    return undefined
  } catch (err) {
    if (err instanceof DecodeError) {
      return {
        document: index,
        line: lineOf(err.offset),
        message: err.message,
        ...(err.limit ? { limit: true as const } : {}),
      }
    }
    if (err instanceof LineError) {
      return { document: index, line: err.line ?? lineOf(doc.contents?.range[0] ?? 0), message: err.message }
    }
    if (err instanceof RangeError) {
      return { document: index, line: startLine, message: tooDeep(), limit: true }
    }
    throw err
  }
}

const NO_LINES: ReadonlyMap<string, number> = new Map()

function makeDocument(
  index: number,
  line: number,
  value: unknown,
  fieldLines: () => ReadonlyMap<string, number>,
): KubeYamlDocument {
  return {
    index,
    line,
    value,
    lineAt(path) {
      let best = line
      let key = ''
      const lines = fieldLines()
      for (const segment of path) {
        key = childPath(key, segment)
        const at = lines.get(key)
        if (at === undefined) {
          break
        }
        best = at
      }
      return best
    },
  }
}

function syntaxMessage(message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim()
  return /Maximum call stack/.test(first) ? tooDeep() : first
}

function tooDeep(): string {
  return 'the YAML is nested too deeply for kindlab to read (kubectl allows 10000 levels; kindlab about 800)'
}

function lineAtOffset(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
  }
  return line
}
