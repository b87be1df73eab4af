// `kindlab labs validate [DIR]`: schema and reference checks of every lab, each problem at
// file:line; exit 1 when any lab has an error.
import type { Command } from 'commander'

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
      const { runLabsValidate } = await import('../labs-validate-cli.ts')
      const ok = await runLabsValidate(dir, { json: flags.json === true })
      if (!ok) {
        process.exitCode = 1
      }
    })
}
