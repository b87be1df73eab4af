// `kindlab serve --kubeconfig K --gateway G --envoy-admin A` grading the flagship lab live through
// its HTTP API, as the page does: the `dataplane` project's shared `cluster:sim --dataplane --lab
// istio-ingress` (real API server, istiod, pilot-agent + upstream Envoy), the real CLI server as a child process on a
// loopback socket. Each step's solution is applied with the real API server, then a Check is
// POSTed: every check passes, and every layer it reports ran and passed (the live ones included).
// Mistakes fail with the hint they get offline.
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { gradeFiles } from '../../../server/checks/grade-files.ts'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import type { Lab } from '../../../server/labs/lab-model.ts'
import { resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import type { CheckRunDto } from '../../../server/protocol/api-dto.ts'
import { folderObjects, parseObjects, withRealCertificate, removeObjects, shopNamespace } from './lab-objects.ts'
import { apply, liveLab, resetLab } from './live-lab.ts'
import { api, startServe, type ServeProcess } from './serve-process.ts'

const labId = 'istio-ingress'
const labDir = join(packageRoot(), 'labs', labId)
const data = mkdtempSync(join(tmpdir(), 'kindlab-serve-live-'))

const sim = inject('dataplane')
let serve: ServeProcess
let kc: KubeConfig
let lab: Lab
let vars: Record<string, string>
let token: string

const namespace = (): string => vars['LEARNER_NAMESPACE'] ?? 'default'
const solution = (slug: string): Promise<KubernetesObject[]> =>
  folderObjects(join(labDir, 'solution', slug), vars, namespace())

/** POST a Check for step `index` (0-based, as the page does); a 429 waits as long as the server says. */
async function check(index: number): Promise<CheckRunDto> {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await api<CheckRunDto>(serve.url, 'POST', `/api/labs/${labId}/steps/${index}/check`, {
      body: {},
      token,
    })
    if (answer.status === 429 && attempt < 5) {
      await delay((answer.retryAfter ?? 1) * 1_000 + 100)
      continue
    }
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    return answer.body
  }
}

/** Each check's layers that did not run or did not pass, as `id layer: message`. */
const notPassed = (run: CheckRunDto): string[] =>
  run.checks.flatMap((c) =>
    c.layers
      .filter((l) => l.passed !== true)
      .map((l) => `${c.id} ${l.layer} ${l.passed === undefined ? 'did not run' : 'failed'}: ${l.message}`),
  )

/**
 * Presses Check until every check passes on every layer (Envoy applies a change a moment after
 * the API write, as a learner who presses again would see), at most 30 s; then the layers that
 * still fail are the failure. Returns the passing run.
 */
async function expectStepPasses(index: number, liveLayers: string[] = []): Promise<CheckRunDto> {
  const deadline = Date.now() + 30_000
  let run = await check(index)
  while ((!run.passed || notPassed(run).length > 0) && Date.now() < deadline) {
    await delay(1_500)
    run = await check(index)
  }
  expect(notPassed(run), `step ${index + 1}`).toEqual([])
  expect(run.passed).toBe(true)
  expect(run.stepPassed).toBe(true)
  expect(run.checks.map((c) => c.status)).toEqual(run.checks.map(() => 'passed'))
  // The live layers really ran: graded on the prediction alone, a check lists only `config`.
  expect(run.checks.flatMap((c) => c.layers.map((l) => `${c.id}:${l.layer}`))).toEqual(
    expect.arrayContaining(liveLayers),
  )
  return run
}

beforeAll(async () => {
  // Learner changes go through live-lab's apply, so resetLab leaves the shared sim as it found it.
  await liveLab()
  await resetLab()
  kc = new KubeConfig()
  kc.loadFromFile(sim.kubeconfig)
  lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === labId)!
  // The learner works where the sim put the shop; the server is told so, as an instructor would.
  vars = resolveVariables(lab.variables, { LEARNER_NAMESPACE: await shopNamespace(kc) })
  serve = await startServe([
    '--data',
    data,
    '--var',
    `LEARNER_NAMESPACE=${namespace()}`,
    '--kubeconfig',
    sim.kubeconfig,
    '--gateway',
    sim.gateway,
    '--envoy-admin',
    sim.admin,
  ])
  const session = await api<{ token: string }>(serve.url, 'POST', '/api/sessions', { body: {} })
  expect(session.status).toBe(201)
  token = session.body.token
}, 900_000)

