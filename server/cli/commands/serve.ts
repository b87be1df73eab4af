// `kindlab serve`: serves the labs in the browser (offline, or with a cluster context).
import type { Command } from 'commander'
import { serveOptions, type ServeFlags } from '../serve-flags.ts'

export function registerServe(program: Command): void {
  serveOptions(
    program
      .command('serve')
      .description('serve the labs in the browser')
      .option('--offline', 'no cluster: local terminal, grading from workspace files'),
  ).action(async (flags: ServeFlags & { offline?: boolean }) => {
    const { serveForeground } = await import('../serve-cli.ts')
    await serveForeground(flags, {
      offline: flags.offline === true || flags.context === undefined,
      ...(flags.offline === true || flags.context !== undefined
        ? {}
        : { offlineReason: 'No cluster was given (use --context NAME or `kindlab up`).' }),
    })
  })
}
