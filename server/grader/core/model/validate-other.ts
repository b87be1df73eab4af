// istiod's validation of DestinationRules and ServiceEntries, limited to what the grader relies
// on: hosts, subset names, port numbers. Returns problems with field paths. Pure.
import { checkWildcardDomain, isDNS1123Label } from './dns.ts'
import type { FieldProblem } from './reader.ts'
import type { DestinationRule, ServiceEntry } from './types.ts'
import { validateExportTo } from './validate-refs.ts'

/** DestinationRule: a host and valid, unique subset names. */
export function validateDestinationRule(dr: DestinationRule): FieldProblem[] {
  const out: FieldProblem[] = []
  if (dr.spec.host === '') {
    out.push({ path: 'spec.host', message: 'a DestinationRule needs a host.' })
  } else {
    const problem = checkWildcardDomain(dr.spec.host)
    if (problem !== undefined) {
      out.push({ path: 'spec.host', message: `${problem}.` })
    }
  }
  const seen = new Set<string>()
  dr.spec.subsets.forEach((s, i) => {
    if (!isDNS1123Label(s.name)) {
      out.push({ path: `spec.subsets[${i}].name`, message: `subset name "${s.name}" is invalid.` })
    } else if (seen.has(s.name)) {
      out.push({ path: `spec.subsets[${i}].name`, message: `duplicate subset name "${s.name}".` })
    }
    seen.add(s.name)
  })
  out.push(...validateExportTo(dr.spec.exportTo ?? [], dr.metadata.namespace))
  return out
}

/** ServiceEntry: at least one valid host, valid unique port numbers and names. */
export function validateServiceEntry(se: ServiceEntry): FieldProblem[] {
  const out: FieldProblem[] = []
  if (se.spec.hosts.length === 0) {
    out.push({ path: 'spec.hosts', message: 'a ServiceEntry needs at least one host.' })
  }
  se.spec.hosts.forEach((h, i) => {
    if (h === '*') {
      out.push({ path: `spec.hosts[${i}]`, message: 'a ServiceEntry host cannot be *.' })
    } else {
      const problem = checkWildcardDomain(h)
      if (problem !== undefined) {
        out.push({ path: `spec.hosts[${i}]`, message: `${problem}.` })
      }
    }
  })
  const numbers = new Set<number>()
  se.spec.ports.forEach((p, i) => {
    if (p.number < 1 || p.number > 65535) {
      out.push({ path: `spec.ports[${i}].number`, message: `port ${p.number} must be in the range 1..65535.` })
    } else if (numbers.has(p.number)) {
      out.push({ path: `spec.ports[${i}].number`, message: `port number ${p.number} is listed twice.` })
    }
    numbers.add(p.number)
  })
  return out
}
