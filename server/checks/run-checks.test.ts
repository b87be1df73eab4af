// Which kinds of objects a step's checks read (kindsRead), and that runChecks hands that set to
// every check's context, so a live resource source lists only those kinds (issue 17 item 6); a
// kind receives its params as prepared once: validated, with its schema's defaults (issue 16).
import { createTextResourceSource } from './grader-input-files.ts'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { loadLabs } from '../labs/load-labs.ts'
import { resolveCheck } from '../labs/variables.ts'
import { packageRoot } from '../paths.ts'
import { MODEL_READS } from './grader-input.ts'
import { checkKinds } from './registry.ts'
import { prepareCheck, type PreparedCheck } from './check-params.ts'
import { gradeWithServices } from './grade-files.ts'
import type { ResourceSource } from './live-services.ts'
import { kindsRead, runChecks } from './run-checks.ts'
import type { CheckContext, CheckKind } from './types.ts'

const modelReads = MODEL_READS.map((k) => k.toLowerCase()).sort()

async function stepChecks(index: number): Promise<PreparedCheck[]> {
  const lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'istio-ingress')
  const step = lab?.steps[index]
  if (step === undefined) {
    throw new Error(`istio-ingress has no step ${index}`)
  }
  const vars = { LEARNER_NAMESPACE: 'hipster', TRAINEE_DOMAIN: 'example.com', TRAINEE_TLS_SECRET: 'shop-tls' }
  return (step.checks ?? []).map((c) => resolveCheck(c, vars))
}

describe('kindsRead', () => {
  it('a step of ConfigMap answers reads only ConfigMaps', async () => {
    expect([...kindsRead(checkKinds, await stepChecks(0))]).toEqual(['configmap'])
  })

  it('a routing step reads the grader model (and Secrets), not ConfigMaps', async () => {
    const read = kindsRead(checkKinds, await stepChecks(3))
    expect([...read].sort()).toEqual(modelReads)
  })

  it('a resource check adds its own kind; command checks read nothing', () => {
    const checks = [
      { id: 'a', kind: 'route', host: 'x', path: '/', expect: { service: 's' } },
      { id: 'b', kind: 'resource', object: { kind: 'ConfigMap', name: 'answers' } },
      { id: 'c', kind: 'command', run: 'true' },
    ].map((c) => prepareCheck(checkKinds, c))
    expect([...kindsRead(checkKinds, checks)].sort()).toEqual([...modelReads, 'configmap'].sort())
  })

  it("`kindlab check` live (gradeWithServices) lists exactly the kinds its step's checks read", async () => {
    const lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'istio-ingress')!
    const asked: Array<string[] | undefined> = []
    const resources: ResourceSource = {
      describe: () => 'a recording source',
      list: (options) => {
        asked.push(options?.kinds === undefined ? undefined : [...options.kinds].sort())
        return Promise.resolve({ objects: [], origins: [], problems: [] })
      },
    }
    const vars = { LEARNER_NAMESPACE: 'hipster', TRAINEE_DOMAIN: 'example.com', TRAINEE_TLS_SECRET: 'shop-tls' }
    await gradeWithServices(lab, lab.steps[3]!, vars, { resources })
    // One list per Check, of the routing step's kinds: no ConfigMaps, none of the Gateway API's.
    expect(asked).toEqual([modelReads])
  })
})

const context: CheckContext = {
  labId: 'lab',
  stepIndex: 0,
  workspaceDir: '/nonexistent',
  vars: {},
  runCommand: () => Promise.reject(new Error('not used')),
  readWorkspaceFile: () => Promise.resolve(undefined),
  services: { resources: createTextResourceSource([], 'no resources') },
}

describe('runChecks', () => {
  it("gives every check's context the kinds the step reads", async () => {
    const seen: Array<ReadonlySet<string> | undefined> = []
    const probe: CheckKind<{ reads: string[] }> = {
      kind: 'probe',
      description: 'records its context',
      paramsSchema: Type.Object({ reads: Type.Array(Type.String()) }),
      reads: (p) => p.reads,
      run: (_p, ctx) => {
        seen.push(ctx.readKinds)
        return Promise.resolve({ passed: true, message: 'ok', layers: [] })
      },
    }
    const kinds = new Map([['probe', probe]])
    const results = await runChecks(kinds, {
      checks: [
        prepareCheck(kinds, { id: 'a', kind: 'probe', reads: ['Service'] }),
        prepareCheck(kinds, { id: 'b', kind: 'probe', reads: ['ConfigMap'] }),
      ],
      context,
      failuresBefore: () => 0,
    })
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed'])
    expect(seen).toEqual([new Set(['service', 'configmap']), new Set(['service', 'configmap'])])
  })
})

describe('check params', () => {
  const greeter = (seen: unknown[]): CheckKind<{ greeting: string; times: number }> => ({
    kind: 'greeter',
    description: 'records its params',
    paramsSchema: Type.Object(
      { greeting: Type.String({ default: 'hello' }), times: Type.Integer({ minimum: 1, default: 2 }) },
      { additionalProperties: false },
    ),
    reads: () => [],
    run: (p) => {
      seen.push(p)
      return Promise.resolve({ passed: true, message: 'ok', layers: [] })
    },
  })

  it("a kind receives its schema's defaults for the params a check leaves out, and the check's own values", async () => {
    const seen: unknown[] = []
    const kinds = new Map([['greeter', greeter(seen)]])
    const checks = [
      prepareCheck(kinds, { id: 'a', kind: 'greeter', title: 'T', hint: 'h' }),
      prepareCheck(kinds, { id: 'b', kind: 'greeter', greeting: 'hi', times: 5 }),
    ]
    await runChecks(kinds, { checks, context, failuresBefore: () => 0 })
    expect(seen).toEqual([
      { greeting: 'hello', times: 2 },
      { greeting: 'hi', times: 5 },
    ])
  })

  it('the registered kinds get their defaults from their schemas', () => {
    expect(prepareCheck(checkKinds, { id: 'a', kind: 'command', run: 'true' })).toMatchObject({ timeoutSec: 20 })
    expect(prepareCheck(checkKinds, { id: 'b', kind: 'http', host: 'shop.example' })).toMatchObject({
      path: '/',
      method: 'GET',
      https: false,
      expect: { status: 200 },
    })
  })

  it('refuses params of the wrong type or unknown ones, and an unknown kind', () => {
    const kinds = new Map([['greeter', greeter([])]])
    const wrongType = () => prepareCheck(kinds, { id: 'a', kind: 'greeter', times: '2' })
    expect(wrongType).toThrow(/\/times must be integer/)
    expect(wrongType).toThrow(expect.objectContaining({ code: 'LAB_ERR_LAB_INVALID' }))
    expect(() => prepareCheck(kinds, { id: 'a', kind: 'greeter', greting: 'x' })).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_LAB_INVALID' }),
    )
    expect(() => prepareCheck(kinds, { id: 'a', kind: 'welcome' })).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_CHECK_UNKNOWN_KIND' }),
    )
  })
})
