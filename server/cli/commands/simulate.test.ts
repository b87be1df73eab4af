// `kindlab simulate` end to end in-process: real fixture files in, JSON out, validated against the
// published schema in the app-wide dialect; bad input becomes one sentence, a hint and the catalog's exit code.
import { readFileSync } from 'node:fs'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TSchema } from '@sinclair/typebox'
import { afterEach, describe, expect, test } from 'vitest'
import { validatorFor } from '../../validation/dialect.ts'
import { runKindlab as cli } from '../run-cli.test-helper.ts'

const schema = JSON.parse(readFileSync('server/grader/simulate-output.schema.json', 'utf8')) as TSchema
// The published schema, in the same dialect as every other schema of kindlab (strict).
const validate = validatorFor(schema)

afterEach(() => {
  process.exitCode = undefined
})

describe('kindlab simulate --json', () => {
  test('the boutique fixture: a valid document with one result per request', async () => {
    const { code, stdout } = await cli([
      'simulate',
      '-r',
      'test/fixtures/grader/boutique',
      '--requests',
      'test/fixtures/grader/boutique-requests.json',
      '--json',
    ])
    expect(code).toBe(0)
    const doc = JSON.parse(stdout) as {
      listeners: Array<{ name: string }>
      requests: Array<{ result: { status: unknown; reason?: string } }>
    }
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    expect(doc.listeners.map((l) => l.name)).toEqual(['0.0.0.0_6379', '0.0.0.0_8080', '0.0.0.0_8443'])
    expect(doc.requests.map((r) => r.result.status)).toEqual([200, 200, 404, 200, 301, 200, 200, 'connection_reset'])
    expect(doc.requests.map((r) => r.result.reason)).toEqual([
      undefined,
      undefined,
      'no_route',
      undefined,
      'tls_redirect',
      undefined,
      undefined,
      'no_listener',
    ])
  })
  test('Gateway API objects are checked: IST0171 with the field to fix, IST0106 for a refused route', async () => {
    const { code, stdout } = await cli([
      'simulate',
      '-r',
      'test/fixtures/grader/gateway-api/broken-routes.yaml',
      '--json',
    ])
    const doc = JSON.parse(stdout) as {
      diagnostics: Array<{ code: string; resource: string; path?: string; source?: { line?: number } }>
    }
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    expect(code).toBe(1)
    expect(doc.diagnostics.map((d) => [d.code, d.resource, d.path, d.source?.line])).toEqual([
      ['IST0106', 'HTTPRoute shop/refused', 'spec.rules[0].filters', 25],
      ['IST0171', 'HTTPRoute shop/typo', 'spec.parentRefs[0].sectionName', 17],
    ])
  })
  test('a request naming a Kubernetes Gateway goes to its proxy; gateways and status describe it', async () => {
    const { code, stdout } = await cli([
      'simulate',
      '-r',
      'test/fixtures/grader/gateway-api/proxy.yaml',
      '--requests',
      'test/fixtures/grader/gateway-api/proxy-requests.json',
      '--json',
    ])
    expect(code).toBe(0)
    const doc = JSON.parse(stdout) as {
      gateways: Array<Record<string, unknown> & { listeners: Array<{ name: string }>; routeConfigs: object }>
      status: {
        gateways: Array<{ resource: string; listeners: Array<{ attachedRoutes: number }> }>
        routes: Array<{ resource: string; parents: Array<{ conditions: Array<Record<string, string>> }> }>
      }
      requests: Array<{
        result: {
          status: unknown
          weightedClusters?: Array<{ status?: number }>
          origin?: { resource: string; path: string; line?: number }
          explanationItems: Array<{ resource?: string; path?: string; line?: number }>
        }
      }>
    }
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    const [gw] = doc.gateways
    expect([gw?.['name'], gw?.['managed'], gw?.['deployment'], gw?.['service']]).toEqual([
      'shop/gw',
      true,
      { name: 'gw-istio', namespace: 'shop', serviceAccount: 'gw-istio' },
      {
        name: 'gw-istio',
        namespace: 'shop',
        fqdn: 'gw-istio.shop.svc.cluster.local',
        type: 'ClusterIP',
        serviceTypeAnnotation: 'ClusterIP',
        ports: [
          { name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp' },
          { name: 'http', port: 80, protocol: 'TCP', appProtocol: 'http' },
        ],
      },
    ])
    expect(gw?.listeners.map((l) => l.name)).toEqual(['0.0.0.0_80'])
    expect(Object.keys(gw?.routeConfigs ?? {})).toEqual(['http.80'])
    expect(doc.status.gateways[0]?.listeners[0]?.attachedRoutes).toBe(1)
    expect(
      doc.status.routes.map((r) => [
        r.resource,
        r.parents[0]?.conditions.map((c) => `${c['type']}=${c['status']}/${c['reason']}`),
      ]),
    ).toEqual([
      ['HTTPRoute shop/shop', ['Accepted=True/Accepted', 'ResolvedRefs=False/BackendNotFound']],
      ['HTTPRoute shop/blog', ['Accepted=False/NoMatchingParent', 'ResolvedRefs=True/ResolvedRefs']],
    ])
    const [canary, home, blog, classic] = doc.requests.map((r) => r.result)
    expect([canary?.status, canary?.weightedClusters?.map((c) => c.status)]).toEqual([200, [undefined, 500]])
    expect(canary?.origin).toMatchObject({
      resource: 'HTTPRoute shop/shop',
      path: 'spec.rules[0].matches[0]',
      line: 26,
    })
    expect(canary?.explanationItems[1]).toMatchObject({ path: 'spec.rules[0].backendRefs[1].name', line: 29 })
    expect([home?.status, home?.origin?.path]).toEqual([200, 'spec.rules[1].matches[0]'])
    expect(blog?.status).toBe(404)
    expect(blog?.explanationItems[1]).toMatchObject({
      resource: 'HTTPRoute shop/blog',
      path: 'spec.parentRefs[0].sectionName',
      line: 39,
    })
    // Without "gateway" the request goes to the classic ingress gateway, which has no Gateway here.
    expect(classic?.status).toBe('connection_reset')
  })
  test("without --json: the Gateway's proxy, the status and the rule each request took", async () => {
    const { stdout } = await cli([
      'simulate',
      '-r',
      'test/fixtures/grader/gateway-api/proxy.yaml',
      '--requests',
      'test/fixtures/grader/gateway-api/proxy-requests.json',
    ])
    expect(stdout).toContain(
      'GATEWAY shop/gw (class istio): Deployment gw-istio, ServiceAccount gw-istio; Service gw-istio (ClusterIP) ports 15021, 80',
    )
    expect(stdout).toContain('HTTPRoute shop/blog → shop/gw/htpp: Accepted=False (NoMatchingParent)')
    expect(stdout).toContain(
      '[Gateway shop/gw] → 200 outbound|80||frontend.shop.svc.cluster.local (HTTPRoute shop/shop spec.rules[1].matches[0])',
    )
    expect(stdout).toContain(
      '→ 200 outbound|8080||api.shop.svc.cluster.local (90), outbound|8080||api-v2.shop.svc.cluster.local (10: 500)',
    )
    expect(stdout).toMatch(/Envoy answers 500 for that share \(10% of requests/)
  })
  test('repeated --resources and a broken configuration: valid JSON, diagnostics, exit code 1', async () => {
    const { code, stdout } = await cli([
      'simulate',
      '-r',
      'test/fixtures/grader/httpbin-prefix.yaml',
      '-r',
      'test/fixtures/grader/broken-shop.yaml',
      '--json',
    ])
    const doc = JSON.parse(stdout) as {
      diagnostics: Array<{ code: string; resource: string; source?: { file?: string } }>
    }
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    expect(code).toBe(1)
    expect(
      doc.diagnostics.some(
        (d) =>
          d.code === 'IST0106' &&
          d.resource === 'Gateway default/shop.gateway' &&
          d.source?.file === 'test/fixtures/grader/broken-shop.yaml',
      ),
    ).toBe(true)
  })
  test('without --json it prints istioctl-like tables and the explanations', async () => {
    const { stdout } = await cli([
      'simulate',
      '-r',
      'test/fixtures/grader/httpbin-prefix.yaml',
      '--requests',
      'test/fixtures/grader/boutique-requests.json',
    ])
    expect(stdout).toContain('ADDRESSES')
    expect(stdout).toMatch(/http\.8080\s+httpbin\.example\.com:80\s+httpbin\.example\.com\s+\/get\*\s+httpbin\.default/)
    expect(stdout).toContain('No virtual host for hipster.trainee01.example.com on http.8080')
  })
})

describe('bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-simulate-'))
  test.each<[string, () => string[], number, RegExp]>([
    [
      'a missing resources file',
      () => ['simulate', '-r', join(dir, 'nope.yaml')],
      66,
      /error: Cannot read .*nope\.yaml.*\(LAB_ERR_INPUT_FILE\)\nhint: /,
    ],
    [
      'invalid YAML',
      () => {
        writeFileSync(join(dir, 'bad.yaml'), 'kind: Gateway\nmetadata: {name: [\n')
        return ['simulate', '-r', join(dir, 'bad.yaml')]
      },
      65,
      /error: .*bad\.yaml:\d+ is not valid YAML.*\(LAB_ERR_VALIDATION\)\nhint: /,
    ],
    [
      'requests that are not JSON',
      () => {
        writeFileSync(join(dir, 'req.json'), '[{port: 80}]')
        return ['simulate', '-r', 'test/fixtures/grader/httpbin-prefix.yaml', '--requests', join(dir, 'req.json')]
      },
      65,
      /is not valid JSON.*\(LAB_ERR_VALIDATION\)/,
    ],
    [
      'a request without a port',
      () => {
        writeFileSync(join(dir, 'req2.json'), '[{"host": "a"}]')
        return ['simulate', '-r', 'test/fixtures/grader/httpbin-prefix.yaml', '--requests', join(dir, 'req2.json')]
      },
      65,
      /req2\.json\[0\]: "port" must be an integer/,
    ],
    [
      'a gateway that is not namespace/name',
      () => {
        writeFileSync(join(dir, 'req3.json'), '[{"port": 80, "gateway": "gw"}]')
        return ['simulate', '-r', 'test/fixtures/grader/gateway-api/proxy.yaml', '--requests', join(dir, 'req3.json')]
      },
      65,
      /req3\.json\[0\]: "gateway" must name a Kubernetes Gateway as "<namespace>\/<name>", not "gw"\. \(LAB_ERR_VALIDATION\)\nhint: /,
    ],
    [
      'a gateway the resources do not have',
      () => {
        writeFileSync(join(dir, 'req4.json'), '[{"port": 80}, {"port": 80, "gateway": "shop/gateway"}]')
        return ['simulate', '-r', 'test/fixtures/grader/gateway-api/proxy.yaml', '--requests', join(dir, 'req4.json')]
      },
      65,
      /req4\.json\[1\] names Gateway shop\/gateway, which is not among .*\nhint: Use one of shop\/gw /,
    ],
    [
      'a gateway when the resources hold no Kubernetes Gateway',
      () => {
        writeFileSync(join(dir, 'req5.json'), '[{"port": 80, "gateway": "shop/gw"}]')
        return ['simulate', '-r', 'test/fixtures/grader/httpbin-prefix.yaml', '--requests', join(dir, 'req5.json')]
      },
      65,
      /hint: The resources hold no Gateway of class istio/,
    ],
    [
      'a missing requests file',
      () => ['simulate', '-r', 'test/fixtures/grader/httpbin-prefix.yaml', '--requests', join(dir, 'none.json')],
      66,
      /Cannot read the requests file/,
    ],
  ])('%s', async (_name, args, exit, message) => {
    const { code, stderr } = await cli(args())
    expect(code).toBe(exit)
    expect(stderr).toMatch(message)
  })
})
