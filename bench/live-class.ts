// bench:live, part (b): a class on one shared gateway. The real `kindlab serve --kubeconfig
// --gateway --envoy-admin` (its own process), a namespace-mode cohort of N trainees made through
// its API (each trainee's namespace, frontend and fences, as cohorts do), every trainee's step-4
// solution applied in their namespace for their own host, then all N press Check at the same
// moment, for a few rounds. Bench code only; loopback and the sim's own namespaces only.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { CheckRunDto } from '../server/protocol/api-dto.ts'
import { applyObjects, folderObjects } from '../test/cluster/dataplane/lab-objects.ts'
import { api, type ApiAnswer, type ServeProcess } from '../test/cluster/dataplane/serve-process.ts'
import { poll } from '../test/cluster/poll.ts'
import { machineBusyMs, percentile, processCpuMs, programCpu, programCpuDelta } from './live-timing.ts'

interface Trainee {
  token: string
  domain: string
  namespace: string
  address: string
}

export interface ClassResult {
  trainees: number
  provisionMs: number
  rounds: Array<{
    latencies: number[]
    passed: number
    refused: number
    serverCpuMs: number
    machineCpuMs: number
    /** CPU of the cluster's own processes during the round (kube-apiserver, etcd, Envoy, istiod, ...). */
    programCpuMs: Record<string, number>
    /** Why checks did not pass: `check layer: message` and how often. */
    failures: Record<string, number>
  }>
}

interface CohortDto {
  id: string
  classCode: string
  trainees: Array<{ traineeId: string; namespace: string }>
}

async function createCohort(serve: ServeProcess, trainees: number): Promise<CohortDto> {
  if (!serve.adminToken) {
    throw new Error('the server printed no admin token')
  }
  const login = await api<{ token: string }>(serve.url, 'POST', '/api/instructor/session', {
    body: { adminToken: serve.adminToken },
  })
  const created = await api<CohortDto>(serve.url, 'POST', '/api/cohorts', {
    body: { name: 'bench', labId: 'istio-ingress', trainees, reserve: 0 },
    token: login.body.token,
  })
  if (created.status !== 201) {
    throw new Error(`creating the cohort: ${created.status} ${JSON.stringify(created.body)}`)
  }
  return created.body
}

/**
 * The trainees join ten at a time (a class arriving), each from their own loopback address; each
 * join builds their namespace. (Fifty joins at the same instant make the sim's API server time out
 * on the shared gateway Service every join patches.)
 */
async function joinAll(serve: ServeProcess, cohort: CohortDto, n: number): Promise<Trainee[]> {
  const namespaces = new Map(cohort.trainees.map((t) => [t.traineeId, t.namespace]))
  const joins: Array<ApiAnswer<{ token: string; domain: string; traineeId: string }> & { address: string }> = []
  for (let first = 0; first < n; first += 10) {
    const batch = Array.from({ length: Math.min(10, n - first) }, (_, k) => first + k)
    joins.push(
      ...(await Promise.all(
        batch.map((i) => {
          const address = `127.0.1.${i + 1}`
          return api<{ token: string; domain: string; traineeId: string }>(serve.url, 'POST', '/api/join', {
            body: { classCode: cohort.classCode, displayName: `Trainee ${i + 1}` },
            localAddress: address,
            timeoutMs: 300_000,
          }).then((r) => ({ ...r, address }))
        }),
      )),
    )
  }
  const refused = joins.filter((j) => j.status !== 201)
  if (refused.length > 0) {
    throw new Error(`${refused.length} joins refused: ${JSON.stringify(refused[0]?.body)}`)
  }
  return joins.map((j) => ({
    token: j.body.token,
    domain: j.body.domain,
    namespace: namespaces.get(j.body.traineeId) ?? '',
    address: j.address,
  }))
}

