// `kindlab down`: deletes the lab's kind cluster (and its kubeconfig); with --context, removes what
// `up` deployed into an existing cluster (the shop's namespace and the dashboards), leaving Istio.
import type { Command } from 'commander'
import type { DownFlags } from '../down-cli.ts'

export type { DownFlags }

export function registerDown(program: Command): void {
  program
    .command('down')
    .description('delete the live lab (the kind cluster, or the shop and dashboards in --context)')
    .option('--data <dir>', 'kindlab data folder (default: ~/.kindlab)')
    .option('--context <name>', 'an existing cluster `up --context` used: remove the shop and the dashboards only')
    .action(async (flags: DownFlags) => {
      const { runDown } = await import('../down-cli.ts')
      await runDown(flags)
    })
}
