// What the platform plans for the Gateway API lab in a namespace-mode class (the shared Gateway,
// the dashboards grants, the namespace label), and only where the cluster serves the Gateway API.
// The CEL itself is proven against the real API server (test/cluster/cohort/fences.test.ts).
import { describe, expect, it } from 'vitest'
import {
  CLASS_GATEWAY,
  classGatewayManager,
  classListenerName,
  planClassGateway,
  releaseClassGateway,
} from './class-gateway.ts'
import { LABEL_COHORT, LABEL_ROLE, LABEL_SHARED_GATEWAY_ACCESS } from './names.ts'
import { planCohortShared, planTrainee } from './namespace-plan.ts'
import { namespaceLabelFenceName } from './namespace-label-fence.ts'

const cohort = { name: 'gw-class', domain: 'gw-class.example' }
const options = { shopNamespace: 'shop', gatewayApi: true }

describe('the shared Gateway of a class', () => {
  it("is infra/public with one listener for the cohort: every trainee's domain, routes from its labelled namespaces only", () => {
    const gw = planClassGateway(cohort)
    expect(gw.metadata).toEqual({ name: 'public', namespace: 'infra' })
    expect(gw['spec']).toEqual({
      gatewayClassName: 'istio',
      listeners: [
        {
          name: 'kl-gw-class',
          port: 80,
          protocol: 'HTTP',
          // A leading `*.` matches one label or more: shop.trainee07.gw-class.example too.
          hostname: '*.gw-class.example',
          allowedRoutes: {
            namespaces: {
              from: 'Selector',
              selector: {
                matchLabels: {
                  [LABEL_SHARED_GATEWAY_ACCESS]: 'true',
                  [LABEL_COHORT]: 'gw-class',
                  [LABEL_ROLE]: 'trainee',
                },
              },
            },
            kinds: [{ kind: 'HTTPRoute' }],
          },
        },
      ],
    })
  })

  it('is applied and released under a field manager per cohort, so classes keep their own listeners', () => {
    const other = { name: 'other', domain: 'other.example' }
    expect(classGatewayManager(cohort)).not.toBe(classGatewayManager(other))
    expect(classListenerName(cohort)).not.toBe(classListenerName(other))
    expect(releaseClassGateway()).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: CLASS_GATEWAY.name, namespace: CLASS_GATEWAY.namespace },
    })
  })

  it('plans the infra namespace, a reader role and the namespace-label fence once per class, and nothing of it without the Gateway API', () => {
    const shared = planCohortShared(cohort, options)
    const names = shared.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)
    expect(names).toEqual(
      expect.arrayContaining([
        'Namespace /infra',
        'Role infra/kindlab-gw-class-shared-gateway-read',
        `ValidatingAdmissionPolicy /${namespaceLabelFenceName(cohort)}`,
        `ValidatingAdmissionPolicyBinding /${namespaceLabelFenceName(cohort)}`,
      ]),
    )
    // The infra namespace is shared by every class: no cohort label, so no teardown deletes it.
    const infra = shared.find((o) => o.kind === 'Namespace')
    expect(infra?.metadata.labels?.[LABEL_COHORT]).toBeUndefined()
    const without = planCohortShared(cohort, { shopNamespace: 'shop' })
    expect(without.filter((o) => JSON.stringify(o).includes('infra') || o.kind === 'Namespace')).toEqual([])
    expect(without.map((o) => o.metadata.name)).not.toContain(namespaceLabelFenceName(cohort))
  })

  it('binds the namespace-label fence by objectSelector (old or new labels), for the cohort’s trainees only', () => {
    const binding = planCohortShared(cohort, options).find(
      (o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === namespaceLabelFenceName(cohort),
    )
    expect(binding?.['spec']).toEqual({
      policyName: namespaceLabelFenceName(cohort),
      validationActions: ['Deny'],
      matchResources: { objectSelector: { matchLabels: { [LABEL_COHORT]: 'gw-class', [LABEL_ROLE]: 'trainee' } } },
    })
  })
})

describe('per trainee', () => {
  const plan = planTrainee(cohort, 'trainee07', options)
  const find = (kind: string, name: string) => plan.objects.find((o) => o.kind === kind && o.metadata.name === name)

  it("grants HTTPRoutes of the trainee's namespace (only) the dashboards' Services (only), in istio-system", () => {
    const grant = find('ReferenceGrant', 'dashboards-from-kl-gw-class-trainee07')
    expect(grant?.metadata.namespace).toBe('istio-system')
    expect(grant?.metadata.labels).toMatchObject({ 'kindlab.dev/trainee': 'trainee07' })
    expect(grant?.['spec']).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'kl-gw-class-trainee07' }],
      to: [
        { group: '', kind: 'Service', name: 'kiali' },
        { group: '', kind: 'Service', name: 'tracing' },
      ],
    })
  })

  it('lets the trainee read and patch their own namespace by name, and read the shared Gateway', () => {
    expect(find('ClusterRole', 'kindlab-gw-class-trainee07-namespace')?.['rules']).toEqual([
      { apiGroups: [''], resources: ['namespaces'], resourceNames: ['kl-gw-class-trainee07'], verbs: ['get', 'patch'] },
    ])
    expect(find('ClusterRoleBinding', 'kindlab-gw-class-trainee07-namespace')?.['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'trainee', namespace: 'kl-gw-class-trainee07' },
    ])
    const reader = find('RoleBinding', 'kindlab-gw-class-trainee07-shared-gateway')
    expect(reader?.metadata.namespace).toBe('infra')
    expect(reader?.['roleRef']).toMatchObject({ kind: 'Role', name: 'kindlab-gw-class-shared-gateway-read' })
  })

  it('plans none of it where the cluster does not serve the Gateway API', () => {
    const kinds = planTrainee(cohort, 'trainee07', { shopNamespace: 'shop' }).objects.map((o) => o.kind)
    expect(kinds).not.toContain('ReferenceGrant')
    expect(kinds).not.toContain('ClusterRole')
  })
})
