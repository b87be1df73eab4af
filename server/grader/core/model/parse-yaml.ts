// Reads multi-document YAML text (the learner's files) into a ResourceModel, remembering each
// resource's file, document index and line, and the line of every rejected field. YAML syntax
// errors become findings, never exceptions. Pure: the caller reads the file.
import { LineCounter, parseAllDocuments } from 'yaml'
import type { Document } from 'yaml'
import type { Finding } from '../findings.ts'
import { type ModelOptions, addObject, emptyModel } from './collect.ts'
import type { ResourceModel } from './types.ts'

/** Options for parseResources. */
export interface ParseOptions extends ModelOptions {
  /** File name reported in findings and provenance. */
  file?: string
}

/** A document whose YAML could not be parsed. */
export interface YamlSyntaxError {
  file?: string
  document: number
  line: number
  message: string
}

/** A model plus the YAML syntax errors met while reading it. */
export interface ParsedResources extends ResourceModel {
  syntaxErrors: YamlSyntaxError[]
}

/**
 * Parses every YAML document of `text`. Empty documents are skipped; a document with a syntax
 * error is skipped too and reported both in `syntaxErrors` and as an IST0106 finding.
 * @example parseResources(fs.readFileSync('gw.yaml', 'utf8'), { file: 'gw.yaml' })
 */
export function parseResources(text: string, options: ParseOptions = {}): ParsedResources {
  const model: ParsedResources = { ...emptyModel(), syntaxErrors: [] }
  const ns = options.defaultNamespace ?? 'default'
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  const list = Array.isArray(docs) ? docs : []
  list.forEach((doc, index) => {
    const line = lines.linePos(doc.contents?.range[0] ?? doc.range[0]).line
    const source = options.file === undefined ? { document: index, line } : { file: options.file, document: index, line }
    const error = doc.errors[0]
    if (error !== undefined) {
      const errLine = lines.linePos(error.pos[0]).line
      model.syntaxErrors.push({ ...(options.file === undefined ? {} : { file: options.file }), document: index, line: errLine, message: firstSentence(error.message) })
      model.findings.push(syntaxFinding(options.file, index, errLine, error.message))
      return
    }
    if (doc.contents === null) return
    const before = model.findings.length
    const counts = countResources(model)
    addObject(model, doc.toJS({ maxAliasCount: 1000 }), source, ns)
    for (let i = before; i < model.findings.length; i++) locateField(model.findings[i], doc, lines)
    recordFieldLines(model, counts, doc, lines)
  })
  return model
}

function countResources(m: ResourceModel): [number, number, number] {
  return [m.virtualServices.length + m.rejected.length, m.gateways.length, m.rejected.length]
}

/** Lines of the rules and matches of VirtualServices and the servers of Gateways just added. */
function recordFieldLines(model: ResourceModel, before: [number, number, number], doc: Document, lines: LineCounter): void {
  const added = [...model.virtualServices.slice(before[0] - before[2]), ...model.gateways.slice(before[1]), ...model.rejected.slice(before[2])]
  if (added.length !== 1) return
  const res = added[0]!
  const out: Record<string, number> = {}
  const note = (path: Array<string | number>): void => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined
    if (node?.range !== undefined) out[pathText(path)] = lines.linePos(node.range[0]).line
  }
  if (res.kind === 'VirtualService') {
    for (const section of ['http', 'tcp', 'tls'] as const) {
      res.spec[section].forEach((rule, i) => {
        note(['spec', section, i])
        ;(rule.match ?? []).forEach((_m, j) => note(['spec', section, i, 'match', j]))
      })
    }
  } else if (res.kind === 'Gateway') {
    res.spec.servers.forEach((_s, i) => note(['spec', 'servers', i]))
  }
  if (Object.keys(out).length > 0) res.fieldLines = out
}

function pathText(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
}

function firstSentence(message: string): string {
  const first = message.split('\n')[0] ?? message
  return first.trim()
}

function syntaxFinding(file: string | undefined, document: number, line: number, message: string): Finding {
  return {
    code: 'IST0106',
    level: 'Error',
    resource: { kind: 'File', namespace: '', name: file ?? '<input>' },
    message: `YAML syntax error in document ${document + 1} at line ${line}: ${firstSentence(message)}`,
    hint: 'Fix the YAML (indentation, a missing colon or quote); kubectl would refuse the whole file.',
    source: file === undefined ? { document, line } : { file, document, line },
  }
}

/** Sets `finding.source.line` to the line of its field path (or of the nearest existing parent). */
function locateField(finding: Finding | undefined, doc: Document, lines: LineCounter): void {
  if (finding?.path === undefined || finding.source === undefined) return
  const segments = pathSegments(finding.path)
  for (let n = segments.length; n > 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined
    if (node?.range !== undefined) {
      finding.source.line = lines.linePos(node.range[0]).line
      return
    }
  }
}

/** `spec.servers[0].port` → ['spec', 'servers', 0, 'port']. */
export function pathSegments(path: string): Array<string | number> {
  const out: Array<string | number> = []
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part)
    if (m === null) {
      out.push(part)
      continue
    }
    if (m[1] !== '' && m[1] !== undefined) out.push(m[1])
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]))
  }
  return out
}
