// The work behind `kindlab labs validate`: validates a labs folder with the registered check kinds
// and prints each issue at file:line plus a summary. Loaded lazily by server/cli/commands/labs.ts.
import { relative, resolve, sep } from 'node:path'
import { checkKinds } from '../checks/registry.ts'
import { formatIssue, formatSummary } from './labs-format-issues.ts'
import { hasErrors } from '../labs/lab-model.ts'
import { defaultLabsDir } from '../labs/paths.ts'
import { validateLabs } from '../labs/validate-labs.ts'

/** Output streams, replaceable in tests. */
export interface ValidateCliIo {
  json: boolean
  out?: NodeJS.WritableStream
  cwd?: string
}

/** Validates `dir` (default: the bundled labs) and prints the result. Returns false on any error. */
export async function runLabsValidate(dir: string | undefined, io: ValidateCliIo): Promise<boolean> {
  const out = io.out ?? process.stdout
  const cwd = io.cwd ?? process.cwd()
  const labsDir = resolve(cwd, dir ?? defaultLabsDir())
  const result = await validateLabs(labsDir, { checkKinds })
  if (io.json) {
    out.write(
      `${JSON.stringify({ dir: labsDir, labs: result.labs.map((lab) => lab.id), issues: result.issues }, null, 2)}\n`,
    )
    return !hasErrors(result.issues)
  }
  const display = (file: string): string => {
    const absolute = resolve(labsDir, file)
    const fromCwd = relative(cwd, absolute)
    const shown = (fromCwd.startsWith('..') ? absolute : fromCwd).split(sep).join('/')
    return file.endsWith('/') ? `${shown}/` : shown
  }
  for (const issue of result.issues) {
    out.write(`${formatIssue(issue, display)}\n`)
  }
  out.write(`${formatSummary(result.labs, result.issues)}\n`)
  return !hasErrors(result.issues)
}
