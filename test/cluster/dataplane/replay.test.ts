// The grader's own conformance tables replayed request by request through the real gateway: the
// gateway simulation tables (server/grader/core/simulate/istio-gateway.cases.ts) and the istiod
// scenarios (test/cluster/istiod-scenarios.ts, requests derived from their VirtualServices). Each
// config is applied with the real API server; once Envoy equals the prediction, every request is sent
// to GATEWAY_ADDRESS and its real outcome (status, upstream cluster from the access log, redirect
// location) is compared with the grader's prediction from the cluster's own objects. Requests use
// Envoy's own ports: a gateway Service port (80, 443) becomes its targetPort (8080, 8443), as kube-proxy
// would do. The tables' `1.1.1.1` (the proxy's address in Istio's tests) is the gateway pod's IP here.
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewaySimulationTables } from '../../../server/grader/core/simulate/istio-gateway.cases.ts'
import type { SimRequest, SimResult } from '../../../server/grader/core/simulate/request.ts'
import { simulateRequest } from '../../../server/grader/core/simulate/simulate.ts'
import { scenarios } from '../istiod-scenarios.ts'
import { apply, liveLab, parseObjects, resetLab, type LiveLab } from './live-lab.ts'
import { clusterObjects, predicted, settledDiff } from './live-grading.ts'
import { withRealCertificate } from './lab-objects.ts'
import { disagreement, logEntryFor, send, withLogEntries, type RealOutcome, type ReplayLogEntry } from './replay.ts'
import { requestsFor } from './replay-requests.ts'

let live: LiveLab
const tally = {
  requests: 0,
  agreed: 0,
  disagreements: [] as string[],
  /** Agreed requests by predicted outcome (routed to a cluster, or the status / reason). */
  byOutcome: new Map<string, number>(),
  /** One routed request as sent and seen, to prove that a wrong prediction is caught. */
  routed: undefined as { prediction: SimResult; real: RealOutcome } | undefined,
}

type Json = Record<string, unknown>
const asJson = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {})

/** Envoy's port for a request port: a gateway Service port is forwarded to its targetPort. */
async function envoyPorts(): Promise<Map<number, number>> {
  const service = (await clusterObjects()).map(asJson).find((o) => {
    const m = asJson(o['metadata'])
    return o['kind'] === 'Service' && m['namespace'] === 'istio-system' && m['name'] === 'istio-ingressgateway'
  })
  const ports = (asJson(service?.['spec'])['ports'] ?? []) as Array<{ port: number; targetPort?: number | string }>
  return new Map(ports.filter((p) => typeof p.targetPort === 'number').map((p) => [p.port, p.targetPort as number]))
}

/** Namespaces the objects name, created first; TLS Secrets for every credentialName, in istio-system. */
async function prerequisites(objects: readonly KubernetesObject[]): Promise<KubernetesObject[]> {
  const core = live.kc.makeApiClient(CoreV1Api)
  for (const ns of new Set(objects.map((o) => o.metadata?.namespace ?? 'default'))) {
    await core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined)
  }
  const secrets: KubernetesObject[] = []
  for (const gw of objects.filter((o) => o.kind === 'Gateway')) {
    for (const server of (asJson(asJson(gw)['spec'])['servers'] ?? []) as Json[]) {
      const name = asJson(server['tls'])['credentialName']
      const host = String(((server['hosts'] ?? []) as string[])[0] ?? 'example.com')
        .replace(/^.*\//, '')
        .replace(/^\*\.?/, 'any.')
      if (typeof name === 'string' && !secrets.some((s) => s.metadata?.name === name)) {
        const secret = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace: 'istio-system' },
          type: 'kubernetes.io/tls',
          data: { 'tls.crt': '', 'tls.key': '' },
        }
        secrets.push(await withRealCertificate(secret, host.replace(/^any\.$/, 'example.com')))
      }
    }
  }
  return secrets
}

/** Applies one config, waits for Envoy, replays the requests and records every disagreement. */
async function replay(name: string, objects: KubernetesObject[], requests: SimRequest[]): Promise<string[]> {
  await resetLab()
  await apply(await prerequisites(objects))
  await apply(objects)
  const problems = (await settledDiff()).map((d) => `${name}: prediction vs Envoy config: ${d}`)
  const t = await predicted()
  const ports = await envoyPorts()
  const sent = []
  for (const request of requests) {
    const port = ports.get(request.port) ?? request.port
    const prediction = simulateRequest(t, { ...request, port }).result
    sent.push({ request: { ...request, port }, prediction, real: await send(request, port) })
  }
  await withLogEntries(sent.map((s) => s.real))
  for (const s of sent) {
    tally.requests += 1
    const why = disagreement(s.prediction, s.real)
    if (why === undefined) {
      tally.agreed += 1
      const p = s.prediction
      const toCluster = p.cluster !== undefined || p.weightedClusters !== undefined
      const kind = toCluster && p.reason === undefined ? 'routed' : `${p.status} ${p.reason ?? ''}`.trim()
      tally.byOutcome.set(kind, (tally.byOutcome.get(kind) ?? 0) + 1)
      if (kind === 'routed' && p.weightedClusters === undefined && s.real.kind === 'http') {
        tally.routed ??= s
      }
    } else {
      const r = s.request
      problems.push(
        `${name}: ${r.protocol ?? 'http'}${r.tls ? '+tls' : ''} :${r.port} ${r.host ?? ''}${r.path ?? ''}: ${why}`,
      )
    }
  }
  tally.disagreements.push(...problems)
  return problems
}

