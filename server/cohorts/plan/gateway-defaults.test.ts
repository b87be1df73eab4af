// The class defaults of the Gateway proxies istiod deploys: what the trainee namespace's own fences
// (fences.ts) admit, planned once per class where the cluster serves the Gateway API. istiod's
// real deployment controller applying them is proven in test/cluster/cohort/gateway-proxy-class.test.ts.
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { planFences } from './fences.ts'
import { GATEWAY_DEFAULTS_NAME, LABEL_DEFAULTS_FOR_CLASS, planGatewayDefaults } from './gateway-defaults.ts'
import { planCohortShared, planTrainee } from './namespace-plan.ts'

const cohort = { name: 'gw-class', domain: 'gw-class.example' }

/** CPU or memory quantities of the forms the plans use (`500m`, `1`, `256Mi`, `1Gi`) as numbers. */
function quantity(q: string): number {
  const m = /^(\d+)(m|Mi|Gi)?$/.exec(q)
  if (!m?.[1]) {
    throw new Error(`unexpected quantity ${q}`)
  }
  const unit = { m: 1e-3, Mi: 2 ** 20, Gi: 2 ** 30 }[m[2] ?? ''] ?? 1
  return Number(m[1]) * unit
}

type Resources = { requests: Record<string, string>; limits: Record<string, string> }

describe('the Gateway proxy defaults of a class', () => {
  const defaults = planGatewayDefaults('istio-system')
  const data = defaults['data'] as Record<string, string>
  const fences = planFences('kl-gw-class-trainee01', {}, 'istio-system', 'shop', false)
  const quota = fences.find((o) => o.kind === 'ResourceQuota')?.['spec'] as { hard: Record<string, string> }
  const limitRange = fences.find((o) => o.kind === 'LimitRange')?.['spec'] as {
    limits: Array<{ max: Record<string, string> }>
  }

  it("is a ConfigMap in istiod's namespace that istiod reads for class istio, with only the overlays istiod supports", () => {
    expect(defaults.metadata).toEqual({
      name: GATEWAY_DEFAULTS_NAME,
      namespace: 'istio-system',
      labels: { 'app.kubernetes.io/managed-by': 'kindlab', [LABEL_DEFAULTS_FOR_CLASS]: 'istio' },
    })
    // istiod 1.31 refuses to render a Gateway whose defaults hold any other key.
    const supported = ['deployment', 'service', 'serviceAccount', 'horizontalPodAutoscaler', 'podDisruptionBudget']
    expect(Object.keys(data).every((k) => supported.includes(k))).toBe(true)
  })

  it('gives the Service a type the trainee quota admits (it allows no LoadBalancer and no NodePort)', () => {
    expect(quota.hard['services.loadbalancers']).toBe('0')
    expect(quota.hard['services.nodeports']).toBe('0')
    expect(parse(data['service'] ?? '')).toEqual({ spec: { type: 'ClusterIP' } })
  })

  it("keeps the proxy container (istio-proxy, merged by name) within the trainee LimitRange's maximum", () => {
    const patch = parse(data['deployment'] ?? '') as {
      spec: { template: { spec: { containers: Array<{ name: string; resources: Resources }> } } }
    }
    const [container, ...more] = patch.spec.template.spec.containers
    expect(more).toEqual([])
    expect(container?.name).toBe('istio-proxy')
    const max = limitRange.limits[0]?.max ?? {}
    for (const resource of ['cpu', 'memory']) {
      const limit = quantity(container?.resources.limits[resource] ?? 'missing')
      const request = quantity(container?.resources.requests[resource] ?? 'missing')
      expect(limit).toBeLessThanOrEqual(quantity(max[resource] ?? '0'))
      expect(request).toBeLessThanOrEqual(limit)
      // Beside the small shop, within the namespace's quota of limits and requests.
      expect(limit).toBeLessThan(quantity(quota.hard[`limits.${resource}`] ?? '0'))
      expect(request).toBeLessThan(quantity(quota.hard[`requests.${resource}`] ?? '0'))
    }
  })

  it('is planned once per class before the shared Gateway, only where the cluster serves the Gateway API', () => {
    const shared = planCohortShared(cohort, { shopNamespace: 'shop', gatewayApi: true, istioNamespace: 'mesh' })
    expect(shared.filter((o) => o.metadata.name === GATEWAY_DEFAULTS_NAME)).toEqual([planGatewayDefaults('mesh')])
    const without = planCohortShared(cohort, { shopNamespace: 'shop' })
    expect(without.map((o) => o.metadata.name)).not.toContain(GATEWAY_DEFAULTS_NAME)
    // Not per trainee, and without a cohort label: shared by every class, no trainee's teardown deletes it.
    const trainee = planTrainee(cohort, 'trainee01', { shopNamespace: 'shop', gatewayApi: true })
    expect(trainee.objects.map((o) => o.metadata.name)).not.toContain(GATEWAY_DEFAULTS_NAME)
    expect(Object.keys(planGatewayDefaults('mesh').metadata.labels ?? {})).not.toContain('kindlab.dev/cohort')
  })
})
