// `kindlab labs validate [DIR]`: schema and reference checks of every lab with the registered check
// kinds, each problem printed at file:line with a summary; exit 1 when any lab has an error. The
// validator and the check kinds load only when the command runs.
import { relative, resolve, sep } from 'node:path'
import type { Command } from 'commander'
import { formatIssue, formatSummary } from '../labs-format-issues.ts'

/** What the command needs beyond printing, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../checks/registry.ts')),
  ...(await import('../../labs/lab-model.ts')),
  ...(await import('../../labs/paths.ts')),
  ...(await import('../../labs/validate-labs.ts')),
})

interface ValidateFlags {
  json?: boolean
}

export function registerLabs(program: Command): void {
  const labs = program.command('labs').description('work with lab folders (authoring)')
  labs
    .command('validate')
    .description('check every lab in DIR against the lab format: schema, files, check kinds, ids, variables')
    .argument('[dir]', 'the folder holding the lab folders (default: the labs/ that ships with kindlab)')
    .option('--json', 'print the issues as JSON')
    .addHelpText('after', '\nExit codes: 0 every lab is valid (warnings allowed), 1 some lab has an error.')
    .action(async (dir: string | undefined, flags: ValidateFlags) => {
      const ok = await runLabsValidate(dir, { json: flags.json === true })
      if (!ok) {
        process.exitCode = 1
      }
    })
}

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
  const { checkKinds, defaultLabsDir, hasErrors, validateLabs } = await load()
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
