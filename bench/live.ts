// Live grading benchmark (npm run bench:live; root: the sim makes network namespaces). Starts
// `cluster:sim --dataplane --lab istio-ingress` itself (real API server, istiod, pilot-agent +
// Envoy, stand-in backends), then measures
//  (a) one live Check of step 4 end to end, N times: in-process through the CLI's grading path with
//      every adapter call timed (the API list, Envoy's /config_dump, the probes), and through the
//      real server's HTTP API (`kindlab serve --kubeconfig --gateway --envoy-admin`);
//  (b) a class on one shared gateway: N trainees' step-4 configurations in their own namespaces and
//      hosts (a namespace-mode cohort made through the server's API), all pressing Check at once.
// Prints figures; asserts nothing. Stops everything it started, also on Ctrl-C.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { KubeConfig } from '@kubernetes/client-node'
import { gradeWithServices } from '../server/checks/grade-files.ts'
import { parseEnvoyAdmin } from '../server/cli/live-flags.ts'
import { liveTargetServices } from '../server/cli/live-target.ts'
import { loadLabs } from '../server/labs/load-labs.ts'
import { resolveVariables } from '../server/labs/variables.ts'
import { packageRoot } from '../server/paths.ts'
import type { CheckRunDto } from '../server/protocol/api-dto.ts'
import { loadBlueprint } from '../server/provision/blueprint.ts'
import { applyObjects, folderObjects, shopNamespace } from '../test/cluster/dataplane/lab-objects.ts'
import { api, startServe, type ServeProcess } from '../test/cluster/dataplane/serve-process.ts'
import { startDataplaneSim, type DataplaneSim } from '../test/cluster/dataplane/sim-process.ts'
import { runClass, type ClassResult } from './live-class.ts'
import { emptyTally, median, percentile, processCpuMs, timedServices, type Tally } from './live-timing.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    trainees: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    verbose: { type: 'boolean', default: false },
    /** Write a V8 CPU profile of the kindlab server (node --cpu-prof) into this folder when it stops. */
    'cpu-prof': { type: 'string' },
  },
})
const RUNS = Math.max(3, Math.min(500, Number(args.runs)))
const TRAINEES = Math.max(1, Math.min(200, Number(args.trainees)))
const ROUNDS = Math.max(1, Math.min(10, Number(args.rounds)))
const log = (line: string): void => void process.stderr.write(`[bench:live] ${line}\n`)
const labDir = join(packageRoot(), 'labs', 'istio-ingress')
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`

/** (a) in-process: the CLI's grading path on instrumented services; per run the total and the tally. */
async function oneCheckInProcess(
  sim: DataplaneSim,
  shop: string,
): Promise<{ totals: number[]; tallies: Tally[]; passed: number }> {
  const lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'istio-ingress')!
  const step = lab.steps[3]!
  const vars = resolveVariables(lab.variables, { LEARNER_NAMESPACE: shop })
  const live = liveTargetServices(
    { kube: { kubeconfigPath: sim.kubeconfig }, gateway: sim.gateway, envoyAdmin: parseEnvoyAdmin(sim.admin) },
    await loadBlueprint(),
    false,
  )
  let tally = emptyTally()
  const services = timedServices(live, () => tally)
  const totals: number[] = []
  const tallies: Tally[] = []
  let passed = 0
  for (let i = 0; i < RUNS + 3; i += 1) {
    // Apart by more than the config_dump share window (250 ms), so each run reads its own dump.
    await delay(300)
    tally = emptyTally()
    const started = performance.now()
    const report = await gradeWithServices(lab, step, vars, services)
    if (i >= 3) {
      totals.push(performance.now() - started)
      tallies.push(tally)
      passed += report.passed ? 1 : 0
    }
  }
  return { totals, tallies, passed }
}

/** (a) through the server: one learner presses Check RUNS times, one after another. */
async function oneCheckOverHttp(serve: ServeProcess): Promise<{ latencies: number[]; passed: number; cpuMs: number }> {
  const session = await api<{ token: string }>(serve.url, 'POST', '/api/sessions', { body: {} })
  const latencies: number[] = []
  let passed = 0
  const cpu0 = processCpuMs(serve.pid)
  for (let i = 0; i < RUNS; i += 1) {
    await delay(300)
    // A fresh client address each time: solo Checks are limited per address (10, then one a second).
    const answer = await api<CheckRunDto>(serve.url, 'POST', '/api/labs/istio-ingress/steps/3/check', {
      body: {},
      token: session.body.token,
      localAddress: `127.0.2.${(i % 250) + 1}`,
    })
    if (answer.status === 200) {
      latencies.push(answer.ms)
      passed += answer.body.passed ? 1 : 0
    }
  }
  return { latencies, passed, cpuMs: processCpuMs(serve.pid) - cpu0 }
}

function printOne(
  inProcess: Awaited<ReturnType<typeof oneCheckInProcess>>,
  http: Awaited<ReturnType<typeof oneCheckOverHttp>>,
) {
  const keys = Object.keys(emptyTally()) as Array<keyof Tally>
  const io = inProcess.tallies.map((t) => keys.reduce((a, k) => a + t[k], 0))
  const lines = [
    `(a) one live Check of istio-ingress step 4 (3 checks: config, envoy and traffic layers), ${RUNS} runs after 3 warm-up runs`,
    `  in-process (the CLI's grading path): p50 ${fmt(median(inProcess.totals))}, p95 ${fmt(percentile(inProcess.totals, 95))}, passed ${inProcess.passed}/${RUNS}`,
    `  where the time goes (median per run): ${keys.map((k) => `${k} ${fmt(median(inProcess.tallies.map((t) => t[k])))}`).join(', ')}; grading itself (total minus adapter calls) ${fmt(median(inProcess.totals.map((t, i) => t - (io[i] ?? 0))))}`,
    `  through the server's HTTP API: p50 ${fmt(median(http.latencies))}, p95 ${fmt(percentile(http.latencies, 95))}, passed ${http.passed}/${RUNS}, server CPU ${fmt(http.cpuMs / Math.max(1, http.latencies.length))} per Check`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

function printClass(c: ClassResult): void {
  const all = c.rounds.flatMap((r) => r.latencies)
  const checks = Math.max(1, all.length)
  const cpu = c.rounds.reduce((a, r) => a + r.serverCpuMs, 0)
  const machine = c.rounds.reduce((a, r) => a + r.machineCpuMs, 0)
  const byProgram: Record<string, number> = {}
  for (const r of c.rounds) {
    for (const [p, ms] of Object.entries(r.programCpuMs)) {
      byProgram[p] = (byProgram[p] ?? 0) + ms
    }
  }
  const lines = [
    `(b) a class on one shared gateway: ${c.trainees} trainees (namespace-mode cohort, own namespace and host each), all press Check at once, ${c.rounds.length} rounds`,
    ...c.rounds.map(
      (r, i) =>
        `  round ${i + 1}: p50 ${fmt(percentile(r.latencies, 50))}, p95 ${fmt(percentile(r.latencies, 95))}, max ${fmt(Math.max(...r.latencies))}; passed ${r.passed}/${c.trainees}, refused ${r.refused}; server CPU ${fmt(r.serverCpuMs)} (${fmt(r.serverCpuMs / Math.max(1, r.latencies.length))} per Check)` +
        Object.entries(r.failures)
          .map(([why, n]) => `\n    not passed ${n}x: ${why}`)
          .join(''),
    ),
    `  all rounds: verdict latency p50 ${fmt(percentile(all, 50))}, p95 ${fmt(percentile(all, 95))}; server CPU per Check ${fmt(cpu / checks)}; whole machine busy ${fmt(machine / checks)} per Check (everything running here, other work included)`,
    `  CPU per Check by process: kindlab server ${fmt(cpu / checks)}, ${Object.entries(byProgram)
      .sort((a, b) => b[1] - a[1])
      .map(([p, ms]) => `${p} ${fmt(ms / checks)}`)
      .join(', ')}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

async function main(): Promise<void> {
  log('starting cluster:sim --dataplane --lab istio-ingress…')
  const tail: string[] = []
  const sim = await startDataplaneSim(['--lab', 'istio-ingress'], (line) => {
    tail.push(line)
    tail.splice(0, tail.length - 8)
    if (args.verbose) {
      log(line)
    }
  })
  const data = mkdtempSync(join(tmpdir(), 'kindlab-bench-live-'))
  let serve: ServeProcess | undefined
  const stop = async (): Promise<void> => {
    await serve?.stop()
    await sim.stop()
    rmSync(data, { recursive: true, force: true })
  }
  process.once('SIGINT', () => void stop().then(() => process.exit(130)))
  try {
    const kc = new KubeConfig()
    kc.loadFromFile(sim.kubeconfig)
    const shop = await shopNamespace(kc)
    const vars = { TRAINEE_DOMAIN: 'localhost', LEARNER_NAMESPACE: shop }
    for (const slug of ['03-remove-the-load-balancer', '04-expose-the-shop']) {
      await applyObjects(kc, await folderObjects(join(labDir, 'solution', slug), vars, shop), 'kindlab-bench-live')
    }
    serve = await startServe(
      [
        '--data',
        data,
        '--var',
        `LEARNER_NAMESPACE=${shop}`,
        '--kubeconfig',
        sim.kubeconfig,
        '--gateway',
        sim.gateway,
        '--envoy-admin',
        sim.admin,
      ],
      {},
      args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [],
    )
    log(`kindlab serve at ${serve.url} (pid ${serve.pid}); (a) one live Check, ${RUNS} runs…`)
    const inProcess = await oneCheckInProcess(sim, shop)
    const http = await oneCheckOverHttp(serve)
    printOne(inProcess, http)
    log(`(b) a class of ${TRAINEES}…`)
    printClass(await runClass({ serve, kc, admin: sim.admin, labDir, trainees: TRAINEES, rounds: ROUNDS, log }))
  } catch (err) {
    log(`failed; the sim's last lines:\n${tail.map((l) => l.slice(0, 300)).join('\n')}`)
    throw err
  } finally {
    await stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
