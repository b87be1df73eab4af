// The cluster ResourceSource for a class on the REAL API server: trainees' sources scoped from one
// base share the reads of namespaces that are nobody's own (istio-system, the shop) for
// a short while (SHARED_NAMESPACE_REUSE_MS; here set long, then short, so load cannot flake it), while each learner's own namespace is read fresh on every Check.
import { setTimeout as delay } from 'node:timers/promises'
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClusterResourceSource } from '../../../server/adapters/live/cluster-resource-source.ts'
import type { ResourceScope } from '../../../server/checks/live-services.ts'
import { kubeConfig, testNamespace } from '../cluster-client.ts'
import { clusterTarget } from './harness.ts'

const service = (name: string) => ({
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
})

describe('shared reads of the class namespaces', () => {
  let kc: KubeConfig
  let shared: { name: string; remove: () => Promise<void> }
  let a: { name: string; remove: () => Promise<void> }
  let b: { name: string; remove: () => Promise<void> }

  beforeAll(async () => {
    kc = kubeConfig()
    ;[shared, a, b] = await Promise.all([testNamespace(kc, 'shop'), testNamespace(kc, 'ta'), testNamespace(kc, 'tb')])
  })
  afterAll(async () => Promise.all([shared, a, b].map((n) => n?.remove())))

  const scope = (own: string): ResourceScope => ({
    own: [own],
    shared: [{ namespace: shared.name, kinds: ['Service'] }],
  })
  const services = (objects: unknown[], namespace: string): string[] =>
    objects
      .map((o) => o as { kind: string; metadata: { name: string; namespace: string } })
      .filter((o) => o.kind === 'Service' && o.metadata.namespace === namespace)
      .map((o) => o.metadata.name)
      .sort()

  it('a second trainee within the window reuses the shared read, and sees their own namespace fresh', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    const base = createClusterResourceSource({ kube: clusterTarget(), sharedReuseMs: 60_000 })
    const forA = base.scoped!(scope(a.name))
    const forB = base.scoped!(scope(b.name))
    await core.createNamespacedService({ namespace: shared.name, body: service('frontend') })
    const first = await forA.list()
    expect(services(first.objects, shared.name)).toEqual(['frontend'])
    // Changes right after: one in the shared namespace, one in B's own.
    await core.createNamespacedService({ namespace: shared.name, body: service('later') })
    await core.createNamespacedService({ namespace: b.name, body: service('mine') })
    const second = await forB.list()
    expect(services(second.objects, b.name)).toEqual(['mine'])
    expect(services(second.objects, shared.name)).toEqual(['frontend']) // the shared read of A's Check
    expect(services(second.objects, a.name)).toEqual([]) // never another trainee's
    // Past the window the shared namespace is read again.
    const short = createClusterResourceSource({ kube: clusterTarget(), sharedReuseMs: 200 }).scoped!(scope(b.name))
    expect(services((await short.list()).objects, shared.name)).toEqual(['frontend', 'later'])
    await core.createNamespacedService({ namespace: shared.name, body: service('last') })
    await delay(300)
    expect(services((await short.list()).objects, shared.name)).toEqual(['frontend', 'last', 'later'])
  })

  it('an unscoped source (a solo learner) reads everything fresh', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    const solo = createClusterResourceSource({ kube: clusterTarget(), namespaces: [shared.name] })
    const before = services((await solo.list()).objects, shared.name)
    await core.createNamespacedService({ namespace: shared.name, body: service('solo') })
    expect(services((await solo.list()).objects, shared.name)).toEqual([...before, 'solo'].sort())
  })
})