/** Each trainee's step-4 solution (a Gateway and a VirtualService for hipster.<their domain>) in their namespace. */
async function applySolutions(kc: KubeConfig, labDir: string, trainees: readonly Trainee[]): Promise<void> {
  const dir = join(labDir, 'solution', '04-expose-the-shop')
  for (const t of trainees) {
    const vars = { TRAINEE_DOMAIN: t.domain, LEARNER_NAMESPACE: t.namespace }
    await applyObjects(kc, await folderObjects(dir, vars, t.namespace), 'kindlab-bench-live')
  }
}

/** Waits until Envoy routes every trainee's host. */
async function untilEnvoyRoutesAll(admin: string, trainees: readonly Trainee[]): Promise<void> {
  await poll(
    async () => {
      const text = await (await fetch(`${admin}/config_dump`)).text()
      return trainees.every((t) => text.includes(`"hipster.${t.domain}"`)) ? true : undefined
    },
    { what: `Envoy to route all ${trainees.length} trainees' hosts`, timeoutMs: 120_000, intervalMs: 1_000 },
  )
}

/** `check layer: message` (numbers masked) of every layer that did not pass, or of the check when no layer says, counted. */
function failureCounts(runs: readonly CheckRunDto[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const run of runs) {
    for (const c of run.checks) {
      if (c.status !== 'passed' && c.layers.every((x) => x.passed === true)) {
        const key = `${c.id} ${c.status}: ${c.message.replace(/\d+/g, 'N').slice(0, 160)}`
        out[key] = (out[key] ?? 0) + 1
      }
      for (const l of c.layers.filter((x) => x.passed !== true)) {
        const key = `${c.id} ${l.layer} ${l.passed === undefined ? 'did not run' : 'failed'}: ${l.message.replace(/\d+/g, 'N').slice(0, 160)}`
        out[key] = (out[key] ?? 0) + 1
      }
    }
  }
  return out
}

export async function runClass(options: {
  serve: ServeProcess
  kc: KubeConfig
  admin: string
  labDir: string
  trainees: number
  rounds: number
  log: (line: string) => void
}): Promise<ClassResult> {
  const { serve, kc, log } = options
  // The class cluster's shop namespace (cohorts give trainees read access to it); the sim has none.
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: 'hipster' } } })
    .catch(() => undefined)
  const cohort = await createCohort(serve, options.trainees)
  const started = performance.now()
  const trainees = await joinAll(serve, cohort, options.trainees)
  const provisionMs = performance.now() - started
  log(`${trainees.length} trainees joined (their namespaces built in ${(provisionMs / 1000).toFixed(1)} s)`)
  await applySolutions(kc, options.labDir, trainees)
  await untilEnvoyRoutesAll(options.admin, trainees)
  log(`Envoy routes all ${trainees.length} hosts; ${options.rounds} rounds of ${trainees.length} Checks at once`)
  const rounds: ClassResult['rounds'] = []
  for (let round = 0; round < options.rounds; round += 1) {
    const cpu0 = processCpuMs(serve.pid)
    const busy0 = machineBusyMs()
    const programs0 = programCpu()
    const answers = await Promise.all(
      trainees.map((t) =>
        api<CheckRunDto>(serve.url, 'POST', '/api/labs/istio-ingress/steps/3/check', {
          body: {},
          token: t.token,
          localAddress: t.address,
          timeoutMs: 120_000,
        }),
      ),
    )
    const ok = answers.filter((a) => a.status === 200)
    rounds.push({
      latencies: ok.map((a) => a.ms),
      passed: ok.filter((a) => a.body.passed).length,
      refused: answers.length - ok.length,
      serverCpuMs: processCpuMs(serve.pid) - cpu0,
      machineCpuMs: machineBusyMs() - busy0,
      programCpuMs: programCpuDelta(programs0, programCpu()),
      failures: failureCounts(ok.map((a) => a.body)),
    })
    const r = rounds[rounds.length - 1]!
    log(
      `round ${round + 1}: p50 ${percentile(r.latencies, 50).toFixed(0)} ms, p95 ${percentile(r.latencies, 95).toFixed(0)} ms, ${r.passed}/${trainees.length} passed`,
    )
    await delay(1_500) // well inside the per-seat Check limit (10 in any 10 s)
  }
  return { trainees: trainees.length, provisionMs, rounds }
}
