// Kubernetes Gateways on the shared real data plane: istiod (PILOT_ENABLE_GATEWAY_API) deploys
// `<gateway>-istio` for each Gateway of the gateway-api-ingress lab, and the harness runs a real
// pilot-agent + Envoy as its pod (gateway-proxies.ts). For the lab's environment (the shared
// Gateway infra/public) and the solutions of steps 1 and 4, that Envoy's /config_dump equals the
// grader's prediction for that proxy (analyzeGatewayApi), real HTTP with the right Host and a real
// Redis PING through its pod IP get the predicted answers from the stand-ins, and the access log
// shows that proxy served them and which upstream it chose. Deleting a Gateway stops its proxy and
// removes its network namespace.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { poll } from '../poll.ts'
import {
  apply,
  environmentAdded,
  folderObjects,
  learnerAt,
  leaveLab,
  liveLab,
  parseObjects,
  resetLab,
  solutionDir,
  type LiveLab,
} from './live-lab.ts'
import { settledDiff } from './live-grading.ts'
import { gatewayEnvoyDiff, gatewayProxy } from './live-gateways.ts'
import { accessLog, get, redisPing, type AccessLogEntry } from './probes.ts'

const execFileAsync = promisify(execFile)
let live: LiveLab
let ns = ''

beforeAll(async () => {
  live = await liveLab('gateway-api-ingress')
  ns = live.vars['LEARNER_NAMESPACE'] ?? 'default'
  await resetLab()
})

afterAll(async () => {
  await leaveLab()
})

/**
 * The access log lines a proxy (its pod IP) wrote after line `since` (`accessLog().length` before the
 * request) that `match` takes. Every Envoy of the sim writes one log, and a pod IP freed by an earlier
 * file's proxy is handed out again, so older lines may name the same address, host and path.
 */
function servedBy(address: string, since: number, match: (e: AccessLogEntry) => boolean): Promise<AccessLogEntry[]> {
  return poll(
    () => {
      const lines = accessLog()
        .slice(since)
        .filter((e) => e.downstream_local_address?.startsWith(`${address}:`) && match(e))
      return Promise.resolve(lines.length > 0 ? lines : undefined)
    },
    { what: `access log lines of the proxy at ${address}`, timeoutMs: 10_000 },
  )
}

/** Our proxy namespaces (`kl-<sim pid>-xx-k<n>`) that exist now. */
async function proxyNamespaces(): Promise<string[]> {
  const own = new RegExp(`^(kl-${inject('dataplane').pid.toString(36)}-[0-9a-f]{2}-k\\d+)\\b`, 'gm')
  return [...(await execFileAsync('ip', ['netns', 'list'])).stdout.matchAll(own)].map((m) => m[1] ?? '')
}

