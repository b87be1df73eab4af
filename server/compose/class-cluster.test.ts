// The class cluster is read in one place: its target comes from the server's cluster environment
// and --context, a missing kubeconfig is an error for that caller only (`kindlab up` serves before
// its cluster exists), and once it loads every caller shares the one loaded kubeconfig.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createClassCluster } from './class-cluster.ts'

const dir = mkdtempSync(join(tmpdir(), 'kindlab-class-cluster-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const kubeconfig = (contexts: string[]): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
    users: [{ name: 'u', user: { token: 'x' } }],
    contexts: contexts.map((name) => ({ name, context: { cluster: 'c', user: 'u' } })),
    'current-context': contexts[0],
  })

describe('createClassCluster', () => {
  it("targets the cluster environment's KUBECONFIG and the configured context", () => {
    expect(createClassCluster({ kubeContext: 'kind-class' }, { KUBECONFIG: '/k' }).target).toEqual({
      kubeconfigPath: '/k',
      context: 'kind-class',
    })
    expect(createClassCluster({}, {}).target).toEqual({})
  })

  it('says no cluster is configured until the kubeconfig exists, then loads it once for everyone', () => {
    const file = join(dir, 'kubeconfig')
    const cluster = createClassCluster({ kubeContext: 'kind-class' }, { KUBECONFIG: file })
    expect(() => cluster.load()).toThrow(expect.objectContaining({ code: 'LAB_ERR_KUBE_NOT_CONFIGURED' }))
    writeFileSync(file, kubeconfig(['other', 'kind-class']))
    const first = cluster.load()
    expect(first.context).toBe('kind-class')
    expect(first.where).toBe('"kind-class" (https://127.0.0.1:6443)')
    writeFileSync(file, kubeconfig(['changed']))
    expect(cluster.load()).toBe(first)
  })
})
