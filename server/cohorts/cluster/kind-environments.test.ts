// Cluster mode's backend through the real planner, plan runner and executors, with recording
// kind, istioctl and Kubernetes adapters (kind and istioctl need Docker; the real Kubernetes
// adapter against a real control plane is in test/cluster/cohort/cluster-mode.test.ts). Files are
// real, in a temporary data dir.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../errors.ts'
import type { ProgressEventDto } from '../../protocol/api-dto.ts'
import type { KindConfig } from '../../provision/blueprint.ts'
import { clusterModeUnavailable } from './availability.ts'
import { recordingKindEnvironments } from './recording-adapters.test-helper.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true })
  }
})

function recording(options: { istioFails?: AppError } = {}) {
  const r = recordingKindEnvironments(options)
  dirs.push(r.dataDir)
  return r
}

const cohort = { name: 'small', domain: 'small.example', mode: 'cluster' as const }

describe('cluster-mode environments (recording kind and istioctl)', () => {
  it('builds one kind cluster per trainee with its own name, kubeconfig (0600) and host ports', async () => {
    const { envs, calls, dataDir } = recording()
    const events: Record<string, ProgressEventDto[]> = { trainee01: [], trainee02: [] }
    await envs.prepareShared(cohort)
    await Promise.all(['trainee01', 'trainee02'].map((t) => envs.provision(cohort, t, (e) => events[t]?.push(e))))
    const folder = (t: string) => join(dataDir, 'cohort-clusters', 'small', t)
    expect(calls.kind.sort()).toEqual([
      [
        'create',
        'kl-small-trainee01',
        join(folder('trainee01'), 'kind-cluster.yaml'),
        join(folder('trainee01'), 'kubeconfig'),
      ],
      [
        'create',
        'kl-small-trainee02',
        join(folder('trainee02'), 'kind-cluster.yaml'),
        join(folder('trainee02'), 'kubeconfig'),
      ],
    ])
    for (const [t, port] of [
      ['trainee01', 10_090],
      ['trainee02', 10_100],
    ] as const) {
      expect(statSync(join(folder(t), 'kubeconfig')).mode & 0o777).toBe(0o600)
      const config = parse(readFileSync(join(folder(t), 'kind-cluster.yaml'), 'utf8')) as KindConfig
      expect(config.name).toBe(`kl-small-${t}`)
      expect(config.nodes[0]?.extraPortMappings?.[0]?.hostPort).toBe(port)
    }
    expect(calls.istioctl.map((c) => [c.context, c.kubeconfig]).sort()).toEqual([
      ['kind-kl-small-trainee01', join(folder('trainee01'), 'kubeconfig')],
      ['kind-kl-small-trainee02', join(folder('trainee02'), 'kubeconfig')],
    ])
    // The shop, the dashboards and the workspace went to each trainee's own context.
    expect(new Set(calls.applied.map((a) => a.context))).toEqual(
      new Set(['kind-kl-small-trainee01', 'kind-kl-small-trainee02']),
    )
    // Progress names each step with its place, the workspace before the final wait.
    const finals = (events['trainee01'] ?? []).filter((e) => e.state !== 'running')
    expect(finals.map((e) => `${e.index + 1}/${e.total} ${e.step} ${e.state}`)).toEqual([
      '1/6 cluster done',
      '2/6 istio done',
      '3/6 app done',
      '4/6 addons done',
      '5/6 workspace done',
      '6/6 ready done',
    ])
  })

  it('fails naming the step and its hint, and reports the failed step', async () => {
    const { envs } = recording({
      istioFails: new AppError('LAB_ERR_ISTIOCTL_FAILED', {
        message: 'istioctl failed while installing Istio: context deadline exceeded',
        hint: 'Give Docker more memory.',
      }),
    })
    const events: ProgressEventDto[] = []
    const err: unknown = await envs.provision(cohort, 'trainee01', (e) => events.push(e)).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'LAB_ERR_ISTIOCTL_FAILED',
      message: expect.stringMatching(/^Step 2\/6 "Install Istio 1\.31\.1 .*" failed: istioctl failed/) as unknown,
      hint: 'Give Docker more memory.',
    })
    expect(events.at(-1)).toMatchObject({ step: 'istio', state: 'failed', index: 1, total: 6 })
  })

  it('tears down only its own trainee clusters and their files; leftovers and the reaper see kind', async () => {
    const { envs, calls, clusters, dataDir } = recording()
    await envs.provision(cohort, 'trainee01')
    await envs.provision(cohort, 'trainee02')
    // Another installation's trainee cluster (no folder in this data dir) and the solo lab cluster.
    clusters.add('kl-small-trainee03')
    clusters.add('kindlab')
    expect((await envs.leftovers(cohort)).sort()).toEqual([
      `folder ${join(dataDir, 'cohort-clusters', 'small')}`,
      'kind cluster kl-small-trainee01',
      'kind cluster kl-small-trainee02',
    ])
    expect(await envs.cohortsInCluster()).toEqual(['small'])
    await envs.destroy(cohort, 'trainee02')
    expect(existsSync(join(dataDir, 'cohort-clusters', 'small', 'trainee02'))).toBe(false)
    await envs.teardown(cohort)
    expect(calls.kind.filter((c) => c[0] === 'delete').map((c) => c[1])).toEqual([
      'kl-small-trainee02',
      'kl-small-trainee01',
    ])
    expect([...clusters].sort()).toEqual(['kindlab', 'kl-small-trainee03'])
    expect(existsSync(join(dataDir, 'cohort-clusters', 'small'))).toBe(false)
    expect(await envs.leftovers(cohort)).toEqual([])
    expect(await envs.cohortsInCluster()).toEqual([])
  })

  it('gives each cohort its own port block, and frees it at teardown', async () => {
    const { envs, dataDir } = recording()
    const block = (name: string) =>
      JSON.parse(readFileSync(join(dataDir, 'cohort-clusters', name, 'ports.json'), 'utf8')) as { block: number }
    const one = { name: 'one', domain: 'one.example' }
    const two = { name: 'two', domain: 'two.example' }
    await Promise.all([envs.prepareShared(one), envs.prepareShared(two)])
    expect([block('one').block, block('two').block].sort()).toEqual([0, 1])
    const first = block('one').block === 0 ? one : two
    await envs.teardown(first)
    const three = { name: 'three', domain: 'three.example' }
    await envs.prepareShared(three)
    expect(block('three').block).toBe(0)
  })
})

describe('whether cluster mode can build here', () => {
  const ok = { found: true, ok: true, output: '' }
  it('needs a running Docker engine, kind and istioctl, and says what is missing', () => {
    expect(clusterModeUnavailable({ dockerEngine: ok, kind: ok, istioctl: ok })).toBeUndefined()
    const reason = clusterModeUnavailable({
      dockerEngine: { found: true, ok: false, output: 'Cannot connect to the Docker daemon' },
      kind: { found: false, ok: false, output: '' },
      istioctl: ok,
    })
    expect(reason).toContain('the Docker engine is not reachable')
    expect(reason).toContain('kind is not installed (run `kindlab tools install`)')
    expect(reason).not.toContain('istioctl')
    expect(reason).toContain('only planned')
  })
})
