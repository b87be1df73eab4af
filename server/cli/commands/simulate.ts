// `kindlab simulate --resources FILE|DIR [--requests FILE] [--json]`: predicts the ingress
// gateway's Envoy configuration from YAML and answers requests with explanations. Options only;
// the work is in simulate-action.ts, loaded lazily.
import type { Command } from 'commander'
import { tuneForShortRun } from '../short-run.ts'
import type { SimulateFlags } from './simulate-action.ts'

export type { SimulateFlags }

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      "predict the ingress gateway's listeners, routes and clusters from Istio YAML, and what Envoy answers each request",
    )
    .requiredOption('-r, --resources <path>', 'a YAML/JSON file or a directory of them (repeatable)', collect)
    .option(
      '--requests <file>',
      'a JSON array of requests: [{port, host, path, headers?, method?, tls?, sni?, protocol?}]',
    )
    .option('--namespace <ns>', 'namespace for resources without metadata.namespace', 'default')
    .option('--json', 'print one JSON object (listeners, routeConfigs, clusters, diagnostics, requests)')
    .addHelpText(
      'after',
      `
The gateway is assumed to be an istioctl install: pod in istio-system labelled
istio: ingressgateway, app: istio-ingressgateway, domain suffix cluster.local. Ports are
translated through a Service selecting that pod only when the input contains one; a request's
port is the port Envoy listens on (8080 for Gateway port 80 with an istioctl install).

Exit codes: 0 no error-level diagnostics, 1 some diagnostic is an error, 64+ unreadable input.`,
    )
    .action(async (flags: SimulateFlags) => {
      tuneForShortRun()
      const { runSimulate } = await import('./simulate-action.ts')
      const hasErrors = await runSimulate(flags)
      if (hasErrors) {
        process.exitCode = 1
      }
    })
}
