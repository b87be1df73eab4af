// Raw Kubernetes objects as the grader kinds see them: identity (group, kind, namespace, name),
// the object itself, where it came from, and offline deletion markers. Pure: the caller reads files.
import type { SourceLocation } from '../grader/core/findings.ts'
import { readKubeYaml, type KubeYamlResult } from '../grader/core/yaml/kube-yaml.ts'

/** An object's identity. `group` is '' for the core API (Service, ConfigMap, Secret). */
export interface ObjectRef {
  group: string
  kind: string
  namespace: string
  name: string
}

/** One object with its identity and provenance. */
export interface RawObject {
  ref: ObjectRef
  apiVersion: string
  object: Record<string, unknown>
  /** environment: the lab's manifests; learner: the learner's files; cluster: the live API. */
  origin: 'environment' | 'learner' | 'cluster'
  source: SourceLocation
  /** For a deletion marker: the object it deletes. */
  target?: ObjectRef
  /** The line of a field of this object in its file (read from a file); the object's line otherwise. */
  lineAt?: (path: ReadonlyArray<string | number>) => number
}

/** The API group and version of a kindlab deletion marker (offline only, never applied). */
export const DELETION_API_VERSION = 'kindlab.dev/v1'

/**
 * Reads one plain object. Namespace defaults to `defaultNamespace`; `kind: List` is not expanded
 * here (the model does that). Returns undefined for values that are not objects with a kind.
 */
export function readRawObject(
  value: unknown,
  defaultNamespace: string,
  origin: RawObject['origin'],
  source: SourceLocation,
): RawObject | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined
  }
  const object = value as Record<string, unknown>
  const kind = typeof object['kind'] === 'string' ? object['kind'] : ''
  if (kind === '') {
    return undefined
  }
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : ''
  const meta = asRecord(object['metadata'])
  const namespace =
    typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : defaultNamespace
  const name = typeof meta['name'] === 'string' ? meta['name'] : ''
  const raw: RawObject = {
    ref: { group: groupOf(apiVersion), kind, namespace, name },
    apiVersion,
    object,
    origin,
    source,
  }
  if (apiVersion === DELETION_API_VERSION && kind === 'Deleted') {
    const spec = asRecord(object['spec'])
    const targetKind = typeof spec['kind'] === 'string' ? spec['kind'] : ''
    const targetApi = typeof spec['apiVersion'] === 'string' ? spec['apiVersion'] : 'v1'
    raw.target = { group: groupOf(targetApi), kind: targetKind, namespace, name }
  }
  return raw
}

/**
 * Every object of a multi-document YAML text, read as kubectl reads it, with its document index
 * and line. Documents after one kubectl refuses are not read (parseResources reports the error).
 * Pass the reader's result instead of the text when the caller has read the file already.
 */
export function parseRawObjects(
  text: string | KubeYamlResult,
  file: string,
  defaultNamespace: string,
  origin: RawObject['origin'],
): RawObject[] {
  const out: RawObject[] = []
  for (const doc of (typeof text === 'string' ? readKubeYaml(text) : text).documents) {
    const { value, index: document, line } = doc
    const items = expandList(value)
    items.forEach((item, i) => {
      const raw = readRawObject(item, defaultNamespace, origin, { file, document, line })
      if (raw === undefined) {
        return
      }
      // A field's own line: in the document itself, or in a plain List's items (nested Lists: the object's line).
      if (item === value) {
        raw.lineAt = (path) => doc.lineAt(path)
      } else if (Array.isArray(asRecord(value)['items']) && (asRecord(value)['items'] as unknown[])[i] === item) {
        raw.lineAt = (path) => doc.lineAt(['items', i, ...path])
      }
      out.push(raw)
    })
  }
  return out
}

function expandList(value: unknown): unknown[] {
  const o = asRecord(value)
  const kind = o['kind']
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(o['items'])) {
    return (o['items'] as unknown[]).flatMap(expandList)
  }
  return [value]
}

/** True for a `kind: Deleted` marker object. */
export function isDeletionMarker(o: RawObject): boolean {
  return o.target !== undefined
}

/** `networking.istio.io/v1` → `networking.istio.io`; `v1` → ''. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? '' : apiVersion.slice(0, slash)
}

/** `Service default/frontend` (with the group for non-core kinds when it helps). */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}
