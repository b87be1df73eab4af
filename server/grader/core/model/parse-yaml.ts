// Reads multi-document YAML text (the learner's files) into a ResourceModel, remembering each
// resource's file, document index and line, the line of every rejected field and of every rule.
// Reads YAML exactly as kubectl does (../yaml/kube-yaml.ts); YAML that kubectl refuses becomes a
// finding with file:line, never an exception. Pure: the caller reads the file.
import type { Finding, SourceLocation } from '../findings.ts'
import { readKubeYaml, type KubeYamlResult } from '../yaml/kube-yaml.ts'
import { type ModelOptions, addObject, emptyModel } from './collect.ts'
import type { ResourceModel } from './types.ts'

/** Options for parseResources. */
export interface ParseOptions extends ModelOptions {
  /** File name reported in findings and provenance. */
  file?: string
}

/** A document whose YAML kubectl would refuse. */
export interface YamlSyntaxError {
  file?: string
  document: number
  line: number
  message: string
  /** Refused for a resource limit (alias expansion, nesting depth), not for a mistake. */
  limit?: true
}

/** A model plus the YAML errors met while reading it. */
export interface ParsedResources extends ResourceModel {
  syntaxErrors: YamlSyntaxError[]
}

/** Finds the 1-based line of a field path inside one document (deepest existing parent). */
type LineFinder = (segments: ReadonlyArray<string | number>) => number | undefined

/**
 * Parses every YAML document of `text` as kubectl does. Empty documents are skipped. Reading
 * stops at the first document kubectl refuses: it is reported both in `syntaxErrors` and as an
 * IST0106 finding (kubectl would apply nothing from the file); the documents before it are kept.
 * A key written twice is an IST0106 warning (kubectl silently keeps the later value).
 * Pass the reader's result instead of the text when the caller has read the file already.
 * @example parseResources(fs.readFileSync('gw.yaml', 'utf8'), { file: 'gw.yaml' })
 */
export function parseResources(text: string | KubeYamlResult, options: ParseOptions = {}): ParsedResources {
  const model: ParsedResources = { ...emptyModel(), syntaxErrors: [] }
  const read = typeof text === 'string' ? readKubeYaml(text) : text
  for (const doc of read.documents) {
    addDocument(model, doc.value, sourceOf(options, doc.index, doc.line), options, (path) => doc.lineAt(path))
  }
  for (const w of read.warnings) {
    model.findings.push(yamlFinding(options.file, w.document, w.line, w.message, 'Warning'))
  }
  if (read.error !== undefined) {
    const { document, line, message, limit } = read.error
    model.syntaxErrors.push({
      ...(options.file === undefined ? {} : { file: options.file }),
      document,
      line,
      message,
      ...(limit ? { limit } : {}),
    })
    model.findings.push(yamlFinding(options.file, document, line, message, 'Error'))
  }
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

function yamlFinding(
  file: string | undefined,
  document: number,
  line: number,
  message: string,
  level: 'Error' | 'Warning',
): Finding {
  const where = `document ${document + 1} at line ${line}`
  return {
    code: 'IST0106',
    level,
    resource: { kind: 'File', namespace: '', name: file ?? '<input>' },
    message: level === 'Error' ? `YAML that kubectl refuses in ${where}: ${message}` : `YAML ${where}: ${message}`,
    hint:
      level === 'Error'
        ? 'Fix the YAML (indentation, a missing colon or quote); kubectl would refuse the whole file.'
        : 'Write each key once; kubectl does not tell you that it dropped the earlier value.',
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
