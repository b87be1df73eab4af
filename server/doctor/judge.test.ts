import { describe, expect, it } from 'vitest'
import type { MachineFacts } from '../adapters/tools/tool-probe.ts'
import { judgeMachine } from './judge.ts'

const GiB = 1024 ** 3
const missing = { found: false, ok: false, output: '' }
const ok = (output: string) => ({ found: true, ok: true, output })

function facts(overrides: Partial<MachineFacts> = {}): MachineFacts {
  return {
    dockerClient: ok('28.2.2'),
    dockerEngine: { ...ok('28.2.2 17179869184'), memBytes: 16 * GiB },
    kind: ok('kind v0.31.0 go1.25.5 linux/amd64'),
    kubectl: ok('clientVersion:\n  gitVersion: v1.36.1\n'),
    istioctl: ok('1.31.1'),
    totalMemBytes: 24 * GiB,
    freeMemBytes: 12 * GiB,
    portsInUse: { 80: false, 443: false },
    inotifyMaxUserInstances: 8192,
    inotifyMaxUserWatches: 524288,
    ...overrides,
  }
}

describe('judgeMachine', () => {
  it('passes a machine that has everything', () => {
    const report = judgeMachine(facts())
    expect(report.canRunLive).toBe(true)
    expect(report.rows.find((r) => r.id === 'kubectl')?.found).toBe('v1.36.1')
    expect(report.rows.find((r) => r.id === 'kind')?.found).toBe('v0.31.0')
  })
  it('names Docker when the client is there but the engine is not', () => {
    const report = judgeMachine(
      facts({ dockerEngine: { found: true, ok: false, output: 'Cannot connect to the Docker daemon' } }),
    )
    expect(report.canRunLive).toBe(false)
    const engine = report.rows.find((r) => r.id === 'docker-engine')
    expect(engine).toMatchObject({ status: 'fail', found: 'not reachable' })
    expect(engine?.fix).toMatch(/Start Docker/)
    expect(report.summary).toBe('The live lab cannot start: Docker engine not reachable.')
  })
  it('lists every missing tool with the install hint', () => {
    const report = judgeMachine(
      facts({ dockerClient: missing, dockerEngine: missing, kind: missing, istioctl: missing }),
    )
    expect(report.rows.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([
      'docker-client',
      'docker-engine',
      'kind',
      'istioctl',
    ])
    expect(report.rows.find((r) => r.id === 'kind')?.fix).toMatch(/kindlab tools install/)
  })
  it('fails on too little Docker memory and warns below 8 GiB', () => {
    expect(
      judgeMachine(facts({ dockerEngine: { ...ok('x'), memBytes: 4 * GiB } })).rows.find((r) => r.id === 'memory')
        ?.status,
    ).toBe('fail')
    expect(
      judgeMachine(facts({ dockerEngine: { ...ok('x'), memBytes: 7 * GiB } })).rows.find((r) => r.id === 'memory')
        ?.status,
    ).toBe('warn')
  })
  it('warns about busy ports and low inotify limits without blocking', () => {
    const report = judgeMachine(facts({ portsInUse: { 80: true, 443: false }, inotifyMaxUserInstances: 128 }))
    expect(report.canRunLive).toBe(true)
    expect(report.rows.find((r) => r.id === 'port-80')?.status).toBe('warn')
    expect(report.rows.find((r) => r.id === 'inotify')?.fix).toMatch(/max_user_instances=512/)
  })
  it('warns about a kubectl more than one minor version from the pinned cluster', () => {
    const pins = { kubectl: 'v1.36.4' }
    const old = judgeMachine(facts({ kubectl: ok('clientVersion:\n  gitVersion: v1.32.4\n') }), pins)
    expect(old.rows.find((r) => r.id === 'kubectl')).toMatchObject({
      status: 'warn',
      found: 'v1.32.4 (the lab cluster runs 1.36)',
    })
    expect(old.canRunLive).toBe(true)
    const near = judgeMachine(facts({ kubectl: ok('clientVersion:\n  gitVersion: v1.35.2\n') }), pins)
    expect(near.rows.find((r) => r.id === 'kubectl')).toMatchObject({ status: 'ok', found: 'v1.35.2' })
  })
})
