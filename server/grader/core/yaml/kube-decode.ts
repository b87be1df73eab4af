// Turns one document of the `yaml` package's syntax tree into the JSON value kubectl sends, walking
// it as go-yaml v2's decoder does (merge keys in place, later keys win, alias-expansion limits) and
// noting the line of every field. Pure: no I/O.
import { isAlias, isMap, isScalar, isSeq } from 'yaml'
import type { Document, Node, ParsedNode, Scalar } from 'yaml'
import { type GoScalar, MERGE_TAG, ScalarError, jsonValue, keyString, resolveScalar } from './kube-scalars.ts'
import { checkBlockScalarTabs, unescapeDoubleQuoted } from './kube-scalar-text.ts'

/** kubectl refuses the document; `offset` is where in the document text. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** Refused for a resource limit (alias expansion), not for a mistake in the YAML. */
    readonly limit = false,
  ) {
    super(message)
  }
}

/** A key kubectl keeps only once: the later one wins, as in go-yaml. */
export interface DuplicateKey {
  key: string
  offset: number
  firstOffset: number
  /** Different YAML keys (say `on` and 'true') that become the same JSON key: kubectl picks one at random. */
  ambiguous: boolean
}

/** Path of a field inside the document: keys and sequence indexes joined by NUL. */
export type FieldLines = Map<string, number>

/** Set on an object holding a key JSON cannot carry; only an error if the object survives. */
const BAD_KEY = Symbol('kindlab.badKey')

export interface DecodedDocument {
  value: unknown
  lines: FieldLines
  duplicates: DuplicateKey[]
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json }
type AnyNode = Node | ParsedNode | null

const SEP = '\u0000'

/** Extends an encoded path by one segment. */
export function childPath(path: string, segment: string | number): string {
  return path === '' ? String(segment) : `${path}${SEP}${segment}`
}

/**
 * Decodes the document's root. Throws DecodeError where go-yaml or sigs.k8s.io/yaml would fail.
 * `lineOf` maps an offset in the document text to its 1-based line in the file.
 */
export function decodeDocument(
  doc: Document.Parsed,
  lineOf: (offset: number) => number,
  text: string,
): DecodedDocument {
  const d = new Decoder(doc, lineOf, text)
  d.count(null) // go-yaml counts the document node itself
  const value = doc.contents === null ? null : d.unmarshal(doc.contents, '')
  // sigs.k8s.io/yaml fails only on what survives go-yaml's decoding (a later key may replace it).
  checkJsonable(value, '', d.lines)
  return { value, lines: d.lines, duplicates: d.duplicates }
}

