// `kindlab up` (what `npm start` runs): check the machine, provision the live lab, serve it.
// Without Docker or kind it says what is missing and serves offline with a banner.
import type { Command } from 'commander'
import { serveOptions } from '../serve-flags.ts'
import type { UpFlags } from '../up-cli.ts'

export type { UpFlags }

export function registerUp(program: Command): void {
  serveOptions(
    program
      .command('up')
      .description('provision the live lab (kind + Istio + the Hipster shop) and serve it')
      .option('--dry-run', 'print the whole plan (steps, images, ports) and exit')
      .option('--loadgen', "also deploy the shop's load generator (off by default)"),
  )
    .addHelpText('after', '\nWithout Docker or kind, `up` explains what is missing and serves the labs offline.')
    .action(async (flags: UpFlags) => {
      const { runUp } = await import('../up-cli.ts')
      await runUp(flags)
    })
}
