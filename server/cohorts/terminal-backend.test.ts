import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { traineeClusterExec } from './cluster/trainee-cluster-exec.ts'
import type { PodExec } from './pod-terminal.ts'
import { createLazyCohortSessionFactory } from './terminal-backend.ts'

/** An exec that records where it was asked to open a shell, then refuses (no pod here). */
function recordingExec(calls: string[], who: string): PodExec {
  return {
    exec: (namespace, pod, container) => {
      calls.push(`${who} ${namespace}/${pod}/${container}`)
      return Promise.reject(new Error('no pod here'))
    },
  }
}

describe('createLazyCohortSessionFactory', () => {
  it('starts a local shell for a learner without reading the kubeconfig', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kindlab-tb-'))
    let loads = 0
    const factory = createLazyCohortSessionFactory(() => {
      loads += 1
      throw new Error('no cluster here')
    })
    const session = factory({ workspaceDir: dir, env: {} })
    expect(loads).toBe(0)
    await session.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the kubeconfig when the first trainee shell starts, and says so when it cannot', () => {
    let loads = 0
    const factory = createLazyCohortSessionFactory(() => {
      loads += 1
      throw new Error('no cluster configured')
    })
    expect(() => factory({ workspaceDir: '/tmp', env: { TRAINEE_NAMESPACE: 'kl-c-trainee01' } })).toThrow(
      'no cluster configured',
    )
    expect(loads).toBe(1)
  })

  it("opens a cluster-mode trainee's shell in their own cluster, never the class cluster", async () => {
    const calls: string[] = []
    const clusters: string[] = []
    const factory = createLazyCohortSessionFactory(
      () => recordingExec(calls, 'class'),
      (name) => {
        clusters.push(name)
        return recordingExec(calls, name)
      },
    )
    const own = factory({
      workspaceDir: '/tmp',
      env: { TRAINEE_NAMESPACE: 'kindlab-workspace', TRAINEE_CLUSTER: 'kl-c-trainee02' },
    }) as unknown as { ready: Promise<void> }
    await own.ready.catch(() => undefined)
    const shared = factory({ workspaceDir: '/tmp', env: { TRAINEE_NAMESPACE: 'kl-c-trainee01' } }) as unknown as {
      ready: Promise<void>
    }
    await shared.ready.catch(() => undefined)
    expect(clusters).toEqual(['kl-c-trainee02'])
    expect(calls).toEqual(['kl-c-trainee02 kindlab-workspace/workspace/shell', 'class kl-c-trainee01/workspace/shell'])
  })

  it('says why when a trainee cluster has no kubeconfig here (not built, or only planned)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kindlab-tb-'))
    const noKind = 'Cluster mode gives every trainee a kind cluster, but on this machine kind is not installed.'
    const exec = traineeClusterExec(dir, () => noKind)('kl-c-trainee01')
    const run = () =>
      exec.exec(
        'kindlab-workspace',
        'workspace',
        'shell',
        [],
        process.stdout,
        process.stdout,
        undefined as never,
        true,
        () => {},
      )
    await expect(run()).rejects.toMatchObject({
      code: 'LAB_ERR_TERMINAL_UNAVAILABLE',
      message: 'Your kind cluster kl-c-trainee01 does not exist.',
      hint: noKind,
    })
    const building = traineeClusterExec(dir)('kl-c-trainee01')
    await expect(
      building.exec('ns', 'workspace', 'shell', [], process.stdout, process.stdout, undefined as never, true, () => {}),
    ).rejects.toMatchObject({ message: 'Your kind cluster kl-c-trainee01 does not exist yet.' })
    await rm(dir, { recursive: true, force: true })
  })
})
