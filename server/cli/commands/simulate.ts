// `kindlab simulate --resources FILE|DIR [--requests FILE] [--json]`: predicts the ingress
// gateway's (and every Kubernetes Gateway's) Envoy configuration from YAML and answers requests
// with explanations. The command's definition and its action; the action loads its helpers
// lazily (input, report, contract, render), which never import this module.
import type { Command } from 'commander'
import { printJson } from '../output.ts'
import { tuneForShortRun } from '../short-run.ts'

/** Flags of `kindlab simulate`. */
export interface SimulateFlags {
  resources: string[]
  requests?: string
  json?: boolean
  namespace?: string
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** Adds `kindlab simulate` to the program. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      "predict the ingress gateway's listeners, routes and clusters from Istio or Gateway API YAML, and what Envoy answers each request",
    )
    .requiredOption('-r, --resources <path>', 'a YAML/JSON file or a directory of them (repeatable)', collect)
    .option(
      '--requests <file>',
      'a JSON array of requests: [{port, host, path, headers?, method?, tls?, sni?, protocol?, gateway?}]',
    )
    .option('--namespace <ns>', 'namespace for resources without metadata.namespace', 'default')
    .option(
      '--json',
      'print one JSON object (listeners, routeConfigs, clusters, diagnostics, requests, gateways, status)',
    )
    .addHelpText(
      'after',
      `
The gateway is assumed to be an istioctl install: pod in istio-system labelled
istio: ingressgateway, app: istio-ingressgateway, domain suffix cluster.local. Ports are
translated through a Service selecting that pod only when the input contains one; a request's
port is the port Envoy listens on (8080 for Gateway port 80 with an istioctl install).

A request with "gateway": "<namespace>/<name>" goes to that Kubernetes Gateway's proxy instead
(its managed Deployment <name>-<class>, or the Service its address names); its port is the
listener port for a managed Gateway. Every Kubernetes Gateway's listeners and routes, and the
status istiod would write on each Gateway API object, are printed too.

Exit codes: 0 no error-level diagnostics, 1 some diagnostic is an error, 64+ unreadable input.`,
    )
    .action(async (flags: SimulateFlags) => {
      tuneForShortRun()
      if (await runSimulate(flags)) {
        process.exitCode = 1
      }
    })
}

/** The action: reads, simulates, prints; true when some diagnostic is an error (exit code 1). */
export async function runSimulate(flags: SimulateFlags): Promise<boolean> {
  const [{ readSimulateInput }, { buildReport }] = await Promise.all([
    import('./simulate-input.ts'),
    import('./simulate-report.ts'),
  ])
  const input = await readSimulateInput({
    resources: flags.resources,
    requests: flags.requests,
    namespace: flags.namespace ?? 'default',
  })
  const report = buildReport(input, flags.requests)
  if (flags.json === true) {
    const { toContract } = await import('./simulate-contract.ts')
    // Pretty on a terminal; compact when piped (a cohort's output is tens of MB).
    if (process.stdout.isTTY) {
      printJson(toContract(report))
    } else {
      process.stdout.write(`${JSON.stringify(toContract(report))}\n`)
    }
  } else {
    const { renderSimulation } = await import('./simulate-render.ts')
    process.stdout.write(renderSimulation(report))
  }
  return report.diagnostics.some((d) => d.level === 'Error')
}
