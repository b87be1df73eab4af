// The planner on the shipped blueprint: step order, the kind and existing-cluster variants, and the
// dry-run text naming kind, Istio, the shop's images and the node ports.
import { describe, expect, it } from 'vitest'
import { loadBlueprint } from './blueprint.ts'
import { planUp } from './plan.ts'
import { planText } from './plan-text.ts'

const bp = await loadBlueprint()
const base = { kubeconfigPath: '/home/u/.kindlab/kubeconfig', workDir: '/home/u/.kindlab/work' }

describe('planUp', () => {
  it('plans kind → Gateway API CRDs → Istio → app → addons → wait for a kind target', () => {
    const plan = planUp(bp, { ...base, target: { type: 'kind', clusterName: 'kindlab' } })
    expect(plan.steps.map((s) => s.id)).toEqual(['cluster', 'gateway-api', 'istio', 'app', 'addons', 'ready'])
    expect(plan.context).toBe('kind-kindlab')
    const crds = plan.steps[1]
    expect(crds?.action === 'gateway-api-crds' && crds.url).toBe(
      'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.0/standard-install.yaml',
    )
    expect(crds?.action === 'gateway-api-crds' && Object.keys(crds.pin.files)).toContain(
      'gateway.networking.k8s.io_tcproutes.yaml',
    )
    const istio = plan.steps[2]
    expect(istio?.action === 'istio' && istio.nodePorts).toEqual([30021, 30080, 30443, 30306])
    const ready = plan.steps[5]
    expect(ready?.action === 'wait' && ready.deployments.map((d) => `${d.namespace}/${d.name}`)).toEqual(
      expect.arrayContaining([
        'istio-system/istiod',
        'istio-system/istio-ingressgateway',
        'hipster/frontend',
        'hipster/redis-cart',
        'istio-system/kiali',
      ]),
    )
  })

  it('changes the listen address of every port mapping when asked (docker compose)', () => {
    const plan = planUp(bp, {
      ...base,
      target: { type: 'kind', clusterName: 'lab2', listenAddress: '0.0.0.0', internalKubeconfig: true },
    })
    const cluster = plan.steps[0]
    expect(cluster?.action).toBe('kind-cluster')
    if (cluster?.action === 'kind-cluster') {
      expect(cluster.config.name).toBe('lab2')
      expect(cluster.config.nodes[0]?.extraPortMappings?.every((m) => m.listenAddress === '0.0.0.0')).toBe(true)
      expect(cluster.internalKubeconfig).toBe(true)
    }
    expect(bp.kind.config.nodes[0]?.extraPortMappings?.[0]?.listenAddress).toBe('127.0.0.1')
  })

  it('moves every host port by the offset, in the kind config and in the port facts, and nothing else', () => {
    const plain = planUp(bp, { ...base, target: { type: 'kind', clusterName: 'kindlab' } })
    const shifted = planUp(bp, { ...base, target: { type: 'kind', clusterName: 't1', hostPortOffset: 10_010 } })
    const maps = (p: typeof plain) => {
      const step = p.steps[0]
      return step?.action === 'kind-cluster' ? (step.config.nodes[0]?.extraPortMappings ?? []) : []
    }
    expect(maps(plain).map((m) => [m.hostPort, m.containerPort])).toEqual([
      [80, 30080],
      [443, 30443],
      [3306, 30306],
    ])
    expect(maps(shifted).map((m) => [m.hostPort, m.containerPort, m.listenAddress])).toEqual([
      [10_090, 30080, '127.0.0.1'],
      [10_453, 30443, '127.0.0.1'],
      [13_316, 30306, '127.0.0.1'],
    ])
    expect(shifted.ports.filter((p) => p.scope === 'host').map((p) => p.mapping)).toEqual([
      '127.0.0.1:10090 → node port 30080',
      '127.0.0.1:10453 → node port 30443',
      '127.0.0.1:13316 → node port 30306',
    ])
    // Node ports, gateway ports and the blueprint itself are untouched.
    expect(shifted.ports.filter((p) => p.scope !== 'host')).toEqual(plain.ports.filter((p) => p.scope !== 'host'))
    expect(bp.kind.config.nodes[0]?.extraPortMappings?.[0]?.hostPort).toBe(80)
    expect(() => planUp(bp, { ...base, target: { type: 'kind', clusterName: 'x', hostPortOffset: 63_000 } })).toThrow(
      /beyond 65535/,
    )
  })

  it('keeps an existing cluster as it is: no kind, default gateway Service type, existing Istio kept', () => {
    const plan = planUp(bp, { ...base, target: { type: 'context', context: 'prod-east' }, optional: ['loadgenerator'] })
    expect(plan.steps.map((s) => s.action)).toEqual(['check-context', 'istio', 'apply', 'apply', 'wait'])
    const istio = plan.steps[1]
    if (istio?.action !== 'istio') {
      throw new Error('expected the istio step')
    }
    expect(istio.keepExisting).toBe(true)
    expect(JSON.stringify(istio.overlay)).not.toContain('nodePort')
    expect(JSON.stringify(istio.overlay)).not.toContain('NodePort')
    expect(JSON.stringify(bp.istio.overlay)).toContain('NodePort')
    expect(plan.images.some((r) => r.image.startsWith('kindest/node'))).toBe(false)
    expect(plan.images.some((r) => r.image.endsWith('/loadgenerator:v0.10.5'))).toBe(true)
    expect(plan.ports.some((p) => p.scope === 'host')).toBe(false)
  })
})

describe('planText', () => {
  it('prints every step, image and port for the dry run', () => {
    const text = planText(
      planUp(bp, { ...base, target: { type: 'kind', clusterName: 'kindlab' } }),
      'http://127.0.0.1:4280/',
    ).join('\n')
    expect(text).toContain('kind create cluster --name kindlab')
    expect(text).toContain('istioctl install -y -f /home/u/.kindlab/work/istio-overlay.yaml')
    expect(text).toContain('us-central1-docker.pkg.dev/google-samples/microservices-demo/frontend:v0.10.5')
    expect(text).toMatch(/127\.0\.0\.1:80 → node port 30080/)
    expect(text).toMatch(/127\.0\.0\.1:443 → node port 30443/)
    expect(text).toContain('Serve the labs at http://127.0.0.1:4280/')
  })

  it('has no serve step without a serve address (a cohort trainee cluster)', () => {
    const plan = planUp(bp, { ...base, target: { type: 'kind', clusterName: 'kindlab' } })
    const text = planText(plan).join('\n')
    expect(text).not.toContain('Serve the labs')
    expect(text).toContain(`  ${plan.steps.length}. ${plan.steps[plan.steps.length - 1]?.title ?? ''}`)
  })
})