beforeAll(async () => {
  live = await liveLab()
})

afterAll(async () => {
  await resetLab()
})

describe('the grader prediction vs the real Envoy, request by request', () => {
  it.each(gatewaySimulationTables.map((t) => [`${t.suite}: ${t.name}`, t] as const))('%s', async (_name, table) => {
    // The API server sets creationTimestamp itself; the prediction reads the real one back.
    const objects = parseObjects(table.config.replaceAll('1.1.1.1', live.sim.gateway)).map((o) => ({
      ...o,
      metadata: { ...o.metadata, creationTimestamp: undefined },
    }))
    expect(
      await replay(
        table.name,
        objects,
        table.cases.map((c) => c.request),
      ),
    ).toEqual([])
  })

  it.each(scenarios.map((s) => [s.name, s] as const))('istiod scenario: %s', async (_name, scenario) => {
    const ctx = { ns: 'replay-a', other: 'replay-b', selector: { istio: 'ingressgateway' } }
    const objects = scenario.objects(ctx) as KubernetesObject[]
    expect(await replay(scenario.name, objects, requestsFor(objects))).toEqual([])
  })

  it('agreement figure', () => {
    const outcomes = [...tally.byOutcome].map(([k, n]) => `${k}: ${n}`).join(', ')
    process.stderr.write(
      `[replay] prediction vs real Envoy: ${tally.agreed} of ${tally.requests} requests agree (${outcomes})` +
        `${tally.disagreements.length ? `\n${tally.disagreements.join('\n')}` : ''}\n`,
    )
    expect(tally.requests).toBeGreaterThan(40)
    expect(tally.agreed).toBe(tally.requests)
  })

  it('the comparison catches a wrong prediction (cluster, status, redirect location)', () => {
    const seen = tally.routed
    expect(seen, 'a routed request was replayed').toBeDefined()
    const { prediction, real } = seen!
    expect(disagreement(prediction, real)).toBeUndefined()
    expect(disagreement({ ...prediction, cluster: 'outbound|80||other.default.svc.cluster.local' }, real)).toBeDefined()
    expect(disagreement({ ...prediction, cluster: undefined, status: 404, reason: 'no_route' }, real)).toBeDefined()
    expect(disagreement({ ...prediction, status: 'connection_reset', reason: 'no_listener' }, real)).toBeDefined()
    const redirect = { kind: 'http' as const, status: 301, location: 'https://example.com/', port: 8080, sentAt: 0 }
    expect(
      disagreement({ status: 301, location: 'https://example.com/', explanation: [], explanationItems: [] }, redirect),
    ).toBeUndefined()
    expect(
      disagreement({ status: 301, location: 'https://other.com/', explanation: [], explanationItems: [] }, redirect),
    ).toBeDefined()
  })

  it('each request gets its own access log line, not an earlier request from the same client port', () => {
    // Earlier files send their requests through the same gateway from the same client address, and
    // the kernel reuses client ports: a line found by the port alone can be another request's.
    const sentAt = Date.parse('2026-12-07T16:51:53.000Z')
    const line = (from: string, to: string, at: string, code: number, flags: string, cluster: string | null) =>
      ({
        downstream_remote_address: from,
        downstream_local_address: to,
        start_time: at,
        response_code: code,
        response_flags: flags,
        upstream_cluster: cluster,
      }) satisfies ReplayLogEntry
    const shop = 'outbound|80||frontend.hipster.svc.cluster.local'
    const own = line('10.209.255.1:55400', '10.209.0.6:8081', '2026-12-07T16:51:53.004Z', 503, 'NC', null)
    const others = [
      line('10.209.255.1:55400', '10.209.0.6:8080', '2026-12-07T16:40:00.000Z', 200, '-', shop),
      line('10.209.255.1:55400', '10.209.0.6:8081', '2026-12-07T16:41:00.000Z', 404, 'NR', null),
      line('10.209.255.2:55400', '10.209.0.6:8081', '2026-12-07T16:51:53.002Z', 200, '-', shop),
      line('10.209.255.1:55400', '10.209.0.6:8443', '2026-12-07T16:51:53.003Z', 404, 'NR', null),
      line('10.209.255.1:155400', '10.209.0.6:8081', '2026-12-07T16:51:53.003Z', 404, 'NR', null),
    ]
    const sent: RealOutcome = {
      kind: 'http',
      status: 503,
      localAddress: '10.209.255.1',
      localPort: 55400,
      port: 8081,
      sentAt,
    }
    expect(logEntryFor([...others, own], sent)).toBe(own)
    expect(logEntryFor(others, sent)).toBeUndefined()
    // A line that is not the request's own is caught by its status, whatever else it says.
    const cluster = 'outbound|80||a.hipster.svc.cluster.local'
    const notFound: SimResult = {
      status: 503,
      reason: 'cluster_not_found',
      cluster,
      explanation: [],
      explanationItems: [],
    }
    expect(disagreement(notFound, { ...sent, entry: own })).toBeUndefined()
    expect(disagreement(notFound, { ...sent, entry: { ...own, response_code: 404 } })).toContain('answered 404')
    expect(disagreement(notFound, { ...sent, entry: others[0] })).toBeDefined()
  })
})
