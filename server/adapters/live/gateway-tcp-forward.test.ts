// The TCP probe's way to the gateway when kind maps no host port for it (issue 13 a): the pure
// path decision, the pod port behind a Service port, and a whole exchange through client-node's
// real PortForward. There is no kubelet on this machine, so the API side is a loopback endpoint
// that answers the two reads and speaks the kubelet's port-forward channel protocol
// (loopback-kube.test-helper.ts), relaying to a loopback TCP server that answers Redis' PING. The same path
// against the real kube-apiserver (decision, lookup, refusals) is test/cluster/tcp-forward.test.ts.
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import type { V1Pod, V1Service } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { podPortFor, tcpProbeThroughForward, type ForwardTarget } from './gateway-tcp-forward.ts'
import { tcpPathFor } from './live-services.ts'
import { closeServer, listen, startLoopbackKube, type LoopbackKube } from './loopback-kube.test-helper.ts'

const gateway = { namespace: 'istio-system', service: 'istio-ingressgateway', selector: {}, adminPort: 15000 }

describe('tcpPathFor', () => {
  it('keeps mapped kind ports on the host port and sends the others through a port-forward', () => {
    const kind = { type: 'host-ports', ports: { 80: 80, 443: 443, 6379: 3306 } } as const
    expect(tcpPathFor(kind, 6379)).toEqual({ via: 'address' })
    expect(tcpPathFor(kind, 20001)).toEqual({
      via: 'port-forward',
      reason: 'kind maps no host port for gateway port 20001',
    })
    const nodes = { type: 'node-ports', node: 'kindlab-control-plane', ports: { 6379: 30306 } } as const
    expect(tcpPathFor(nodes, 20001)).toMatchObject({ via: 'port-forward' })
  })

  it('dials an existing cluster (load balancer, Service name) or a given address directly', () => {
    expect(tcpPathFor({ type: 'service', gateway, inCluster: false }, 20001)).toEqual({ via: 'address' })
    expect(tcpPathFor({ type: 'address', host: '10.0.0.9', gateway }, 20001)).toEqual({ via: 'address' })
  })
})

describe('podPortFor', () => {
  const service: V1Service = {
    spec: {
      ports: [
        { port: 20001, targetPort: 20001 },
        { port: 20002 },
        { port: 20003, targetPort: 'redis' },
        { port: 20004, protocol: 'UDP', targetPort: 9 },
      ],
    },
  }
  const pod: V1Pod = { spec: { containers: [{ name: 'p', ports: [{ name: 'redis', containerPort: 16379 }] }] } }
  it.each([
    [20001, 20001],
    [20002, 20002],
    [20003, 16379],
    [20004, undefined],
    [20005, undefined],
  ])('Service port %i → pod port %s', (port, expected) => expect(podPortFor(service, pod, port)).toBe(expected))
})

describe('an exchange through a port-forward (loopback endpoint in place of the kubelet)', () => {
  let redis: TcpServer
  let kube: LoopbackKube

  beforeAll(async () => {
    redis = createTcpServer((socket) =>
      socket.on('data', (d) => socket.write(d.toString().startsWith('PING') ? '+PONG\r\n' : '-ERR\r\n')),
    )
    kube = await startLoopbackKube()
    kube.upstreams.set(20001, await listen(redis))
    kube.objects.set('/api/v1/namespaces/istio-system/services/istio-ingressgateway', {
      kind: 'Service',
      spec: { ports: [{ port: 20001, targetPort: 20001 }] },
    })
    kube.objects.set('/api/v1/namespaces/istio-system/pods/istio-ingressgateway-abc', {
      kind: 'Pod',
      metadata: { name: 'istio-ingressgateway-abc' },
      spec: { containers: [] },
    })
  })
  afterAll(async () => {
    await kube.close()
    await closeServer(redis)
  })

  const target = (): ForwardTarget => ({
    kc: kube.kubeConfig(),
    where: 'loop',
    namespace: 'istio-system',
    service: 'istio-ingressgateway',
    findPod: () => Promise.resolve('istio-ingressgateway-abc'),
  })
  const ping = { port: 20001, send: 'PING\r\n', expect: '+PONG', timeoutMs: 3000 }

  it('gets +PONG from behind the tunnel and names the path it took', async () => {
    kube.refuse = undefined
    const result = await tcpProbeThroughForward(target(), ping, 'kind maps no host port for gateway port 20001')
    expect(result).toEqual({
      connected: true,
      received: '+PONG\r\n',
      via: 'a port-forward to istio-system/istio-ingressgateway-abc port 20001 (kind maps no host port for gateway port 20001)',
    })
    expect(kube.upgrades.at(-1)).toBe(
      '/api/v1/namespaces/istio-system/pods/istio-ingressgateway-abc/portforward?ports=20001',
    )
  })

  it.each([
    [403, /refused the port-forward to istio-system\/istio-ingressgateway-abc port 20001 \(HTTP 403\)/],
    [500, /could not open a port-forward to istio-system\/istio-ingressgateway-abc port 20001 \(HTTP 500\)/],
  ])('a refused upgrade (HTTP %i) is a failed probe in our words, not "connected"', async (status, words) => {
    kube.refuse = status
    const result = await tcpProbeThroughForward(target(), ping, 'test')
    expect(result.connected).toBe(false)
    expect(result.error).toMatch(words)
  })
})
