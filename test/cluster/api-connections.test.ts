// Issue 17 item 6: a live Check's reads of the learner's resources reuse their connections to the
// API server. client-node 1.4 alone opens a new TLS connection for every request; kube-api.ts pools
// them per cluster and identity; and a step's checks that read only some kinds list only those. Counted on a real kube-apiserver behind a loopback TCP relay that
// counts the connections it accepts (the kubeconfig points at the relay; the API server's
// certificate is for 127.0.0.1, so TLS verifies as usual).
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, closeApiConnections } from '../../server/adapters/kube/kube-api.ts'
import { createClusterResourceSource } from '../../server/adapters/live/cluster-resource-source.ts'
import { kubeConfig, testNamespace } from './cluster-client.ts'

/** A loopback relay to `target`, counting the connections it accepts. */
async function countingRelay(target: URL): Promise<{ server: Server; port: number; accepted: () => number }> {
  let accepted = 0
  const server = createServer((client) => {
    accepted += 1
    const upstream = connect(Number(target.port), target.hostname)
    client.pipe(upstream).pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { server, port: typeof address === 'object' && address ? address.port : 0, accepted: () => accepted }
}

describe('connections to the API server are reused (real kube-apiserver)', () => {
  const admin = kubeConfig()
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-api-conns-'))
  let relay: Awaited<ReturnType<typeof countingRelay>>
  let ns: { name: string; remove: () => Promise<void> }
  let kubeconfigPath = ''
  let kc: KubeConfig

  /** Connections the relay accepted while `fn` ran. */
  const opened = async <T>(fn: () => Promise<T>): Promise<{ opened: number; result: T }> => {
    const before = relay.accepted()
    const result = await fn()
    return { opened: relay.accepted() - before, result }
  }

  beforeAll(async () => {
    closeApiConnections()
    relay = await countingRelay(new URL(admin.getCurrentCluster()?.server ?? ''))
    ns = await testNamespace(admin, 'conns')
    // The same kubeconfig, pointing at the relay.
    const config = JSON.parse(admin.exportConfig()) as { clusters: Array<{ cluster: { server: string } }> }
    for (const c of config.clusters) {
      c.cluster.server = `https://127.0.0.1:${relay.port}`
    }
    kubeconfigPath = join(dir, 'relay.kubeconfig')
    writeFileSync(kubeconfigPath, JSON.stringify(config), { mode: 0o600 })
    kc = new KubeConfig()
    kc.loadFromFile(kubeconfigPath)
  })
  afterAll(async () => {
    await ns.remove()
    closeApiConnections()
    await new Promise((resolve) => relay.server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  it('sequential requests of one client share one connection', async () => {
    const core = apiClient(kc, CoreV1Api)
    const { opened: count, result } = await opened(async () => {
      const names: string[] = []
      for (let i = 0; i < 5; i++) {
        names.push((await core.readNamespace({ name: ns.name })).metadata?.name ?? '')
      }
      return names
    })
    expect(result).toEqual(Array(5).fill(ns.name))
    expect(count).toBe(1)
  })

  // Every kind: 8 lists of Istio and core kinds, 6 of the Kubernetes Gateway API and the namespace's
  // labels (for allowedRoutes): 15.
  it("a learner's namespace read three times (15 lists each) opens connections only the first time", async () => {
    closeApiConnections()
    const source = createClusterResourceSource({ kube: { kubeconfigPath }, namespaces: [ns.name] })
    const first = await opened(() => source.list())
    const again = await opened(async () => [await source.list(), await source.list()])
    // The 15 lists run in parallel, so the first read may open up to one connection per list.
    expect(first.opened).toBeGreaterThan(0)
    expect(first.opened).toBeLessThanOrEqual(15)
    expect(again.opened).toBe(0)
    expect(again.result[1]?.objects.length).toBe(first.result.objects.length)
  })

  it('a step that reads only ConfigMaps makes one request, not fifteen', async () => {
    await apiClient(admin, CoreV1Api).createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'answers' }, data: { a: '1' } },
    })
    const source = createClusterResourceSource({ kube: { kubeconfigPath }, namespaces: [ns.name] })
    // On an empty pool every request in flight at once opens its own connection: one per list.
    closeApiConnections()
    const all = await opened(() => source.list())
    closeApiConnections()
    const some = await opened(() => source.list({ kinds: new Set(['configmap']) }))
    expect(all.opened).toBe(15)
    expect(some.opened).toBe(1)
    const kinds = (objects: unknown[]): string[] =>
      [...new Set(objects.map((o) => (o as { kind: string }).kind))].sort()
    expect(kinds(some.result.objects)).toEqual(['ConfigMap'])
    expect(kinds(all.result.objects)).toContain('ConfigMap')
    expect(some.result.objects).toEqual(all.result.objects.filter((o) => (o as { kind: string }).kind === 'ConfigMap'))
  })

  it("a shared namespace's objects are read and translated once for trainees pressing Check together", async () => {
    await apiClient(admin, CoreV1Api).createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'shop' }, spec: { ports: [{ port: 80 }] } },
    })
    const source = createClusterResourceSource({ kube: { kubeconfigPath }, sharedReuseMs: 5_000 })
    const trainee = (own: string) =>
      source.scoped?.({ own: [own], shared: [{ namespace: ns.name, kinds: ['Service'] }] })
    const [a, b] = await Promise.all([trainee(`${ns.name}-a`)?.list(), trainee(`${ns.name}-b`)?.list()])
    const shop = (objects: unknown[] | undefined) =>
      objects?.find((o) => (o as { metadata: { name: string } }).metadata.name === 'shop')
    expect(shop(a?.objects)).toMatchObject({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns.name } })
    expect(shop(b?.objects)).toBe(shop(a?.objects))
  })
})
