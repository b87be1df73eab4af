// The flagship lab on a REAL ingress data plane: `cluster:sim --dataplane --lab istio-ingress` runs its
// own control plane, istiod, the real pilot-agent + upstream Envoy as the gateway pod and stand-ins
// at the shop's pod IPs. Each step's solution is applied with the real API server, then
// (a) the real Envoy's /config_dump equals the grader's prediction (translate + diffAgainstDump),
// (b) real requests through GATEWAY_ADDRESS get the predicted answers (404, 200 from the frontend,
//     503 without endpoints, HTTPS with SNI, Redis PING), read back from Envoy's access log too,
// (c) the canary's 90/10 split is measured with real requests.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import { promisify } from 'node:util'
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments, stringify } from 'yaml'
import { gradeFiles } from '../../../server/checks/grade-files.ts'
import { gradeStep } from '../../../server/cli/check-cli.ts'
import { parseConfigDump } from '../../../server/grader/core/envoy/configdump.ts'
import { diffAgainstDump, type EnvoyDifference } from '../../../server/grader/core/envoy/diff.ts'
import { parseResources } from '../../../server/grader/core/model/index.ts'
import { listenerSummaries, routeConfigurations, translate } from '../../../server/grader/core/translate/translate.ts'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import { resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import type { Lab } from '../../../server/labs/lab-model.ts'
import { packageRoot } from '../../../server/paths.ts'
import { poll } from '../poll.ts'
import { startDataplaneSim, type DataplaneSim } from './sim-process.ts'

const labDir = join(packageRoot(), 'labs', 'istio-ingress')
const execFileAsync = promisify(execFile)

let sim: DataplaneSim
let kc: KubeConfig
let lab: Lab
let vars: Record<string, string>
/** The cluster's objects as the grader should see them (environment + applied solutions), by identity. */
const state = new Map<string, KubernetesObject>()
const tmp = mkdtempSync(join(tmpdir(), 'kindlab-dataplane-test-'))

const key = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`

function parseObjects(text: string): KubernetesObject[] {
  return parseAllDocuments(substituteVariables(text, vars))
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null)
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? vars['LEARNER_NAMESPACE'] } }))
}

/** Applies objects like `kubectl apply`; a kindlab `Deleted` marker deletes what it names. */
async function apply(objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  for (const o of objects) {
    if (o.apiVersion === 'kindlab.dev/v1' && o.kind === 'Deleted') {
      const spec = (o as { spec?: { apiVersion?: string; kind?: string } }).spec ?? {}
      const target = { apiVersion: spec.apiVersion ?? 'v1', kind: spec.kind ?? '', metadata: o.metadata ?? {} }
      await api.delete(target).catch(() => undefined)
      state.delete(key(target))
      continue
    }
    await api.patch(o, undefined, undefined, 'kindlab-dataplane-test', true, PatchStrategy.ServerSideApply)
    state.set(key(o), o)
  }
}

/** Deletes objects (ignoring ones already gone) and forgets them. */
async function remove(objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  for (const o of objects) {
    await api.delete(o).catch(() => undefined)
    state.delete(key(o))
  }
}

/** The grader's prediction for `objects` (by default the current state). */
function prediction(objects: readonly KubernetesObject[] = [...state.values()]) {
  const t = translate(parseResources(objects.map((o) => stringify(o)).join('---\n')))
  return { listeners: listenerSummaries(t), routeConfigs: routeConfigurations(t), clusters: t.clusters }
}

async function envoyDiff(objects?: readonly KubernetesObject[]): Promise<EnvoyDifference[]> {
  const dump = parseConfigDump(await (await fetch(`${sim.admin}/config_dump`)).json())
  return diffAgainstDump(prediction(objects), dump)
}

/** Waits for Envoy to converge on the prediction; on timeout the differences are the failure. */
async function expectEnvoyMatchesPrediction(what: string): Promise<void> {
  let last: EnvoyDifference[] = []
  try {
    await poll(
      async () => {
        last = await envoyDiff()
        return last.length === 0 ? true : undefined
      },
      { what: `Envoy to match the prediction (${what})`, timeoutMs: 30_000, intervalMs: 500 },
    )
  } catch {
    // The assertion below names each difference.
  }
  expect(
    last.map((d) => d.message),
    what,
  ).toEqual([])
}

interface Answer {
  status: number
  body: string
}

function get(host: string, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: sim.gateway, port: 8080, path, headers: { host }, timeout: 10_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`GET ${host}${path}: no answer in 10 s`)))
    req.end()
  })
}

/** An answer other than the previous config's: Envoy applies routes a moment after the API write. */
function eventuallyGet(host: string, status: number, path = '/'): Promise<Answer> {
  return poll(
    async () => {
      const a = await get(host, path)
      return a.status === status ? a : undefined
    },
    { what: `GET ${host}${path} -> ${status}`, timeoutMs: 30_000, intervalMs: 300 },
  )
}

interface AccessLogEntry {
  authority?: string
  response_code?: number
  response_flags?: string
  upstream_cluster?: string | null
  route_name?: string | null
  path?: string
}

/** Access log lines for `authority` with `status` (Envoy flushes the file every second). */
function accessLogFor(authority: string, status: number): Promise<AccessLogEntry[]> {
  return poll(
    async () => {
      const lines = readFileSync(sim.accessLog, 'utf8').split('\n').filter(Boolean)
      const entries = lines
        .map((l) => JSON.parse(l) as AccessLogEntry)
        .filter((e) => e.authority === authority && e.response_code === status)
      return entries.length > 0 ? Promise.resolve(entries) : Promise.resolve(undefined)
    },
    { what: `access log lines for ${authority}`, timeoutMs: 10_000 },
  )
}

async function stepObjects(dir: string): Promise<KubernetesObject[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()
  return (await Promise.all(names.map(async (n) => parseObjects(await readFile(join(dir, n), 'utf8'))))).flat()
}

/** A real key and self-signed certificate for hipster.<domain> (the lab's Secret holds placeholders). */
async function realTlsSecret(host: string): Promise<KubernetesObject> {
  const crt = join(tmp, 'tls.crt')
  const keyFile = join(tmp, 'tls.key')
  await execFileAsync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    crt,
    '-days',
    '2',
    '-subj',
    `/CN=${host}`,
    '-addext',
    `subjectAltName=DNS:${host}`,
  ])
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'hipster-credential', namespace: 'istio-system' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': readFileSync(crt).toString('base64'), 'tls.key': readFileSync(keyFile).toString('base64') },
  } as KubernetesObject
}

const step = (slug: string): string => join(labDir, 'solution', slug)

/** A namespace named like the harness's own, from a creator that no longer runs (pid above pid_max). */
const leftover = 'kl-zzzzz-00-gw'
/** The sim's own namespaces, which must be gone once it stopped. */
let simNamespaces: string[] = []
const netnsList = async (): Promise<string> => (await execFileAsync('ip', ['netns', 'list'])).stdout

/**
 * `kindlab check istio-ingress --step N --kubeconfig K --gateway G --envoy-admin A` (the CLI's own
 * grading path): every check passes, and every layer it declares ran and passed.
 */
async function expectLiveCheckPasses(stepNumber: number, liveLayers: string[] = []): Promise<void> {
  const report = await gradeStep('istio-ingress', {
    step: String(stepNumber),
    resources: [],
    var: [],
    kubeconfig: sim.kubeconfig,
    gateway: sim.gateway,
    envoyAdmin: sim.admin,
  })
  const failed = report.checks.flatMap((c) =>
    c.layers
      .filter((l) => l.passed !== true)
      .map((l) => `${c.id} ${l.layer} ${l.passed === undefined ? 'did not run' : 'failed'}: ${l.message}`),
  )
  expect(failed, `live check of step ${stepNumber}`).toEqual([])
  expect(report.passed).toBe(true)
  // The live layers really ran (a check graded on the prediction alone would list only `config`).
  const ran = report.checks.flatMap((c) => c.layers.map((l) => `${c.id}:${l.layer}`))
  expect(ran).toEqual(expect.arrayContaining(liveLayers))
}

beforeAll(async () => {
  await execFileAsync('ip', ['netns', 'add', leftover])
  sim = await startDataplaneSim(['--lab', 'istio-ingress'], (line) => process.stderr.write(`${line}\n`))
  kc = new KubeConfig()
  kc.loadFromFile(sim.kubeconfig)
  lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'istio-ingress')!
  vars = resolveVariables(lab.variables, {})
  for (const file of lab.environment) {
    for (const o of parseObjects(await readFile(join(lab.dir, file), 'utf8'))) {
      state.set(key(o), o)
    }
  }
}, 900_000)

afterAll(async () => {
  await execFileAsync('ip', ['netns', 'del', leftover]).catch(() => undefined)
  await sim?.stop()
  rmSync(tmp, { recursive: true, force: true })
  const left = await netnsList()
  expect(simNamespaces.filter((n) => left.includes(n))).toEqual([])
}, 60_000)

describe('the istio-ingress lab on a real Envoy (pilot-agent + upstream Envoy, istiod, real API server)', () => {
  const domain = (): string => vars['TRAINEE_DOMAIN'] ?? 'localhost'

  it('removed the namespace a killed harness left behind, and runs in two namespaces of its own', async () => {
    const names = await netnsList()
    expect(names).not.toContain(leftover)
    expect(names).toMatch(/^kl-[0-9a-z]+-[0-9a-f]{2}-gw\b/m)
    expect(names).toMatch(/^kl-[0-9a-z]+-[0-9a-f]{2}-pods\b/m)
    simNamespaces = [...names.matchAll(/^(kl-[0-9a-z]+-[0-9a-f]{2}-(?:gw|pods))\b/gm)].map((m) => m[1] ?? '')
  })

  it('before any Gateway, Envoy holds what the grader predicts and nothing listens on 8080', async () => {
    await expectEnvoyMatchesPrediction('environment only')
    await expect(get(`hipster.${domain()}`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('step 4: 404 for an unclaimed host, 200 from the frontend stand-in, config equal to the prediction', async () => {
    await apply(await stepObjects(step('03-remove-the-load-balancer')))
    const before = [...state.values()]
    await apply(await stepObjects(step('04-expose-the-shop')))
    const home = await eventuallyGet(`hipster.${domain()}`, 200)
    expect(home.body).toContain('Online Boutique')
    expect(home.body).toContain('service frontend version v1')
    expect((await get(`not-the-shop.${domain()}`)).status).toBe(404)
    await expectEnvoyMatchesPrediction('04-expose-the-shop')
    await expectLiveCheckPasses(4, ['shop-route:envoy', 'shop-home-page:traffic', 'other-host-not-found:envoy'])
    // The comparison can fail: the prediction without the step's objects differs from the real Envoy.
    expect((await envoyDiff(before)).map((d) => `${d.kind} ${d.scope} ${d.location}`)).toContain(
      'extra listener 0.0.0.0_8080',
    )
    const [hit] = await accessLogFor(`hipster.${domain()}`, 200)
    expect(hit).toMatchObject({
      response_code: 200,
      upstream_cluster: 'outbound|80||frontend.default.svc.cluster.local',
    })
    const [miss] = await accessLogFor(`not-the-shop.${domain()}`, 404)
    expect(miss).toMatchObject({ response_code: 404, response_flags: 'NR' })
  })

  it('step 4: every mistake fails live with the hint it gets offline, and Envoy still matches the prediction', async () => {
    const s = lab.steps[3]!
    const solution = await stepObjects(step('04-expose-the-shop'))
    const dir = join(labDir, 'mistakes', '04-expose-the-shop')
    const problems: string[] = []
    // Offline hints also cite the learner's file and line ("(shop.yaml:19)", "[..., shop.yaml:19]");
    // objects read from the API have none. Everything else must be the same text.
    const stripRefs = (h?: string): string | undefined =>
      h?.replace(/ \([\w.-]+\.ya?ml:\d+\)/g, '').replace(/, [\w.-]+\.ya?ml:\d+(?=\])/g, '')
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()) {
      const text = substituteVariables(await readFile(join(dir, name), 'utf8'), vars)
      const offline = await gradeFiles(lab, s, [{ file: name, text }], vars)
      const mistake = parseObjects(text).filter((o) => o.apiVersion !== 'kindlab.dev/v1')
      await remove(solution)
      await apply(mistake)
      const diffs = await poll(
        async () => {
          const d = await envoyDiff()
          return d.length === 0 ? d : undefined
        },
        { what: `Envoy to match the prediction for ${name}`, timeoutMs: 20_000, intervalMs: 500 },
      ).catch(async () => envoyDiff())
      problems.push(...diffs.map((d) => `${name}: prediction vs Envoy: ${d.message}`))
      const live = await gradeStep('istio-ingress', {
        step: '4',
        resources: [],
        var: [],
        kubeconfig: sim.kubeconfig,
        gateway: sim.gateway,
        envoyAdmin: sim.admin,
      })
      if (live.passed) {
        problems.push(`${name}: passes live, fails offline`)
      }
      for (const c of offline.checks.filter((x) => !x.passed)) {
        const l = live.checks.find((x) => x.id === c.id)
        if (l?.passed !== false || stripRefs(l.hint) !== stripRefs(c.hint)) {
          problems.push(
            `${name}: ${c.id} live ${l?.passed === false ? `hint "${l.hint}"` : 'passed'}, offline hint "${c.hint}"`,
          )
        }
      }
      await remove(mistake)
      await apply(solution)
    }
    expect(problems).toEqual([])
    await eventuallyGet(`hipster.${domain()}`, 200)
  })

  it('503 (no healthy upstream) for a routed Service without endpoints', async () => {
    const ns = vars['LEARNER_NAMESPACE'] ?? 'default'
    const host = `empty.${domain()}`
    await apply(
      parseObjects(`
apiVersion: v1
kind: Service
metadata: { name: no-pods, namespace: ${ns} }
spec: { selector: { app: no-pods }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: empty-gateway, namespace: ${ns} }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [${host}] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: empty, namespace: ${ns} }
spec:
  hosts: [${host}]
  gateways: [empty-gateway]
  http: [{ route: [{ destination: { host: no-pods, port: { number: 80 } } }] }]
