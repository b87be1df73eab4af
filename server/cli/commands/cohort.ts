// `kindlab cohort create|list|status|handout|teardown|admin-token|password`: run a class from the
// command line. Works on the data folder directly (the same SQLite database a running server
// uses), so it needs no server; the heavy code loads inside each action.
import type { Command } from 'commander'
import type { CohortFlags } from '../cohort-cli.ts'

const common = (cmd: Command): Command =>
  cmd
    .option('--data <dir>', 'data folder shared with `kindlab serve` (default: ~/.kindlab)')
    .option('--context <name>', 'kubeconfig context of the class cluster')
    .option('--offline', 'no cluster: plan the isolation objects without applying them')
    .option('--json', 'print JSON')

export function registerCohort(program: Command): void {
  const cohort = program.command('cohort').description('run a class: trainee environments, join links, the grade book')
  const run =
    (name: string) =>
    async (...args: unknown[]) => {
      const cli = await import('../cohort-cli.ts')
      const command = args[args.length - 1] as Command
      await cli.runCohortCommand(name, command.opts<CohortFlags>(), command.args)
    }
  common(
    cohort
      .command('create')
      .description('create a cohort and prepare its warm pool')
      .requiredOption('--name <name>', 'cohort name (lower-case letters, digits, dashes)')
      .requiredOption('--trainees <n>', 'number of trainees (seats)')
      .requiredOption('--lab <id>', 'the lab the class works on')
      .option('--mode <mode>', 'namespace (one cluster) or cluster (a kind cluster each)', 'namespace')
      .option('--domain <domain>', 'each trainee gets <trainee-id>.<domain>')
      .option('--reserve <n>', 'environments to prepare ahead of time')
      .option('--webhook <url>', 'POST HMAC-signed events here')
      .option('--gating <on|off>', "steps open once the earlier steps' checks pass (default: as the lab says)")
      .option('--labs <dir>', 'folder of labs (default: the bundled labs)')
      .option('--no-wait', 'do not wait for the warm pool'),
  ).action(run('create'))
  common(cohort.command('list').description('list the cohorts')).action(run('list'))
  common(
    cohort.command('status').argument('<cohort>').description('seats, environments and progress of a cohort'),
  ).action(run('status'))
  common(
    cohort
      .command('handout')
      .argument('<cohort>')
      .option(
        '--url <base>',
        'the server address trainees open (default: KINDLAB_PUBLIC_URL, else http://127.0.0.1:4280)',
      )
      .description('print every join link and host name'),
  ).action(run('handout'))
  common(
    cohort.command('teardown').argument('<cohort>').description('delete every environment of the cohort and end it'),
  ).action(run('teardown'))
  common(
    cohort
      .command('admin-token')
      .option('--reset', 'replace the admin token')
      .description('print a new instructor admin token (with --reset)'),
  ).action(run('admin-token'))
  common(cohort.command('password').description('set the instructor password (read from stdin)')).action(
    run('password'),
  )
}
