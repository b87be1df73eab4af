// The per-mode backends: each cohort's calls go to its mode's backend, cluster mode is decided
// once, and an orphan of unknown mode is looked for (and torn down) in both.
import { describe, expect, it } from 'vitest'
import type { EnvironmentBackend } from './environments.ts'
import { createLazyBackend, createModeBackends } from './mode-router.ts'

function recorder(name: string, calls: string[], orphans: string[] = []): EnvironmentBackend {
  const log = (what: string) => {
    calls.push(`${name} ${what}`)
    return Promise.resolve()
  }
  return {
    live: name === 'namespace',
    prepareShared: (c) => log(`prepare ${c.name}`),
    provision: (c, t) => log(`provision ${c.name}/${t}`),
    cancel: (c, t) => void calls.push(`${name} cancel ${c.name}${t ? `/${t}` : ''}`),
    destroy: (c, t) => log(`destroy ${c.name}/${t}`),
    teardown: (c) => log(`teardown ${c.name}`),
    leftovers: (c) => Promise.resolve([`${name}:${c.name}`]),
    cohortsInCluster: () => Promise.resolve(orphans),
  }
}

describe('createModeBackends', () => {
  it('routes by cohort mode, decides cluster mode once, and treats unknown-mode orphans in both', async () => {
    const calls: string[] = []
    let decisions = 0
    const backends = createModeBackends({
      namespace: recorder('namespace', calls, ['ns-orphan', 'both']),
      cluster: () => {
        decisions++
        return Promise.resolve(recorder('cluster', calls, ['kind-orphan', 'both']))
      },
    })
    expect(backends.known('cluster')).toBeUndefined()
    const ns = { name: 'a', domain: 'a.example', mode: 'namespace' as const }
    const cl = { name: 'b', domain: 'b.example', mode: 'cluster' as const }
    await backends.provision(ns, 'trainee01')
    await backends.provision(cl, 'trainee01')
    await backends.destroy(cl, 'trainee01')
    backends.cancel?.(cl)
    expect(await backends.leftovers(cl)).toEqual(['cluster:b'])
    expect((await backends.cohortsInCluster()).sort()).toEqual(['both', 'kind-orphan', 'ns-orphan'])
    await backends.teardown({ name: 'orphan', domain: '' })
    expect(await backends.leftovers({ name: 'orphan', domain: '' })).toEqual(['namespace:orphan', 'cluster:orphan'])
    expect(calls).toEqual([
      'namespace provision a/trainee01',
      'cluster provision b/trainee01',
      'cluster destroy b/trainee01',
      'cluster cancel b',
      'namespace teardown orphan',
      'cluster teardown orphan',
    ])
    expect(decisions).toBe(1)
    expect(backends.known('cluster')?.live).toBe(false)
    expect(backends.live).toBe(true)
  })

  it('makes a lazy backend only when used, and reports no planned reason if it cannot be made', async () => {
    let made = 0
    const lazy = createLazyBackend(() => {
      made++
      throw new Error('no kubeconfig')
    })
    expect(made).toBe(0)
    expect(lazy.plannedReason).toBeUndefined()
    expect(() => lazy.live).toThrow('no kubeconfig')
    await expect(Promise.resolve().then(() => lazy.teardown({ name: 'x', domain: '' }))).rejects.toThrow(
      'no kubeconfig',
    )
  })
})
