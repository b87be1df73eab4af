// `kindlab up` (what `npm start` runs): plan → (dry run: print it) → doctor → serve the page as
// early as it can (right away, or once kind wrote the kubeconfig) → provision with progress in the
// terminal and on the page. Without Docker or kind it explains what is missing and serves offline
// with a banner. Provisioning, the server and the adapters load only when the command runs.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { toAppError } from '../../errors.ts'
import type { ProgressEventDto } from '../../protocol/api-dto.ts'
import type { Plan } from '../../provision/plan.ts'
import type { RunningServer } from '../../serve.ts'
import { pc } from '../colors.ts'
import type { LiveEnv } from '../live-env.ts'
import { parseLiveFlags } from '../live-flags.ts'
import { serveOptions, type ServeFlags } from '../serve-flags.ts'

/** What the command needs beyond its options, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../provision/plan-text.ts')),
  ...(await import('../live-env.ts')),
  ...(await import('../provision-wiring.ts')),
  ...(await import('../serve-foreground.ts')),
  ...(await import('./doctor.ts')),
})

export function registerUp(program: Command): void {
  serveOptions(
    program
      .command('up')
      .description('provision the live lab (kind + Istio + the Hipster shop) and serve it')
      .option('--dry-run', 'print the whole plan (steps, images, ports) and exit')
      .option('--loadgen', "also deploy the shop's load generator (off by default)"),
  )
    .addHelpText('after', '\nWithout Docker or kind, `up` explains what is missing and serves the labs offline.')
    .action((flags: UpFlags) => runUp(flags))
}

export interface UpFlags extends ServeFlags {
  dryRun?: boolean
  loadgen?: boolean
}

/** `up` options this module reads beyond the lead's UpFlags (a `--loadgen` flag is proposed). */
type Flags = UpFlags & { loadgen?: boolean }

async function printPlan(plan: Plan, flags: Flags): Promise<void> {
  const { planText } = await load()
  const url = `http://${flags.host ?? '127.0.0.1'}:${flags.port ?? '4280'}/`
  const lines = planText(plan, url)
  process.stdout.write(`${lines.map((l) => (/^(Steps|Images|Ports)/.test(l) ? pc.bold(l) : l)).join('\n')}\n`)
  process.stdout.write(pc.dim('\nDry run: nothing was changed. Run `kindlab up` to do it.\n'))
}

/** Offline fallback: the doctor found something missing (kind target only). */
async function offlineIfNeeded(flags: Flags): Promise<boolean> {
  const { printDoctorReport, runDoctor, serveForeground } = await load()
  process.stdout.write(pc.bold('Checking this machine for the live lab…\n'))
  const report = await runDoctor(flags.data)
  await printDoctorReport(report)
  if (report.canRunLive) {
    return false
  }
  process.stdout.write(
    `${pc.yellow('Starting in offline mode')}: the labs and terminal work, checks grade your workspace files.\n`,
  )
  process.stdout.write(pc.dim('`kindlab up --dry-run` shows what the live lab would create.\n'))
  await serveForeground(flags, { offline: true, offlineReason: report.summary })
  return true
}

function printReady(plan: Plan, env: LiveEnv): void {
  const lines = [
    pc.green('The live lab is ready.'),
    `  cluster: ${plan.context}${plan.kubeconfigPath ? ` (KUBECONFIG=${plan.kubeconfigPath})` : ''}`,
    plan.target.type === 'kind'
      ? '  ingress: http://localhost/ and https://localhost/ reach the Istio ingress gateway (404 until a Gateway routes them).'
      : '',
    env.inContainer ? '  kindlab runs in a container: the gateway is reached through the kind network.' : '',
  ]
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`)
}

/** Stops provisioning on Ctrl-C / SIGTERM (the server's own handlers then stop the server). */
function abortOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const onSignal = () => {
    process.stdout.write(pc.yellow('\nStopping the setup; run `kindlab up` again to continue where it stopped.\n'))
    controller.abort()
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
    },
  }
}

/** Steps to run before the server starts: the kind cluster when its kubeconfig does not exist yet (the server reads it at start). */
function stepsBeforeServing(plan: Plan): number {
  return plan.target.type === 'kind' && plan.kubeconfigPath && !existsSync(plan.kubeconfigPath) ? 1 : 0
}

/** Runs the rest of the plan with the page showing the progress; on failure the page shows it and the server stops. */
async function provisionServing(
  plan: Plan,
  env: LiveEnv,
  server: RunningServer,
  signal: AbortSignal,
  from: number,
): Promise<void> {
  const { provision, provisionAdapters } = await load()
  let last: ProgressEventDto | undefined
  try {
    await provision(plan, provisionAdapters(env), {
      signal,
      range: [from, plan.steps.length],
      onEvent: (e) => server.setProvisioning((last = e)),
    })
  } catch (err) {
    const failure = toAppError(err)
    if (failure.code !== 'LAB_ERR_ABORTED') {
      const base = last ?? { step: 'setup', title: 'Setting up', index: from, total: plan.steps.length, elapsedMs: 0 }
      server.setProvisioning({ ...base, state: 'failed', detail: failure.message })
      await server.close()
    }
    throw failure
  }
  server.setProvisioning(undefined)
}

/** Runs `kindlab up`: plan, doctor, serve as early as it can, provision with progress. */
export async function runUp(flags: Flags): Promise<void> {
  const { liveEnv, planFor, provision, provisionAdapters, serveForeground, terminalEnvFor, liveServicesFor } =
    await load()
  // --gateway/--envoy-admin need an existing cluster (--kubeconfig/--context); kind's are found.
  const given = parseLiveFlags(flags) ?? {}
  const env = liveEnv(flags.data)
  const { bp, plan } = await planFor(flags, env)
  if (flags.dryRun) {
    await printPlan(plan, flags)
    return
  }
  if (plan.target.type === 'kind' && (await offlineIfNeeded(flags))) {
    return
  }
  const abort = abortOnSignals()
  try {
    const first = stepsBeforeServing(plan)
    if (first > 0) {
      await provision(plan, provisionAdapters(env), { signal: abort.signal, range: [0, first] })
    }
    const server = await serveForeground(
      { ...flags, context: plan.context },
      {
        offline: false,
        clusterEnv: await terminalEnvFor(plan, env),
        services: liveServicesFor(plan, bp, env, given),
        // The shop runs in the blueprint's namespace: that is where the learner works.
        varDefaults: { LEARNER_NAMESPACE: bp.app.namespace },
      },
    )
    process.stdout.write(pc.dim('Preparing the live lab; the page shows the progress too.\n'))
    await provisionServing(plan, env, server, abort.signal, first)
  } finally {
    abort.dispose()
  }
  printReady(plan, env)
}