describe('a real proxy per Kubernetes Gateway (gateway-api-ingress)', () => {
  it("the environment's shared Gateway infra/public: its own proxy, equal to the prediction; 404 for an unrouted host", async () => {
    // The sim runs the shop; of the lab's environment only the shared Gateway was missing.
    expect(environmentAdded().map((o) => o.replace(/ .*\//, ' '))).toEqual(['Namespace infra', 'Gateway public'])
    const proxy = await gatewayProxy('infra/public')
    expect(proxy.address).not.toBe(inject('dataplane').gateway)
    expect(await settledDiff(20_000, () => gatewayEnvoyDiff('infra/public', proxy.admin))).toEqual([])
    const host = `nobody.${live.domain}`
    const mark = accessLog().length
    const answer = await get(host, { address: proxy.address, port: 80 })
    expect(answer.status).toBe(404)
    const [entry] = await servedBy(proxy.address, mark, (e) => e.authority === host)
    expect(entry).toMatchObject({ response_code: 404, response_flags: 'NR' })
  })

  it('step 1: shop-gateway gets a proxy; hipster.<domain> reaches the frontend through it, other hosts get 404', async () => {
    await learnerAt(1, await folderObjects(solutionDir('01-gateway-and-route')))
    const proxy = await gatewayProxy(`${ns}/shop-gateway`)
    expect(await settledDiff(20_000, () => gatewayEnvoyDiff(`${ns}/shop-gateway`, proxy.admin))).toEqual([])
    // The comparison can fail: a prediction without the HTTPRoute differs from the real Envoy.
    const stale = await gatewayEnvoyDiff(`${ns}/shop-gateway`, proxy.admin, (o) => o.kind !== 'HTTPRoute')
    const host = `hipster.${live.domain}`
    expect(stale.map((d) => d.message).join('\n')).toContain(`virtual host "${host}:80"`)
    const mark = accessLog().length
    const shop = await get(host, { address: proxy.address, port: 80, path: '/product/OLJCESPC7Z' })
    expect(shop.status).toBe(200)
    expect(shop.body).toContain('Online Boutique')
    const [entry] = await servedBy(proxy.address, mark, (e) => e.authority === host && e.path === '/product/OLJCESPC7Z')
    expect(entry).toMatchObject({
      response_code: 200,
      upstream_cluster: `outbound|80||frontend.${ns}.svc.cluster.local`,
    })
    // The upstream is the frontend pod's own IP (EDS from the EndpointSlice), on its container port.
    expect(entry?.upstream_host).toMatch(/^10\.\d+\.\d+\.\d+:8080$/)
    const other = await get(`not-the-shop.${live.domain}`, { address: proxy.address, port: 80 })
    expect(other.status).toBe(404)
    // The ingress gateway is not this proxy: it has no listener on 80 for the Kubernetes Gateway.
    await expect(get(host, { port: 80 })).rejects.toThrow(/ECONNREFUSED/)
  })

  it('step 4: the TCP listener sends a Redis PING to redis-cart through the proxy', async () => {
    await learnerAt(4, await folderObjects(solutionDir('04-tcp')))
    const proxy = await gatewayProxy(`${ns}/shop-gateway`)
    expect(await settledDiff(20_000, () => gatewayEnvoyDiff(`${ns}/shop-gateway`, proxy.admin))).toEqual([])
    const port = Number(live.vars['TRAINEE_TCP_PORT'] ?? '6379')
    const mark = accessLog().length
    const pong = await poll(
      async () => ((await redisPing(port, proxy.address))?.startsWith('+PONG') ? true : undefined),
      {
        what: `+PONG on ${proxy.address}:${port}`,
        timeoutMs: 20_000,
        intervalMs: 300,
      },
    )
    expect(pong).toBe(true)
    // The last connection is the one that answered +PONG (earlier tries may predate the route).
    const entry = (
      await servedBy(proxy.address, mark, (e) => e.downstream_local_address === `${proxy.address}:${port}`)
    ).at(-1)
    expect(entry?.upstream_cluster).toBe(`outbound|6379||redis-cart.${ns}.svc.cluster.local`)
  })

  it('deleting the Gateway stops its proxy and removes its network namespace; the shared one keeps running', async () => {
    await learnerAt(1, await folderObjects(solutionDir('01-gateway-and-route')))
    const proxy = await gatewayProxy(`${ns}/shop-gateway`)
    expect(await proxyNamespaces()).toHaveLength(2)
    await apply(
      parseObjects(`
apiVersion: kindlab.dev/v1
kind: Deleted
metadata: { name: shop-gateway }
spec: { apiVersion: gateway.networking.k8s.io/v1, kind: Gateway }
`),
    )
    await poll(
      async () =>
        (await fetch(`${proxy.admin}/ready`, { signal: AbortSignal.timeout(1_000) }).then(
          () => false,
          () => true,
        ))
          ? true
          : undefined,
      { what: `the proxy at ${proxy.address} to stop`, timeoutMs: 60_000, intervalMs: 500 },
    )
    await poll(async () => ((await proxyNamespaces()).length === 1 ? true : undefined), {
      what: 'one proxy namespace left (infra/public)',
      timeoutMs: 20_000,
    })
    const shared = await gatewayProxy('infra/public')
    expect((await get(`nobody.${live.domain}`, { address: shared.address, port: 80 })).status).toBe(404)
  })
})
