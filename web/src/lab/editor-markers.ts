// The grader's findings as editor markers: a result that names `<file>:<line>` of the edited file
// (in its finding, message or hint, as `(ingress-findings.yaml:6)` or `~/x.yaml:3`) becomes a
// marker at that line. Pure, unit-tested; the editor turns markers into CodeMirror diagnostics.

/** Dispatched on document after each Check with its results (CheckResultDto[]): editors re-mark. */
export const CHECK_RESULTS_EVENT = 'kindlab:check-results'

export interface ResultLike {
  status?: 'passed' | 'failed' | 'unverified' | undefined
  passed?: boolean
  message: string
  finding?: string | undefined
  hint?: string | undefined
}

export interface LineMarker {
  line: number
  severity: 'error' | 'info'
  message: string
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Markers for `fileName` (a workspace path such as `ingress-findings.yaml`), one per line and text. */
export function markersFor(fileName: string, results: readonly ResultLike[]): LineMarker[] {
  const at = new RegExp(`(?:^|[\\s(/~'"\`])${escape(fileName)}:(\\d+)`, 'g')
  const seen = new Set<string>()
  const markers: LineMarker[] = []
  for (const r of results) {
    const status = r.status ?? (r.passed ? 'passed' : 'failed')
    if (status === 'passed') {
      continue
    }
    const text = r.finding ?? r.message
    for (const source of [r.finding, r.message, r.hint]) {
      for (const m of (source ?? '').matchAll(at)) {
        const line = Number(m[1])
        const key = `${line}\n${text}`
        if (line > 0 && !seen.has(key)) {
          seen.add(key)
          markers.push({ line, severity: status === 'failed' ? 'error' : 'info', message: text })
        }
      }
    }
  }
  return markers.sort((a, b) => a.line - b.line)
}
