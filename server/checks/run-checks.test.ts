// Which kinds of objects a step's checks read (kindsRead), and that runChecks hands that set to
// every check's context, so a live resource source lists only those kinds (issue 17 item 6).
import { createTextResourceSource } from './grader-input-files.ts'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { loadLabs } from '../labs/load-labs.ts'
import { resolveCheck } from '../labs/variables.ts'
import { packageRoot } from '../paths.ts'
import { MODEL_READS } from './grader-input.ts'
import { checkKinds } from './registry.ts'
import { kindsRead, runChecks, type DeclaredCheck } from './run-checks.ts'
import type { CheckContext, CheckKind } from './types.ts'

const modelReads = MODEL_READS.map((k) => k.toLowerCase()).sort()

async function stepChecks(index: number): Promise<DeclaredCheck[]> {
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
    expect([...(kindsRead(checkKinds, await stepChecks(0)) ?? ['all'])]).toEqual(['configmap'])
  })

  it('a routing step reads the grader model (and Secrets), not ConfigMaps', async () => {
    const read = kindsRead(checkKinds, await stepChecks(3))
    expect([...(read ?? ['all'])].sort()).toEqual(modelReads)
  })

  it('a resource check adds its own kind; command checks read nothing', () => {
    const checks: DeclaredCheck[] = [
      { id: 'a', kind: 'route', request: { host: 'x', path: '/' }, expect: { service: 's' } },
      { id: 'b', kind: 'resource', object: { kind: 'ConfigMap', name: 'answers' } },
      { id: 'c', kind: 'command', command: 'true' },
    ]
    expect([...(kindsRead(checkKinds, checks) ?? ['all'])].sort()).toEqual([...modelReads, 'configmap'].sort())
  })

  it('a kind that does not say what it reads means every kind', () => {
    const silent: CheckKind = {
      kind: 'silent',
      description: 'declares no reads',
      paramsSchema: Type.Object({}),
      run: () => Promise.resolve({ passed: true, message: '', layers: [] }),
    }
    const kinds = new Map([...checkKinds, ['silent', silent]])
    expect(kindsRead(kinds, [{ id: 'a', kind: 'command', command: 'true' }])).toEqual(new Set())
    expect(
      kindsRead(kinds, [
        { id: 'a', kind: 'command', command: 'true' },
        { id: 'b', kind: 'silent' },
      ]),
    ).toBe(undefined)
  })
})

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
    const context: CheckContext = {
      labId: 'lab',
      stepIndex: 0,
      workspaceDir: '/nonexistent',
      vars: {},
      runCommand: () => Promise.reject(new Error('not used')),
      readWorkspaceFile: () => Promise.resolve(undefined),
      services: { resources: createTextResourceSource([], 'no resources') },
    }
    const results = await runChecks(new Map([['probe', probe]]), {
      checks: [
        { id: 'a', kind: 'probe', reads: ['Service'] },
        { id: 'b', kind: 'probe', reads: ['ConfigMap'] },
      ],
      context,
      failuresBefore: () => 0,
    })
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed'])
    expect(seen).toEqual([new Set(['service', 'configmap']), new Set(['service', 'configmap'])])
  })
})
