// The flagship lab's solutions, step by step, on the shared real data plane: each step's solution
// is applied with the real API server, then `kindlab check --kubeconfig --gateway --envoy-admin`
// passes every check on every layer it declares, the real Envoy's /config_dump equals the grader's
// prediction, and real requests get the predicted answers (404, 200, HTTPS with SNI, Redis PING,
// the canary's 90/10 measured with real requests). Before a step's solution its checks fail live:
// a deletion is seen as missing from the cluster (passed), never left unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { poll } from '../poll.ts'
import { apply, folderObjects, liveLab, resetLab, solutionDir, type LiveLab } from './live-lab.ts'
import { envoyDiff, liveCheck, notPassed, passedLayers, predicted, settledDiff } from './live-grading.ts'
import { withRealCertificates } from './lab-objects.ts'
import { accessLogFor, eventuallyGet, get, httpsGet, redisPing } from './probes.ts'
import { listenerSummaries } from '../../../server/grader/core/translate/translate.ts'

let live: LiveLab

/** Applies a step's solution; then Envoy equals the prediction and the live check passes on every layer. */
async function solveStep(slug: string, liveLayers: string[] = []): Promise<void> {
  const number = Number(slug.slice(0, 2))
  const objects = await withRealCertificates(await folderObjects(solutionDir(slug)), `hipster.${live.domain}`)
  await apply(objects)
  expect(await settledDiff(), `${slug}: prediction vs Envoy`).toEqual([])
  const report = await liveCheck(number)
  expect(notPassed(report), `live check of step ${number}`).toEqual([])
  expect(report.passed).toBe(true)
  // The live layers really ran (a check graded on the prediction alone would list only `config`).
  expect(passedLayers(report)).toEqual(expect.arrayContaining(liveLayers))
}

/** The statuses of a step's checks graded live now. */
async function liveStatuses(number: number): Promise<Record<string, string>> {
  return Object.fromEntries((await liveCheck(number)).checks.map((c) => [c.id, c.status]))
}

beforeAll(async () => {
  live = await liveLab()
  await resetLab()
})

afterAll(async () => {
  await resetLab()
})

describe('the istio-ingress solutions graded live, step by step', () => {
  it('steps 1 and 2: the answers ConfigMaps fail live before they exist and pass once applied', async () => {
    expect(await liveStatuses(1)).toEqual({ 'request-path-answers': 'failed' })
    expect(await liveStatuses(2)).toEqual({ 'explain-the-refusal': 'failed' })
    await solveStep('01-request-path', ['request-path-answers:config'])
    await solveStep('02-explore', ['explain-the-refusal:config'])
  })

  it('step 3: frontend-external is seen present (failed), then deleted live (passed, not unverified)', async () => {
    expect(await liveStatuses(3)).toEqual({ 'frontend-external-deleted': 'failed', 'frontend-service-kept': 'passed' })
    await solveStep('03-remove-the-load-balancer', ['frontend-external-deleted:config', 'frontend-service-kept:config'])
  })

  it('step 4: 404 for an unclaimed host, 200 from the frontend stand-in, config equal to the prediction', async () => {
    await solveStep('04-expose-the-shop', ['shop-route:envoy', 'shop-home-page:traffic', 'other-host-not-found:envoy'])
    const home = await eventuallyGet(`hipster.${live.domain}`, 200)
    expect(home.body).toContain('Online Boutique')
    expect(home.body).toContain('service frontend version v1')
    expect((await get(`not-the-shop.${live.domain}`)).status).toBe(404)
    // The comparison can fail: the prediction without the step's Gateway differs from the real Envoy.
    const withoutGateway = await envoyDiff((o) => !(o.kind === 'Gateway' && o.metadata?.name === 'shop-gateway'))
    expect(withoutGateway.map((d) => `${d.kind} ${d.scope} ${d.location}`)).toContain('extra listener 0.0.0.0_8080')
    const [hit] = await accessLogFor(`hipster.${live.domain}`, 200)
    expect(hit).toMatchObject({
      response_code: 200,
      upstream_cluster: `outbound|80||frontend.${live.vars['LEARNER_NAMESPACE']}.svc.cluster.local`,
    })
    const [miss] = await accessLogFor(`not-the-shop.${live.domain}`, 404)
    expect(miss).toMatchObject({ response_code: 404, response_flags: 'NR' })
  })

  it('steps 5 and 6: the same host in any case and with a port; Kiali and Jaeger stand-ins behind their prefixes', async () => {
    await solveStep('05-look-inside', ['host-header-with-port:envoy'])
    await solveStep('06-dashboards')
    expect((await get(`HIPSTER.${live.domain}:80`, '/_healthz')).status).toBe(200)
    expect((await eventuallyGet(`dashboard.${live.domain}`, 200, '/kiali/')).body).toContain('service kiali')
    expect((await eventuallyGet(`tracing.${live.domain}`, 200, '/jaeger/search')).body).toContain('service jaeger')
  })

  it('step 7: the credentialName Secret reaches Envoy over SDS; a real TLS handshake with SNI on 8443', async () => {
    await solveStep('07-https', ['https-route:envoy', 'https-home-page:traffic'])
    const host = `hipster.${live.domain}`
    expect(listenerSummaries(await predicted()).map((l) => l.name)).toContain('0.0.0.0_8443')
    expect(await (await fetch(`${live.sim.admin}/listeners`)).text()).toContain('0.0.0.0_8443')
    const answer = await poll(() => httpsGet(host), { what: `HTTPS ${host}`, timeoutMs: 30_000, intervalMs: 500 })
    expect(answer).toMatch(/^HTTP\/1\.1 200/)
    expect(answer).toContain('Online Boutique')
  })

  it('step 8: PING through the gateway port 6379 gets +PONG from the redis-cart stand-in', async () => {
    await solveStep('08-tcp', ['redis-through-gateway:traffic'])
    const reply = await poll(() => redisPing(6379), { what: 'PING on 6379', timeoutMs: 30_000, intervalMs: 500 })
    expect(reply).toMatch(/^\+PONG/)
  })

  it('step 9: the shared Gateway in istio-system routes shop.<domain>', async () => {
    await solveStep('09-shared-gateway')
    expect((await eventuallyGet(`shop.${live.domain}`, 200)).body).toContain('service frontend')
  })

  it('step 10: the canary split measured with 400 real requests is 90/10 within 5 points', async () => {
    await solveStep('10-canary', ['canary-split:traffic'])
    const host = `hipster.${live.domain}`
    // The v2 stand-in joins when kwok runs its pod; wait until a request reaches it.
    await poll(async () => ((await get(host)).body.includes('canary v2') ? true : undefined), {
      what: 'a first answer from frontend-v2',
      timeoutMs: 30_000,
      intervalMs: 50,
    })
    const samples = 400
    let v2 = 0
    for (let i = 0; i < samples; i += 1) {
      const a = await get(host)
      expect(a.status).toBe(200)
      v2 += a.body.includes('canary v2') ? 1 : 0
    }
    expect(Math.abs((100 * v2) / samples - 10)).toBeLessThanOrEqual(5)
  })

  it('at the end of the lab, every step still passes live on every layer', async () => {
    for (let n = 1; n <= live.lab.steps.length; n += 1) {
      expect(notPassed(await liveCheck(n)), `step ${n}`).toEqual([])
    }
  })
})
