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
