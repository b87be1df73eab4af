// Findings: what the grader reports about a learner's configuration. Data, never exceptions.
// Pure: no I/O. Istio-level findings reuse istioctl analyze codes (IST0xxx); our own use GRDxxxx.

export type FindingLevel = 'Error' | 'Warning' | 'Info'

/** A Kubernetes object a finding is about. */
export interface ResourceRef {
  kind: string
  namespace: string
  name: string
}

/** Where a resource came from, so a learner can find the line to change. */
export interface SourceLocation {
  /** File the resource was read from, when it came from a file. */
  file?: string
  /** Zero-based index of the YAML document in that file. */
  document?: number
  /** One-based line of the document's start (or of the field, when known). */
  line?: number
}

export interface Finding {
  /** IST0101, IST0132, ... or GRD0201. */
  code: string
  level: FindingLevel
  resource: ResourceRef
  /** Field path inside the resource, e.g. `spec.gateways[0]`. */
  path?: string
  /** One plain sentence saying what is wrong. */
  message: string
  /** What to change to fix it. */
  hint?: string
  source?: SourceLocation
}

/** `Kind namespace/name`, the form used in reports and the CLI contract. */
export function formatResource(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`
}

const levelOrder: Record<FindingLevel, number> = { Error: 0, Warning: 1, Info: 2 }

/** Sorts findings by level, code, resource and path, and removes exact duplicates. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>()
  const out: Finding[] = []
  for (const f of findings) {
    const key = `${f.code}|${formatResource(f.resource)}|${f.path ?? ''}|${f.message}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(f)
    }
  }
  return out.sort(
    (a, b) =>
      levelOrder[a.level] - levelOrder[b.level] ||
      compareText(a.code, b.code) ||
      compareText(formatResource(a.resource), formatResource(b.resource)) ||
      compareText(a.path ?? '', b.path ?? ''),
  )
}

/**
 * Orders strings by UTF-16 code units: the same on every machine, unlike `localeCompare`, whose
 * order depends on the default locale (and whose first call loads ICU collation, ~13 ms).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
