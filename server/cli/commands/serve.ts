// `kindlab serve`: serves the labs in the browser, offline or live against a cluster
// (--kubeconfig/--context, with --gateway/--envoy-admin for how its gateway is reached).
import type { Command } from 'commander'
import { serveOptions, type ServeFlags } from '../serve-flags.ts'

export function registerServe(program: Command): void {
  serveOptions(
    program
      .command('serve')
      .description('serve the labs in the browser')
      .option('--offline', 'no cluster: local terminal, grading from workspace files')
      .option(
        '--var <name=value>',
        "a lab variable's value for every learner, e.g. LEARNER_NAMESPACE=shop (repeatable)",
        (value: string, previous: string[]) => [...previous, value],
        [],
      ),
  ).action(async (flags: ServeFlags & { offline?: boolean; var: string[] }) => {
    const { runServe } = await import('../serve-cli.ts')
    await runServe(flags)
  })
}