afterAll(async () => {
  await serve?.stop()
  await resetLab()
  rmSync(data, { recursive: true, force: true })
}, 60_000)

describe('kindlab serve --kubeconfig --gateway --envoy-admin grades istio-ingress live over HTTP', () => {
  it('serves live: the status says so and a step-4 Check before any Gateway fails on the real gateway', async () => {
    const status = await api<{ mode: string; cluster?: { context: string } }>(serve.url, 'GET', '/api/status')
    expect(status.body.mode).toBe('live')
    expect(status.body.cluster?.context).toBeTruthy()
    const run = await check(3)
    expect(run.passed).toBe(false)
    const home = run.checks.find((c) => c.id === 'shop-home-page')
    expect(home?.layers.find((l) => l.layer === 'traffic')?.passed).toBe(false)
  })

  it('steps 1-3: the answers and the deleted LoadBalancer, read from the API server', async () => {
    for (const [index, slug] of ['01-request-path', '02-explore', '03-remove-the-load-balancer'].entries()) {
      await apply(await solution(slug))
      await expectStepPasses(index)
    }
  })

  it('step 4: every mistake tried here fails live with the hint it gets offline; the solution passes on every layer', async () => {
    const step = lab.steps[3]!
    const dir = join(labDir, 'mistakes', '04-expose-the-shop')
    // Offline hints also cite the learner's file and line; objects read from the API have none.
    const stripRefs = (h?: string): string | undefined =>
      h?.replace(/ \([\w.-]+\.ya?ml:\d+\)/g, '').replace(/, [\w.-]+\.ya?ml:\d+(?=\])/g, '')
    for (const name of ['gateway-selector-typo.yaml', 'vs-wrong-host.yaml']) {
      const text = substituteVariables(await readFile(join(dir, name), 'utf8'), vars)
      const offline = await gradeFiles(lab, step, [{ file: name, text }], vars)
      const failing = offline.checks.filter((c) => !c.passed)
      expect(failing.length, name).toBeGreaterThan(0)
      const mistake = parseObjects(text, vars, namespace())
      await apply(mistake)
      const deadline = Date.now() + 30_000
      let problems: string[] = []
      do {
        const live = await check(3)
        problems = failing.flatMap((c) => {
          const l = live.checks.find((x) => x.id === c.id)
          return l?.status === 'failed' && stripRefs(l.hint) === stripRefs(c.hint)
            ? []
            : [`${name}: ${c.id} live ${l?.status ?? 'missing'} "${l?.hint ?? ''}", offline "${c.hint ?? ''}"`]
        })
        if (problems.length > 0) {
          await delay(1_500)
        }
      } while (problems.length > 0 && Date.now() < deadline)
      expect(problems).toEqual([])
      await removeObjects(kc, mistake)
    }
    await apply(await solution('04-expose-the-shop'))
    const run = await expectStepPasses(3, [
      'shop-route:config',
      'shop-route:envoy',
      'shop-home-page:traffic',
      'other-host-not-found:envoy',
      'other-host-not-found:traffic',
    ])
    expect(run.checks.find((c) => c.id === 'shop-home-page')?.layers.map((l) => l.layer)).toEqual([
      'config',
      'envoy',
      'traffic',
    ])
  })

  it('steps 5-10: HTTPS through credentialName, TCP, the shared Gateway and the canary, on every layer', async () => {
    const live: Record<number, string[]> = {
      6: ['https-route:envoy', 'https-home-page:traffic'],
      7: ['redis-through-gateway:traffic'],
      9: ['canary-split:traffic'],
    }
    const slugs = ['05-look-inside', '06-dashboards', '07-https', '08-tcp', '09-shared-gateway', '10-canary']
    for (const [i, slug] of slugs.entries()) {
      const index = i + 4
      let objects = await solution(slug)
      const secret = objects.find((o) => o.kind === 'Secret')
      if (secret) {
        const tls = await withRealCertificate(secret, `hipster.${vars['TRAINEE_DOMAIN'] ?? 'localhost'}`)
        objects = [tls, ...objects.filter((o) => o !== secret)]
      }
      await apply(objects)
      await expectStepPasses(index, live[index] ?? [])
    }
  })
})
