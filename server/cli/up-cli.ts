// The `up` flow: plan → (dry run: print it) → doctor → serve the page as early as it can (right
// away, or once kind wrote the kubeconfig) → provision with progress in the terminal and on the
// page. Without Docker or kind it explains what is missing and serves offline with a banner.
import { existsSync } from 'node:fs'
import { pc } from './colors.ts'
import { toAppError } from '../errors.ts'
import type { ProgressEventDto } from '../protocol/api-dto.ts'
import type { Plan } from '../provision/plan.ts'
import { planText } from '../provision/plan-text.ts'
import { printDoctorReport, runDoctor } from './commands/doctor.ts'
import { liveEnv, type LiveEnv } from './live-env.ts'
import { parseLiveFlags } from './live-flags.ts'
import { liveServicesFor, planFor, provision, provisionAdapters, terminalEnvFor } from './provision-cli.ts'
import { serveForeground } from './serve-cli.ts'
import type { ServeFlags } from './serve-flags.ts'
import type { RunningServer } from '../serve.ts'

export interface UpFlags extends ServeFlags {
  dryRun?: boolean
  loadgen?: boolean
}

/** `up` options this module reads beyond the lead's UpFlags (a `--loadgen` flag is proposed). */
type Flags = UpFlags & { loadgen?: boolean }

function printPlan(plan: Plan, flags: Flags): void {
  const url = `http://${flags.host ?? '127.0.0.1'}:${flags.port ?? '4280'}/`
  const lines = planText(plan, url)
  process.stdout.write(`${lines.map((l) => (/^(Steps|Images|Ports)/.test(l) ? pc.bold(l) : l)).join('\n')}\n`)
  process.stdout.write(pc.dim('\nDry run: nothing was changed. Run `kindlab up` to do it.\n'))
}

/** Offline fallback: the doctor found something missing (kind target only). */
async function offlineIfNeeded(flags: Flags): Promise<boolean> {
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

export async function runUp(flags: Flags): Promise<void> {
  // --gateway/--envoy-admin need an existing cluster (--kubeconfig/--context); kind's are found.
  const given = parseLiveFlags(flags) ?? {}
  const env = liveEnv(flags.data)
  const { bp, plan } = await planFor(flags, env)
  if (flags.dryRun) {
    printPlan(plan, flags)
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
