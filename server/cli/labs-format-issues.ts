// Formats lab issues for a terminal: `labs/<lab>/lab.yaml:12:5 error: <message>` plus a hint line,
// and a one-line summary. Pure: returns strings; the CLI prints them.
import { pc } from './colors.ts'
import type { Lab, LabIssue } from '../labs/lab-model.ts'

/** Turns an issue's file (relative to the labs folder) into the path to show. */
export type DisplayPath = (file: string) => string

/** One issue as `path:line:column level: message`, with `  hint: ...` on the next line. */
export function formatIssue(issue: LabIssue, display: DisplayPath): string {
  const where = `${display(issue.file)}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`
  const level = issue.level === 'error' ? pc.red('error') : pc.yellow('warning')
  const lines = [`${pc.bold(where)} ${level}: ${issue.message}`]
  if (issue.hint) {
    lines.push(`  ${pc.cyan('hint')}: ${issue.hint}`)
  }
  return lines.join('\n')
}

/** `2 labs checked: 1 error, 1 warning.` or `2 labs checked: no problems.` */
export function formatSummary(labs: readonly Lab[], issues: readonly LabIssue[]): string {
  const errors = issues.filter((i) => i.level === 'error')
  const warnings = issues.length - errors.length
  const broken = new Set(errors.map((i) => i.file.split('/')[0]))
  const checked = labs.length + broken.size
  const head = `${checked} lab${checked === 1 ? '' : 's'} checked`
  if (issues.length === 0) {
    return pc.green(`✔ ${head}: no problems.`)
  }
  const parts = [plural(errors.length, 'error'), ...(warnings > 0 ? [plural(warnings, 'warning')] : [])]
  const text = `${head}: ${parts.join(', ')}${broken.size > 0 ? ` (${broken.size} lab${broken.size === 1 ? '' : 's'} with errors).` : '.'}`
  return errors.length > 0 ? pc.red(`✘ ${text}`) : pc.yellow(`! ${text}`)
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
