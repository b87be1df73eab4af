// Reads multi-document YAML text (the learner's files) into a ResourceModel, remembering each
// resource's file, document index and line, the line of every rejected field and of every rule.
// Uses the fast subset reader when it can and the `yaml` package otherwise; YAML syntax errors
// become findings, never exceptions. Pure: the caller reads the file.
import { LineCounter, parseAllDocuments } from 'yaml'
import type { Document } from 'yaml'
import type { Finding, SourceLocation } from '../findings.ts'
import { type ModelOptions, addObject, emptyModel } from './collect.ts'
import { fastParseDocuments, lineAt as fastLineAt } from './fast-yaml.ts'
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

/** Finds the 1-based line of a field path inside one document (deepest existing parent). */
type LineFinder = (segments: ReadonlyArray<string | number>) => number | undefined

/**
 * Parses every YAML document of `text`. Empty documents are skipped; a document with a syntax
 * error is skipped too and reported both in `syntaxErrors` and as an IST0106 finding.
 * @example parseResources(fs.readFileSync('gw.yaml', 'utf8'), { file: 'gw.yaml' })
 */
export function parseResources(text: string, options: ParseOptions = {}): ParsedResources {
  const model: ParsedResources = { ...emptyModel(), syntaxErrors: [] }
  const fast = fastParseDocuments(text)
  if (fast !== undefined) {
    fast.forEach((doc, index) => {
      if (doc.value === undefined || doc.value === null) {
        return
      }
      addDocument(model, doc.value, sourceOf(options, index, doc.line), options, (path) => fastLineAt(doc, path))
    })
    return model
  }
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  const list = Array.isArray(docs) ? docs : []
  list.forEach((doc, index) => {
    const error = doc.errors[0]
    if (error !== undefined) {
      const errLine = lines.linePos(error.pos[0]).line
      model.syntaxErrors.push({
        ...(options.file === undefined ? {} : { file: options.file }),
        document: index,
        line: errLine,
        message: firstSentence(error.message),
      })
      model.findings.push(syntaxFinding(options.file, index, errLine, error.message))
      return
    }
    if (doc.contents === null) {
      return
    }
    const line = lines.linePos(doc.contents.range[0]).line
    addDocument(model, doc.toJS({ maxAliasCount: 1000 }), sourceOf(options, index, line), options, (path) =>
      lineInDocument(doc, lines, path),
    )
  })
  return model
}

function sourceOf(options: ParseOptions, document: number, line: number): SourceLocation {
  return options.file === undefined ? { document, line } : { file: options.file, document, line }
}

function addDocument(
  model: ResourceModel,
  value: unknown,
  source: SourceLocation,
  options: ParseOptions,
  lineAt: LineFinder,
): void {
  const before = {
    findings: model.findings.length,
    vs: model.virtualServices.length,
    gw: model.gateways.length,
    rejected: model.rejected.length,
  }
  addObject(model, value, source, options.defaultNamespace ?? 'default')
  for (let i = before.findings; i < model.findings.length; i++) {
    const f = model.findings[i]
    if (f?.path === undefined || f.source === undefined) {
      continue
    }
    const line = lineAt(pathSegments(f.path))
    if (line !== undefined) {
      f.source.line = line
    }
  }
  // One VirtualService, Gateway or rejected resource from this document: note its field lines.
  const vs = Math.max(0, model.virtualServices.length - before.vs)
  const gw = Math.max(0, model.gateways.length - before.gw)
  const rejected = Math.max(0, model.rejected.length - before.rejected)
  if (vs + gw + rejected === 1) {
    const res =
      vs === 1
        ? model.virtualServices[before.vs]
        : gw === 1
          ? model.gateways[before.gw]
          : model.rejected[before.rejected]
    recordFieldLines(res!, lineAt)
  }
}

/** Lines of the rules and matches of a VirtualService, or the servers of a Gateway. */
function recordFieldLines(res: ResourceModel['rejected'][number], lineAt: LineFinder): void {
  let out: Record<string, number> | undefined
  // `text` is the path as written in findings: spec.http[0].match[1].
  const note = (path: Array<string | number>, text: string): void => {
    const line = lineAt(path)
    if (line !== undefined) {
      ;(out ??= {})[text] = line
    }
  }
  if (res.kind === 'VirtualService') {
    for (const section of ['http', 'tcp', 'tls'] as const) {
      res.spec[section].forEach((rule, i) => {
        note(['spec', section, i], `spec.${section}[${i}]`)
        ;(rule.match ?? []).forEach((_m, j) =>
          note(['spec', section, i, 'match', j], `spec.${section}[${i}].match[${j}]`),
        )
      })
    }
  } else if (res.kind === 'Gateway') {
    res.spec.servers.forEach((_s, i) => note(['spec', 'servers', i], `spec.servers[${i}]`))
  }
  if (out !== undefined) {
    res.fieldLines = out
  }
}

function lineInDocument(
  doc: Document,
  lines: LineCounter,
  segments: ReadonlyArray<string | number>,
): number | undefined {
  for (let n = segments.length; n > 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined
    if (node?.range !== undefined) {
      return lines.linePos(node.range[0]).line
    }
  }
  return undefined
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

/** `spec.servers[0].port` → ['spec', 'servers', 0, 'port']. */
export function pathSegments(path: string): Array<string | number> {
  const out: Array<string | number> = []
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part)
    if (m === null) {
      out.push(part)
      continue
    }
    if (m[1] !== '' && m[1] !== undefined) {
      out.push(m[1])
    }
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) {
      out.push(Number(idx[1]))
    }
  }
  return out
}
