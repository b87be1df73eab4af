// Issue 12's YAML edge cases through both ways a learner's files are graded: `kindlab check
// --resources` (CLI) and the Check button (HTTP, offline workspace). Both read YAML as kubectl
// does, so both give the same verdict, the one kubectl's objects would earn.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runKindlab } from '../../server/cli/run-cli.test-helper.ts'
import { buildCohortTestApp, type CohortTestApp } from '../../server/cohorts/test-app.test-helper.ts'
import { parseResources } from '../../server/grader/core/model/index.ts'

// The cohort below names its one trainee trainee01 in cohort "yaml"; the CLI gets the same variables.
const DOMAIN = 'trainee01.yaml.kindlab.test'
const NAMESPACE = 'kl-yaml-trainee01'
const HOST = `hipster.${DOMAIN}`

const gateway = (server: string): string => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: shop-gateway }
spec:
  selector: { istio: ingressgateway }
  servers:
  - ${server}
`
const http80 = `port: { number: 80, name: http, protocol: HTTP }\n    hosts: ["${HOST}"]`
const route = (destination: string, match = ''): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: shop }
spec:
  hosts: ["${HOST}"]
  gateways: [shop-gateway]
  http:
  - ${match}route:
    - destination:
        ${destination}
`
const frontend = 'host: frontend\n        port: { number: 80 }'

/** name, files, expected shop-route verdict, a pattern its message must match. */
const CASES: Array<[string, Record<string, string>, boolean, RegExp]> = [
  [
    'number: 0120 is port 80 (octal), as kubectl reads it',
    {
      'gw.yaml': gateway(`port:\n      number: 0120\n      name: http\n      protocol: HTTP\n    hosts: ["${HOST}"]`),
      'vs.yaml': route(frontend),
    },
    true,
    /./,
  ],
  [
    '<<: {host: frontend} merges into the destination',
    { 'gw.yaml': gateway(http80), 'vs.yaml': route('<<: {host: frontend}\n        port: { number: 80 }') },
    true,
    /./,
  ],
  [
    'a __proto__ header match is a real header: a request without it is not routed',
    {
      'gw.yaml': gateway(http80),
      'vs.yaml': route(frontend, 'match:\n    - headers:\n        __proto__:\n          exact: evil\n    '),
    },
    false,
    /./,
  ],
  [
    'httpsRedirect: yes is true: the Gateway is accepted and redirects',
    { 'gw.yaml': gateway(`${http80}\n    tls:\n      httpsRedirect: yes`), 'vs.yaml': route(frontend) },
    false,
    /got 301 → https:/,
  ],
  [
    'labels: with a key "a # b" unquoted is the string `team "a`: kubectl refuses the object',
    {
      'gw.yaml': gateway(http80).replace(
        'metadata: { name: shop-gateway }',
        'metadata:\n  name: shop-gateway\n  labels:\n    team "a # b": x',
      ),
      'vs.yaml': route(frontend),
    },
    false,
    /connection refused \(no listener\)/,
  ],
]

interface CheckResult {
  id: string
  passed: boolean
  message: string
}

let t: CohortTestApp
let token = ''
let workspace = ''
const dir = mkdtempSync(join(tmpdir(), 'kindlab-yaml-paths-'))

beforeAll(async () => {
  // Offline, as `serve --offline` grades: the trainee's workspace files and the lab's environment.
  t = await buildCohortTestApp()
  const c = await t.cohorts.service.create({ name: 'yaml', labId: 'istio-ingress', trainees: 1, reserve: 0 })
  const joined = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'A' })
  token = joined.token
  workspace =
    t.db
      .prepare<[string], { workspace_dir: string }>('SELECT workspace_dir FROM sessions WHERE id = ?')
      .get(joined.sessionId)?.workspace_dir ?? ''
}, 60_000)

afterAll(async () => t.close())

async function viaCli(name: string, files: Record<string, string>): Promise<CheckResult | undefined> {
  const folder = mkdtempSync(join(dir, 'cli-'))
  for (const [file, text] of Object.entries(files)) {
    writeFileSync(join(folder, file), text)
  }
  const vars = ['--var', `TRAINEE_DOMAIN=${DOMAIN}`, '--var', `LEARNER_NAMESPACE=${NAMESPACE}`]
  const run = await runKindlab(['check', 'istio-ingress', '--step', '4', '--resources', folder, ...vars, '--json'])
  process.exitCode = undefined
  const report = JSON.parse(run.stdout) as { checks: CheckResult[] }
  return report.checks.find((c) => c.id === 'shop-route') ?? { id: name, passed: false, message: run.stderr }
}

async function viaHttp(files: Record<string, string>): Promise<CheckResult | undefined> {
  for (const [file, text] of Object.entries(files)) {
    writeFileSync(join(workspace, file), text)
  }
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/labs/istio-ingress/steps/3/check',
    headers: { authorization: `Bearer ${token}` },
    payload: {},
  })
  expect(res.statusCode).toBe(200)
  const body = res.json<{ checks: CheckResult[] }>()
  return body.checks.find((c) => c.id === 'shop-route')
}

describe('YAML edge cases read as kubectl reads them, through the CLI and the HTTP Check', () => {
  test.each(CASES)('%s', async (name, files, passes, message) => {
    const cli = await viaCli(name, files)
    const http = await viaHttp(files)
    expect(cli?.passed, `CLI: ${cli?.message ?? ''}`).toBe(passes)
    expect(http?.passed, `HTTP: ${http?.message ?? ''}`).toBe(passes)
    expect(cli?.message).toMatch(message)
    expect(http?.message).toBe(cli?.message)
  })
})

test('the refused labels are reported at the line of the field, as kubectl would read them', () => {
  const text = gateway(http80).replace(
    'metadata: { name: shop-gateway }',
    'metadata:\n  name: shop-gateway\n  labels:\n    team "a # b": x',
  )
  const model = parseResources(text, { file: 'gw.yaml' })
  expect(model.gateways).toEqual([])
  expect(model.findings).toMatchObject([
    {
      code: 'IST0106',
      path: 'metadata.labels',
      source: { file: 'gw.yaml', line: 5 },
      message: /not string "team \\"a"/,
    },
  ])
})
