// Validation of references shared by several kinds: gateway names (`ns/name`) and exportTo
// lists (istio pkg/config/validation). Returns problems with field paths. Pure.
import { checkFQDN, isDNS1123Label } from './dns.ts'
import type { FieldProblem } from './reader.ts'

/**
 * Gateway references: `ns/name` (both DNS labels) or a name. Mirrors istio's quirk of stopping
 * at the first reference without a slash.
 */
export function validateGatewayNames(names: readonly string[], path: string): FieldProblem[] {
  const out: FieldProblem[] = []
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? ''
    const p = `${path}[${i}]`
    const slash = name.indexOf('/')
    if (slash < 0) {
      const problem = checkFQDN(name)
      if (problem !== undefined) {
        out.push({ path: p, message: `invalid gateway reference "${name}": ${problem}.` })
      }
      return out
    }
    const ns = name.slice(0, slash)
    const gw = name.slice(slash + 1)
    if (ns === '' || gw === '') {
      out.push({ path: p, message: `invalid gateway reference "${name}": namespace and name cannot be empty.` })
    }
    if (!isDNS1123Label(ns)) {
      out.push({ path: p, message: `invalid gateway reference "${name}": "${ns}" is not a valid namespace.` })
    }
    if (!isDNS1123Label(gw)) {
      out.push({ path: p, message: `invalid gateway reference "${name}": "${gw}" is not a valid gateway name.` })
    }
  }
  return out
}

/** exportTo entries: `*`, `.`, `~` or namespaces; no duplicates; `*` only alone. */
export function validateExportTo(exportTo: readonly string[], namespace: string): FieldProblem[] {
  const out: FieldProblem[] = []
  const seen = new Set<string>()
  exportTo.forEach((e, i) => {
    const key = e === '.' ? namespace : e
    if (seen.has(key)) {
      out.push({ path: `spec.exportTo[${i}]`, message: `duplicate exportTo entry "${e}".` })
    } else if (key !== '*' && key !== '~' && !isDNS1123Label(key)) {
      out.push({ path: `spec.exportTo[${i}]`, message: `invalid exportTo entry "${e}".` })
    } else {
      seen.add(key)
    }
  })
  if (seen.has('*') && exportTo.length > 1) {
    out.push({ path: 'spec.exportTo', message: 'exportTo cannot mix * with other entries.' })
  }
  return out
}
