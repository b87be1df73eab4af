// `kindlab check <lab> --step <step> --resources FILE`: grades one step of a lab against the
// resources in a file, without a cluster (the prediction layer), as the Check button would; with
// `--kubeconfig`/`--context` it grades live: the cluster's objects, the gateway's Envoy, real traffic.
import type { Command } from 'commander'
import type { CheckFlags } from '../check-cli.ts'
import { liveFlagOptions } from '../live-flags.ts'

export type { CheckFlags }

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Adds `kindlab check` to the program. */
export function registerCheck(program: Command): void {
  liveFlagOptions(
    program
      .command('check')
      .description(
        'grade a lab step against the resources in a file (as `kubectl apply -f` would create them), offline',
      )
      .argument('<lab>', 'the lab id, e.g. istio-ingress')
      .requiredOption('--step <step>', 'the step: its number (1-based) or its slug, e.g. 4 or expose-the-shop')
      .option(
        '--resources <file>',
        'a YAML file with your resources (repeat for several files); offline only',
        collect,
        [],
      )
      .option('--var <name=value>', 'set a lab variable, e.g. TRAINEE_DOMAIN=example.com (repeatable)', collect, [])
      .option('--offline', 'grade on the predicted configuration only (the default: the CLI attaches no cluster)')
      .option('--json', 'print {lab, step, passed, checks: [...]} as JSON')
      .option('--labs <dir>', 'the folder holding the labs (default: the labs that ship with kindlab)'),
  )
    .addHelpText(
      'after',
      `
Resources without a namespace belong to the learner's namespace (the lab variable LEARNER_NAMESPACE,
default "default"); the lab's own environment (the shop, the gateway Service, the addons) is added.
Live (--kubeconfig or --context): the resources are read from the cluster instead, and each check
also runs on the gateway's real Envoy and with real requests; --json lists the layers that ran.

Exit codes: 0 every check passed, 1 a check failed, 64+ the input could not be used.`,
    )
    .action(async (lab: string, flags: CheckFlags) => {
      const { runCheckCommand } = await import('../check-cli.ts')
      const passed = await runCheckCommand(lab, flags)
      if (!passed) {
        process.exitCode = 1
      }
    })
}
