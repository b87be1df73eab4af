// `kindlab check` end to end in-process on the istio-ingress lab: the JSON contract, exit codes,
// --step by number or slug, --var, and bad input as one sentence plus a hint.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { runKindlab as cli } from '../../server/cli/run-cli.test-helper.ts'

const dir = mkdtempSync(join(tmpdir(), 'kindlab-check-'))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

afterEach(() => {
  process.exitCode = undefined
})

const gateway = (host: string): string => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: shop-gateway }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["${host}"] }]
`
const route = (host: string, gateways: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: shop }
spec:
  hosts: ["${host}"]
  gateways: [${gateways}]
  http: [{ route: [{ destination: { host: frontend.default.svc.cluster.local, port: { number: 80 } } }] }]
`

interface Report {
  lab: string
  step: { number: number; slug: string }
  passed: boolean
  checks: Array<{
    id: string
    passed: boolean
    status: 'passed' | 'failed' | 'unverified'
    layers: Array<{ layer: string; passed?: boolean }>
    message: string
    cause?: string
    finding?: string
    hint?: string
  }>
}

describe('kindlab check', () => {
  test('a correct answer passes: JSON report, exit 0, step by number', async () => {
    const f = file(
      'good.yaml',
      `${gateway('hipster.localhost')}---\n${route('hipster.localhost', 'default/shop-gateway')}`,
    )
    const { code, stdout } = await cli([
      'check',
      'istio-ingress',
      '--step',
      '4',
      '--resources',
      f,
      '--offline',
      '--json',
    ])
    const report = JSON.parse(stdout) as Report
    expect(code).toBe(0)
    expect(report).toMatchObject({ lab: 'istio-ingress', step: { number: 4, slug: 'expose-the-shop' }, passed: true })
    expect(report.checks.map((c) => c.id)).toEqual(['shop-route', 'shop-home-page', 'other-host-not-found'])
    expect(report.checks[0]?.layers.map((l) => [l.layer, l.passed])).toEqual([
      ['config', true],
      ['envoy', undefined],
      ['traffic', undefined],
    ])
  })

  test('a mistake fails with the grader finding first: exit 1, step by slug', async () => {
    const f = file('bad.yaml', `${gateway('hipster.localhost')}---\n${route('hipster.localhost', 'hipster-gateway')}`)
    const { code, stdout } = await cli([
      'check',
      'istio-ingress',
      '--step',
      'expose-the-shop',
      '--resources',
      f,
      '--json',
    ])
    const report = JSON.parse(stdout) as Report
    expect(code).toBe(1)
    expect(report.passed).toBe(false)
    const shop = report.checks.find((c) => c.id === 'shop-route')
    expect(shop).toMatchObject({ passed: false, status: 'failed', cause: 'gateway-not-found' })
    expect(shop?.finding).toMatch(
      /spec\.gateways\[0\].*hipster-gateway|hipster-gateway.*does not exist|no such Gateway/,
    )
  })

  test('--var changes the trainee domain', async () => {
    const f = file(
      'cohort.yaml',
      `${gateway('hipster.t7.example.com')}---\n${route('hipster.t7.example.com', 'shop-gateway')}`,
    )
    const { code } = await cli([
      'check',
      'istio-ingress',
      '--step',
      '04-expose-the-shop',
      '--resources',
      f,
      '--var',
      'TRAINEE_DOMAIN=t7.example.com',
      '--json',
    ])
    expect(code).toBe(0)
  })

  test('a folder of YAML files is read like kubectl apply -f DIR', async () => {
    const { code, stdout } = await cli([
      'check',
      'istio-ingress',
      '--step',
      '9',
      '--resources',
      'labs/istio-ingress/solution/09-shared-gateway',
      '--json',
    ])
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as Report).checks.every((c) => c.passed)).toBe(true)
  })

  test('the text report names each check, the finding first, then the hint', async () => {
    const f = file('text.yaml', gateway('hipster.localhost'))
    const { code, stdout } = await cli(['check', 'istio-ingress', '--step', '4', '--resources', f])
    expect(code).toBe(1)
    expect(stdout).toMatch(/✘ shop-route: .*\n.*layers: config FAIL, envoy –, traffic –\n.*found: .*\n.*hint: /)
  })

  // [case, arguments, message, hint, exit code: 2 for usage errors, 64-78 for what kindlab could not do]
  const bad: Array<[string, () => string[], RegExp, RegExp, number]> = [
    [
      'a missing file',
      () => ['--step', '4', '--resources', join(dir, 'nope.yaml')],
      /Cannot read .*nope\.yaml/,
      /kubectl apply -f/,
      66,
    ],
    [
      'invalid YAML',
      () => ['--step', '4', '--resources', file('broken.yaml', 'kind: [Gateway\n')],
      /is not valid YAML/,
      /indentation/,
      66,
    ],
    [
      'a step that does not exist',
      () => ['--step', '42', '--resources', file('e.yaml', '')],
      /has no step "42"/,
      /from 1 to 10/,
      66,
    ],
    [
      'an unknown variable',
      () => ['--step', '4', '--resources', file('e2.yaml', ''), '--var', 'NOPE=1'],
      /no variable NOPE/,
      /TRAINEE_DOMAIN/,
      2,
    ],
    [
      'a malformed --var',
      () => ['--step', '4', '--resources', file('e3.yaml', ''), '--var', 'lower=1'],
      /is not NAME=value/,
      /--var TRAINEE_DOMAIN=/,
      2,
    ],
  ]
  for (const [name, args, message, hint, exitCode] of bad) {
    test(`bad input: ${name} is one sentence and a hint`, async () => {
      const { code, stdout, stderr } = await cli(['check', 'istio-ingress', ...args()])
      expect(code).toBe(exitCode)
      expect(stdout).toBe('')
      expect(stderr).toMatch(message)
      expect(stderr).toMatch(new RegExp(`hint: .*${hint.source}`))
    })
  }

  test('bad input: an unknown lab lists the labs', async () => {
    const { code, stderr } = await cli(['check', 'no-such-lab', '--step', '1', '--resources', file('e4.yaml', '')])
    expect(code).toBe(66)
    expect(stderr).toMatch(/no lab called "no-such-lab"[\s\S]*hint: Available labs: .*istio-ingress/)
  })
})
