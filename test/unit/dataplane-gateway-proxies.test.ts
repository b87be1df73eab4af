// The data plane's Kubernetes Gateway proxies (test/cluster/dataplane/gateway-proxies.ts) without
// network namespaces: which pods get a proxy (and none of the stand-ins), and the Supervisor
// stopping one process on purpose without reporting it as a crash.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { V1Pod } from '@kubernetes/client-node'
import { afterAll, describe, expect, it } from 'vitest'
import { isGatewayApiPod, wantedProxies } from '../cluster/dataplane/gateway-proxies.ts'
import { Supervisor } from '../cluster/procs.ts'

const owns = (ip: string): boolean => ip.startsWith('10.230.')

function pod(name: string, o: { gateway?: string; ip?: string; phase?: string; deleting?: boolean } = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      labels: o.gateway === undefined ? { app: name } : { 'gateway.networking.k8s.io/gateway-name': o.gateway },
      ...(o.deleting === true ? { deletionTimestamp: new Date(0) } : {}),
    },
    status: { podIP: o.ip ?? '10.230.0.9', phase: o.phase ?? 'Running' },
  }
}

describe('wantedProxies', () => {
  it('takes Running Gateway pods with a data-plane IP, named by their Gateway, and nothing else', () => {
    const pods = [
      pod('shop-gateway-istio-1', { gateway: 'shop-gateway', ip: '10.230.0.5' }),
      pod('frontend-1'),
      pod('pending-gw', { gateway: 'shop-gateway', phase: 'Pending' }),
      pod('foreign-ip-gw', { gateway: 'other', ip: '10.244.0.3' }),
      pod('leaving-gw', { gateway: 'shop-gateway', deleting: true }),
    ]
    const wanted = wantedProxies(pods, owns)
    expect(wanted.map((w) => [w.gateway, w.ip, w.pod.metadata?.name])).toEqual([
      ['shop/shop-gateway', '10.230.0.5', 'shop-gateway-istio-1'],
    ])
    expect(pods.filter(isGatewayApiPod).map((p) => p.metadata?.name)).not.toContain('frontend-1')
  })

  it('keys a pod by uid and IP, so a re-created pod of the same name gets a new proxy', () => {
    const a = wantedProxies([pod('gw-1', { gateway: 'gw' })], owns)[0]
    const b = wantedProxies(
      [{ ...pod('gw-1', { gateway: 'gw' }), metadata: { ...pod('gw-1', { gateway: 'gw' }).metadata, uid: 'new' } }],
      owns,
    )[0]
    expect(a?.key).not.toEqual(b?.key)
  })
})

describe('Supervisor.stopOne', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-procs-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('stops one process without calling the unexpected-exit handler; a crash still calls it', async () => {
    const supervisor = new Supervisor(dir)
    const unexpected: string[] = []
    supervisor.onUnexpectedExit((proc) => unexpected.push(proc.name))
    const retired = supervisor.start('retired', process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
    const crashing = supervisor.start('crashing', process.execPath, ['-e', 'setTimeout(() => process.exit(3), 200)'])
    await supervisor.stopOne(retired, 2_000)
    expect(await retired.exited).not.toBe(0)
    expect(await crashing.exited).toBe(3)
    await new Promise((r) => setImmediate(r))
    expect(unexpected).toEqual(['crashing'])
    expect(supervisor.processes.map((p) => p.name)).toEqual(['crashing'])
    await supervisor.stop()
  })
})