class Decoder {
  readonly lines: FieldLines = new Map()
  readonly duplicates: DuplicateKey[] = []
  private decodeCount = 0
  private aliasCount = 0
  private aliasDepth = 0
  private readonly active = new Set<Node>()
  /** Offsets of keys already set in each object, to report duplicates. */
  private readonly keyOffsets = new WeakMap<object, Map<string, { offset: number; type: string }>>()

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineOf: (offset: number) => number,
    /** The document's text, for what the syntax tree no longer shows (escapes as written). */
    private readonly text: string,
  ) {}

  count(node: AnyNode): void {
    this.decodeCount++
    if (this.aliasDepth > 0) {
      this.aliasCount++
    }
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw new DecodeError('document contains excessive aliasing', offsetOf(node), true)
    }
  }

  unmarshal(node: AnyNode, path: string, into?: Record<string, Json>): Json {
    this.count(node)
    if (node === null) {
      return null
    }
    if (isAlias(node)) {
      if (this.active.has(node)) {
        throw new DecodeError(`anchor '${node.source}' value contains itself`, offsetOf(node))
      }
      const target = node.resolve(this.doc)
      if (target === undefined) {
        throw new DecodeError(`unknown anchor '${node.source}' referenced`, offsetOf(node))
      }
      this.active.add(node)
      this.aliasDepth++
      try {
        return this.unmarshal(target, path, into)
      } finally {
        this.aliasDepth--
        this.active.delete(node)
      }
    }
    if (isScalar(node)) {
      return this.scalarValue(node)
    }
    if (isMap(node)) {
      return this.mapping(node.items, path, into ?? newObject())
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const p = childPath(path, i)
        this.lines.set(p, this.lineOf(offsetOf(item as AnyNode)))
        return this.unmarshal(item as AnyNode, p)
      })
    }
    throw new DecodeError('unsupported YAML node', offsetOf(node))
  }

  private mapping(
    items: ReadonlyArray<{ key: unknown; value: unknown }>,
    path: string,
    out: Record<string, Json>,
  ): Record<string, Json> {
    for (const pair of items) {
      const keyNode = (pair.key ?? null) as AnyNode
      const valueNode = (pair.value ?? null) as AnyNode
      if (isMergeKey(keyNode)) {
        this.merge(valueNode, path, out)
        continue
      }
      const key = this.keyOf(keyNode)
      const p = childPath(path, key.text)
      const at = offsetOf(keyNode ?? valueNode)
      const value = this.unmarshal(valueNode, p)
      if (key.bad !== undefined) {
        Object.defineProperty(out, BAD_KEY, { value: key.bad, enumerable: false, configurable: true })
        continue
      }
      this.set(out, key, value, at)
      this.lines.set(p, this.lineOf(at))
    }
    return out
  }

  private keyOf(node: AnyNode): { text: string; type: string; bad?: BadKey } {
    this.count(node)
    let target = node
    if (node !== null && isAlias(node)) {
      target = node.resolve(this.doc) ?? null
      this.count(target)
    }
    if (target !== null && (isMap(target) || isSeq(target))) {
      throw new DecodeError('invalid map key: a mapping or sequence cannot be a key', offsetOf(node))
    }
    const resolved: GoScalar = target === null ? { type: 'null', value: null } : this.resolve(target as Scalar)
    const text = keyString(resolved)
    if (text === undefined) {
      const what = resolved.type === 'uint' ? 'uint64' : '<nil>'
      return {
        text: '',
        type: resolved.type,
        bad: { message: `unsupported map key of type: ${what}`, line: this.lineOf(offsetOf(node)) },
      }
    }
    return { text, type: resolved.type === 'merge' ? 'str' : resolved.type }
  }

  private merge(node: AnyNode, path: string, out: Record<string, Json>): void {
    const wantMap = (): never => {
      throw new DecodeError('map merge requires map or sequence of maps as the value', offsetOf(node))
    }
    const mapTarget = (n: AnyNode): boolean => {
      const t = n !== null && isAlias(n) ? n.resolve(this.doc) : n
      return t !== null && t !== undefined && isMap(t)
    }
    if (node !== null && isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i] as AnyNode
        if (!mapTarget(item)) {
          wantMap()
        }
        this.unmarshal(item, path, out)
      }
      return
    }
    if (!mapTarget(node)) {
      wantMap()
    }
    this.unmarshal(node, path, out)
  }

  private set(out: Record<string, Json>, k: { text: string; type: string }, value: Json, offset: number): void {
    const key = k.text
    let offsets = this.keyOffsets.get(out)
    if (offsets === undefined) {
      offsets = new Map()
      this.keyOffsets.set(out, offsets)
    }
    const first = offsets.get(key)
    if (first !== undefined) {
      this.duplicates.push({ key, offset, firstOffset: first.offset, ambiguous: first.type !== k.type })
    }
    offsets.set(key, { offset, type: k.type })
    // A key such as __proto__ stays data: an own property, never the object's prototype.
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true })
  }

  private resolve(node: Scalar): GoScalar {
    const tag = node.tag ?? ''
    // The failsafe schema keeps every scalar as its text; an empty value has no text at all.
    let text = typeof node.value === 'string' ? node.value : ''
    try {
      if (node.type === 'QUOTE_DOUBLE' && node.range != null) {
        // Escapes as go-yaml reads them: the yaml package takes `\/` and lone surrogates, which
        // go-yaml refuses, and refuses `\'`, which go-yaml reads as a quote.
        const raw = this.text.slice(node.range[0] + 1, node.range[1] - 1)
        const exact = unescapeDoubleQuoted(raw)
        const multiLine = /[\r\n]/.test(raw)
        if (multiLine && /(^|[^\\])(\\\\)*\\'/.test(raw)) {
          // The yaml package keeps `\'` as two characters there; refuse rather than misread it.
          throw new ScalarError(
            "kindlab cannot read the escape \\' in a double-quoted scalar over several lines: write ' instead",
          )
        }
        text = multiLine ? text : exact
      } else if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && node.range != null) {
        // The yaml package takes a tab in a block scalar's indentation; go-yaml refuses it.
        checkBlockScalarTabs(this.text.slice(node.range[0], node.range[1]))
      }
      if (tag === '' && node.type !== 'PLAIN' && node.type !== undefined) {
        return { type: 'str', value: text }
      }
      return resolveScalar(tag, text)
    } catch (err) {
      throw new DecodeError(err instanceof ScalarError ? err.message : String(err), offsetOf(node))
    }
  }

  private scalarValue(node: Scalar): Json {
    const resolved = this.resolve(node)
    try {
      return resolved.type === 'merge' ? resolved.value : jsonValue(resolved)
    } catch (err) {
      throw new DecodeError(err instanceof ScalarError ? err.message : String(err), offsetOf(node))
    }
  }
}

interface BadKey {
  message: string
  line: number
}

/** The errors json.Marshal and sigs.k8s.io/yaml's key conversion raise on the final value. */
function checkJsonable(value: Json, path: string, lines: FieldLines): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    const name = Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf'
    throw new LineError(`json: unsupported value: ${name}`, lines.get(path))
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJsonable(v, childPath(path, i), lines))
  } else if (value !== null && typeof value === 'object') {
    const bad = (value as { [BAD_KEY]?: BadKey })[BAD_KEY]
    if (bad !== undefined) {
      throw new LineError(bad.message, bad.line)
    }
    for (const [k, v] of Object.entries(value)) {
      checkJsonable(v, childPath(path, k), lines)
    }
  }
}

/** A refusal found after decoding, located by line rather than offset. */
export class LineError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message)
  }
}

function newObject(): Record<string, Json> {
  return {}
}

/** A plain `<<` key (or one tagged !!merge) merges, as go-yaml's isMerge says. */
function isMergeKey(node: AnyNode): boolean {
  if (node === null || !isScalar(node) || node.value !== '<<') {
    return false
  }
  return node.tag === MERGE_TAG || (node.tag === undefined && node.type === 'PLAIN')
}

function offsetOf(node: AnyNode | undefined): number {
  return node?.range?.[0] ?? 0
}

/** go-yaml v2's allowedAliasRatio: 99% of decodes may come from aliases, less in large documents. */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000
  const high = 4_000_000
  if (decodeCount <= low) {
    return 0.99
  }
  if (decodeCount >= high) {
    return 0.1
  }
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low))
}
