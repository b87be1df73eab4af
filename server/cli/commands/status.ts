// `kindlab status`: is the live lab up? The cluster, Istio, the ingress ports and every Deployment.
import type { Command } from 'commander'
import type { StatusFlags } from '../status-cli.ts'

export type { StatusFlags }

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the live lab: cluster, Istio, ingress ports, deployments')
    .option('--data <dir>', 'kindlab data folder (default: ~/.kindlab)')
    .option('--context <name>', 'an existing cluster instead of the kind lab')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExit codes: 0 the lab is ready, 1 it is not (or not created).')
    .action(async (flags: StatusFlags) => {
      const { runStatus } = await import('../status-cli.ts')
      await runStatus(flags)
    })
}