`),
    )
    await eventuallyGet(host, 503)
    await expectEnvoyMatchesPrediction('a Service without endpoints')
    const [entry] = await accessLogFor(host, 503)
    expect(entry).toMatchObject({
      response_flags: 'UH',
      upstream_cluster: `outbound|80||no-pods.${ns}.svc.cluster.local`,
    })
  })

  it('steps 5 and 6: the same host in any case and with a port; Kiali and Jaeger stand-ins behind their prefixes', async () => {
    await apply(await stepObjects(step('05-look-inside')))
    await apply(await stepObjects(step('06-dashboards')))
    await expectEnvoyMatchesPrediction('06-dashboards')
    await expectLiveCheckPasses(5)
    await expectLiveCheckPasses(6)
    expect((await get(`HIPSTER.${domain()}:80`, '/_healthz')).status).toBe(200)
    const kiali = await eventuallyGet(`dashboard.${domain()}`, 200, '/kiali/')
    expect(kiali.body).toContain('service kiali')
    const jaeger = await eventuallyGet(`tracing.${domain()}`, 200, '/jaeger/search')
    expect(jaeger.body).toContain('service jaeger')
  })

  it('step 7: the credentialName Secret reaches Envoy over SDS; a real TLS handshake with SNI on 8443', async () => {
    const host = `hipster.${domain()}`
    const objects = (await stepObjects(step('07-https'))).filter((o) => o.kind !== 'Secret')
    await apply([await realTlsSecret(host), ...objects])
    await expectEnvoyMatchesPrediction('07-https')
    await expectLiveCheckPasses(7, ['https-route:envoy', 'https-home-page:traffic'])
    expect(prediction().listeners.map((l) => l.name)).toContain('0.0.0.0_8443')
    expect(await (await fetch(`${sim.admin}/listeners`)).text()).toContain('0.0.0.0_8443')
    const answer = await poll(
      () =>
        new Promise<string | undefined>((resolve) => {
          const socket = tlsConnect(
            { host: sim.gateway, port: 8443, servername: host, rejectUnauthorized: false },
            () => {
              const cert = socket.getPeerCertificate()
              socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
              let text = ''
              socket.setEncoding('utf8')
              socket.on('data', (c: string) => (text += c))
              socket.on('end', () => resolve(cert.subject?.CN === host ? text : undefined))
            },
          )
          socket.on('error', () => resolve(undefined))
          socket.setTimeout(5_000, () => socket.destroy())
        }),
      { what: `HTTPS ${host} through the gateway`, timeoutMs: 30_000, intervalMs: 500 },
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200/)
    expect(answer).toContain('Online Boutique')
  })

  it('step 8: PING through the gateway port 6379 gets +PONG from the redis-cart stand-in', async () => {
    await apply(await stepObjects(step('08-tcp')))
    await expectEnvoyMatchesPrediction('08-tcp')
    await expectLiveCheckPasses(8, ['redis-through-gateway:traffic'])
    const reply = await poll(
      () =>
        new Promise<string | undefined>((resolve) => {
          const socket = tcpConnect(6379, sim.gateway, () => socket.write('PING\r\n'))
          socket.setEncoding('latin1')
          socket.on('data', (d: string) => {
            resolve(d)
            socket.destroy()
          })
          socket.on('error', () => resolve(undefined))
          socket.setTimeout(3_000, () => socket.destroy())
        }),
      { what: 'PING on the gateway port 6379', timeoutMs: 30_000, intervalMs: 500 },
    )
    expect(reply).toMatch(/^\+PONG/)
  })

  it('step 9: the shared Gateway in istio-system routes shop.<domain>', async () => {
    await apply(await stepObjects(step('09-shared-gateway')))
    await expectEnvoyMatchesPrediction('09-shared-gateway')
    await expectLiveCheckPasses(9)
    expect((await eventuallyGet(`shop.${domain()}`, 200)).body).toContain('service frontend')
  })

  it('step 10: the canary split measured with 400 real requests is 90/10 within 5 points', async () => {
    await apply(await stepObjects(step('10-canary')))
    await expectEnvoyMatchesPrediction('10-canary')
    await expectLiveCheckPasses(10, ['canary-split:traffic'])
    const host = `hipster.${domain()}`
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
})
