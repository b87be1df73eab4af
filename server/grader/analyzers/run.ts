// Runs the analyzers over a resource model and returns one sorted, de-duplicated list of findings,
// including the model's own validation findings (IST0106). Pure: no I/O, no logging.
import { type Finding, sortFindings } from '../core/findings.ts'
import type { ResourceModel } from '../core/model/index.ts'
import type { Analyzer } from './analyzer.ts'
import { allAnalyzers } from './all.ts'

/**
 * Every finding about the model: its IST0106 validation findings plus those of each analyzer.
 * Analyzers that need Pods are skipped when the model has none (offline grading).
 * @example const findings = runAnalyzers(parseResources(yamlText, { file: 'gateway.yaml' }))
 */
export function runAnalyzers(model: ResourceModel, analyzers: readonly Analyzer[] = allAnalyzers): Finding[] {
  const findings: Finding[] = [...model.findings]
  for (const analyzer of analyzers) {
    if (analyzer.meta.requiresPods === true && model.pods.length === 0) {
      continue
    }
    findings.push(...analyzer.analyze(model))
  }
  return sortFindings(findings)
}
