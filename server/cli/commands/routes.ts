// `kindlab routes --config-dump FILE [--json] [--listeners] [--clusters] [--name NAME]`: reads an Envoy
// admin /config_dump and prints it like `istioctl proxy-config routes|listeners|clusters`. Options
// only; the work is in routes-action.ts, loaded lazily.
import type { Command } from 'commander'
import { tuneForShortRun } from '../short-run.ts'
import type { RoutesFlags } from './routes-action.ts'

export type { RoutesFlags }

export function registerRoutes(program: Command): void {
  program
    .command('routes')
    .description("print an Envoy config_dump's routes (and listeners, clusters) like istioctl proxy-config")
    .requiredOption('--config-dump <file>', 'a saved admin /config_dump (JSON); - reads standard input')
    .option('--listeners', 'print the listeners table (ADDRESSES, PORT, MATCH, DESTINATION) instead of routes')
    .option('--clusters', 'print the clusters table (SERVICE FQDN, PORT, SUBSET, ...) instead of routes')
    .option('--name <route-config>', 'only this route configuration, e.g. http.8080')
    .option('--json', 'print {listeners, routeConfigs, clusters} in the shape of `kindlab simulate --json`')
    .addHelpText(
      'after',
      `
Get a dump from a live ingress gateway with:
  kubectl exec -n istio-system deploy/istio-ingressgateway -- pilot-agent request GET config_dump > dump.json

With --listeners and --clusters together, both tables are printed, listeners first.
Exit codes: 0 printed, 64+ the file is missing, not JSON or not a config dump.`,
    )
    .action(async (flags: RoutesFlags) => {
      tuneForShortRun()
      const { runRoutes } = await import('./routes-action.ts')
      await runRoutes(flags)
    })
}
