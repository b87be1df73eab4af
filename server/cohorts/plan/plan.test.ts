// The pure planners: names, labels and the objects of one trainee, and the admission policy's
// CEL (the cluster-mode plan is tested in cluster-plan.test.ts).
import { describe, expect, it } from 'vitest'
import { gatewayPortManager, planGatewayPort } from './gateway-port.ts'
import { GATEWAY_RULE, VIRTUALSERVICE_RULE, planHostPolicy } from './host-policy.ts'
import {
  ANNOTATION_DOMAIN,
  ANNOTATION_TCP_PORT,
  COHORT_NAME_PATTERN,
  DOMAIN_PATTERN,
  LABEL_COHORT,
  LABEL_TRAINEE,
  traineeHosts,
  traineeId,
  traineeNamespace,
  traineeTcpPort,
} from './names.ts'
import { planCohortShared, planNamespaceCohort, planTrainee } from './namespace-plan.ts'

const cohort = { name: 'istio-class', domain: 'istio-class.example' }

describe('names', () => {
  it.each([
    [1, 20, 'trainee01'],
    [7, 50, 'trainee07'],
    [42, 100, 'trainee042'],
  ])('slot %i of %i is %s', (slot, seats, id) => expect(traineeId(slot, seats)).toBe(id))

  it('derives namespaces and host names from the cohort and trainee', () => {
    expect(traineeNamespace(cohort, 'trainee07')).toBe('kl-istio-class-trainee07')
    expect(traineeHosts(cohort, 'trainee07')).toContain('hipster.trainee07.istio-class.example')
  })

  it('accepts DNS-safe cohort names and domains only', () => {
    const name = new RegExp(COHORT_NAME_PATTERN)
    const domain = new RegExp(DOMAIN_PATTERN)
    expect(['a', 'istio-class', 'x9'].every((n) => name.test(n))).toBe(true)
    expect(['', 'Class', '-a', 'a-', 'a_b', 'a'.repeat(31)].some((n) => name.test(n))).toBe(false)
    expect(domain.test('istio-class.example')).toBe(true)
    expect(['example', 'a..b', 'UPPER.example', '-a.example', 'a.example.'].some((d) => domain.test(d))).toBe(false)
  })
})

describe('namespace plan', () => {
  const plan = planTrainee(cohort, 'trainee07', { shopNamespace: 'shop' })
  const byKind = (kind: string) => plan.objects.filter((o) => o.kind === kind)

  it('starts with the namespace: injection on, ownership labels, the domain annotation', () => {
    const ns = plan.objects[0]
    expect(ns?.kind).toBe('Namespace')
    expect(ns?.metadata.labels).toMatchObject({
      'istio-injection': 'enabled',
      [LABEL_COHORT]: 'istio-class',
      [LABEL_TRAINEE]: 'trainee07',
      'app.kubernetes.io/managed-by': 'kindlab',
    })
    expect(ns?.metadata.annotations?.[ANNOTATION_DOMAIN]).toBe('trainee07.istio-class.example')
  })

  it('enforces Pod Security baseline (restricted as warn and audit) and hands out the TCP port 20000 + slot', () => {
    const ns = plan.objects[0]
    expect(ns?.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    })
    expect(ns?.metadata.annotations?.[ANNOTATION_TCP_PORT]).toBe('20007')
    expect(traineeTcpPort(cohort, 'trainee042')).toBe(20_042)
    const pod = byKind('Pod')[0] as { spec: { containers: Array<{ env: object[] }> } } | undefined
    expect(pod?.spec.containers[0]?.env).toContainEqual({ name: 'TRAINEE_TCP_PORT', value: '20007' })
  })

  it("uses the TCP port the store allocated (another cohort of the cluster holds 20007) everywhere the trainee's port appears", () => {
    const allocated = { ...cohort, tcpPorts: { trainee07: 20_051 } }
    const own = planTrainee(allocated, 'trainee07')
    expect(own.objects[0]?.metadata.annotations?.[ANNOTATION_TCP_PORT]).toBe('20051')
    const pod = own.objects.find((o) => o.kind === 'Pod') as unknown as {
      spec: { containers: Array<{ env: object[] }> }
    }
    expect(pod.spec.containers[0]?.env).toContainEqual({ name: 'TRAINEE_TCP_PORT', value: '20051' })
    const svc = planGatewayPort(allocated, 'trainee07', { namespace: 'istio-system', service: 'gw' }) as unknown as {
      spec: { ports: object[] }
    }
    expect(svc.spec.ports).toEqual([{ name: 'tcp-trainee-20051', port: 20_051, targetPort: 20_051, protocol: 'TCP' }])
  })

  it('gives the trainee no kind that points traffic elsewhere, nor volumes or policies', () => {
    const role = byKind('Role').find((r) => r.metadata.namespace === plan.namespace)
    const rules = (role?.['rules'] ?? []) as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>
    const writable = rules.filter((r) => r.verbs.includes('create')).flatMap((r) => r.resources)
    expect(writable.sort()).toEqual(
      [
        'configmaps',
        'deployments',
        'destinationrules',
        'gateways',
        // gateway.networking.k8s.io: its own Gateways and routes; ReferenceGrants only admit others' routes.
        'gateways',
        'grpcroutes',
        'httproutes',
        'pods',
        'pods/exec',
        'pods/log',
        'pods/portforward',
        'referencegrants',
        'secrets',
        'services',
        'tcproutes',
        'tlsroutes',
        'virtualservices',
      ].sort(),
    )
    expect(rules.flatMap((r) => r.resources)).not.toContain('*')
  })

  it('fences the namespace and gives the trainee an identity limited to it', () => {
    expect(plan.objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining([
        'ResourceQuota',
        'LimitRange',
        'NetworkPolicy',
        'ServiceAccount',
        'Role',
        'RoleBinding',
        'ClusterRoleBinding',
        'Pod',
        'Deployment',
        'Service',
      ]),
    )
    const role = byKind('Role').find((r) => r.metadata.namespace === plan.namespace)
    const rules = (role?.['rules'] ?? []) as Array<{ resources: string[]; verbs: string[] }>
    const writable = rules.filter((r) => r.verbs.includes('create')).flatMap((r) => r.resources)
    expect(writable).not.toContain('resourcequotas')
    expect(writable).not.toContain('networkpolicies')
    expect(writable).not.toContain('roles')
    const outside = [...byKind('RoleBinding'), ...byKind('ClusterRoleBinding')].filter(
      (b) => b.metadata.namespace !== plan.namespace,
    )
    expect(outside.map((b) => (b['roleRef'] as { name: string }).name).sort()).toEqual([
      'kindlab-istio-class-ingress-read',
      'kindlab-istio-class-shop-read',
      'kindlab-istio-class-trainee-read',
      'kindlab-istio-class-trainee07-platform',
    ])
  })

  it("lets the trainee write in istio-system only their own TLS Secret and shared Gateway (creating can't be named: the platform fence does that)", () => {
    const platform = byKind('Role').find((r) => r.metadata.name === 'kindlab-istio-class-trainee07-platform')
    expect(platform?.metadata.namespace).toBe('istio-system')
    expect(platform?.['rules']).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['kl-istio-class-trainee07-tls'],
        verbs: ['get', 'update', 'patch', 'delete'],
      },
      { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: ['create'] },
      {
        apiGroups: ['networking.istio.io'],
        resources: ['gateways'],
        resourceNames: ['kl-istio-class-trainee07-gateway'],
        verbs: ['get', 'update', 'patch', 'delete'],
      },
      // Read-only: the dashboards grant the platform plans for the Gateway API lab.
      {
        apiGroups: ['gateway.networking.k8s.io'],
        resources: ['referencegrants'],
        resourceNames: ['dashboards-from-kl-istio-class-trainee07'],
        verbs: ['get'],
      },
    ])
    const pod = byKind('Pod')[0] as unknown as { spec: { containers: Array<{ env: object[] }> } }
    expect(pod.spec.containers[0]?.env).toEqual(
      expect.arrayContaining([
        { name: 'TRAINEE_TLS_SECRET', value: 'kl-istio-class-trainee07-tls' },
        { name: 'TRAINEE_SHARED_GATEWAY', value: 'kl-istio-class-trainee07-gateway' },
      ]),
    )
  })

  it('lets traffic out only to DNS, the shared shop, istiod, the gateways and, for the workspace pod, the API server', () => {
    type Policy = {
      metadata: { name: string }
      spec: {
        podSelector: object
        policyTypes: string[]
        ingress?: Array<{ from: object[] }>
        egress: Array<{ to: object[]; ports?: object[] }>
      }
    }
    const policies = byKind('NetworkPolicy') as unknown as Policy[]
    const policy = (name: string) => policies.find((p) => p.metadata.name === name)
    const [isolation, api, dashboards] = [
      policy('kindlab-isolation'),
      policy('kindlab-workspace-api'),
      policy('kindlab-gateway-dashboards'),
    ]
    const infraGateway = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } },
      podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
    }
    expect(isolation?.spec.policyTypes).toEqual(['Ingress', 'Egress'])
    expect(isolation?.spec.podSelector).toEqual({})
    const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } })
    expect(isolation?.spec.egress).toEqual([
      { to: [{ podSelector: {} }] },
      {
        to: [{ ...ns('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      { to: [ns('shop')] },
      {
        to: [{ ...ns('istio-system'), podSelector: { matchLabels: { app: 'istiod' } } }],
        ports: [
          { protocol: 'TCP', port: 15012 },
          { protocol: 'TCP', port: 15017 },
        ],
      },
      { to: [{ ...ns('istio-system'), podSelector: { matchLabels: { istio: 'ingressgateway' } } }, infraGateway] },
      {
        to: [{ ...ns('istio-system'), podSelector: { matchLabels: { app: 'jaeger' } } }],
        ports: [{ protocol: 'TCP', port: 9411 }],
      },
    ])
    // In: the namespace, Istio's, the shop's, and only the shared Gateway API proxy of infra.
    expect(isolation?.spec.ingress).toEqual([
      { from: [{ podSelector: {} }, ns('istio-system'), ns('shop'), infraGateway] },
    ])
    // The trainee's own Gateway API proxies reach Kiali and Jaeger's query, nothing more.
    expect(dashboards?.spec.podSelector).toEqual({
      matchExpressions: [{ key: 'gateway.networking.k8s.io/gateway-name', operator: 'Exists' }],
    })
    expect(dashboards?.spec.egress).toEqual([
      {
        to: [{ ...ns('istio-system'), podSelector: { matchLabels: { app: 'kiali' } } }],
        ports: [{ protocol: 'TCP', port: 20001 }],
      },
      {
        to: [{ ...ns('istio-system'), podSelector: { matchLabels: { app: 'jaeger' } } }],
        ports: [{ protocol: 'TCP', port: 16686 }],
      },
    ])
    // No rule names another namespace: other trainees' namespaces are unreachable.
    const named = JSON.stringify(isolation?.spec.egress).match(/"kubernetes\.io\/metadata\.name":"[^"]+"/g) ?? []
    expect(new Set(named)).toEqual(
      new Set(['kube-system', 'shop', 'istio-system', 'infra'].map((n) => `"kubernetes.io/metadata.name":"${n}"`)),
    )
    expect(api?.metadata.name).toBe('kindlab-workspace-api')
    expect(api?.spec.podSelector).toEqual({ matchLabels: { app: 'kindlab-workspace' } })
    expect(api?.spec.policyTypes).toEqual(['Egress'])
    // Without the API server's addresses (planned only), any address but only the API ports.
    expect(api?.spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
        ports: [
          { protocol: 'TCP', port: 443 },
          { protocol: 'TCP', port: 6443 },
        ],
      },
    ])
    const pod = byKind('Pod')[0]
    expect(pod?.metadata.labels?.['app']).toBe('kindlab-workspace')
  })

  it('limits the workspace pod’s API egress to the API server’s addresses once they are known', () => {
    const known = planTrainee(cohort, 'trainee07', {
      apiServer: { addresses: ['172.18.0.2', '10.96.0.1', 'fd00::1'], ports: [6443, 443] },
    })
    const api = known.objects.find((o) => o.metadata.name === 'kindlab-workspace-api') as
      { spec: { egress: unknown[] } } | undefined
    expect(api?.spec.egress).toEqual([
      {
        to: [
          { ipBlock: { cidr: '172.18.0.2/32' } },
          { ipBlock: { cidr: '10.96.0.1/32' } },
          { ipBlock: { cidr: 'fd00::1/128' } },
        ],
        ports: [
          { protocol: 'TCP', port: 6443 },
          { protocol: 'TCP', port: 443 },
        ],
      },
    ])
  })

  it('copies only the frontend by default, wired to the shared backends; the whole shop on request', () => {
    expect(byKind('Deployment').map((d) => d.metadata.name)).toEqual(['frontend'])
    expect(JSON.stringify(byKind('Deployment')[0])).toContain('productcatalogservice.shop.svc.cluster.local:3550')
    const full = planTrainee(cohort, 'trainee07', { fullShop: true })
    expect(full.objects.filter((o) => o.kind === 'Deployment').length).toBe(11)
    expect(JSON.stringify(full.objects)).toContain(`productcatalogservice.${full.namespace}.svc.cluster.local`)
  })

  it('runs the workspace pod as the trainee with TRAINEE_DOMAIN set', () => {
    const pod = byKind('Pod')[0] as
      | { spec: { serviceAccountName: string; containers: Array<{ env: Array<{ name: string; value: string }> }> } }
      | undefined
    expect(pod?.spec.serviceAccountName).toBe('trainee')
    expect(pod?.spec.containers[0]?.env).toContainEqual({
      name: 'TRAINEE_DOMAIN',
      value: 'trainee07.istio-class.example',
    })
  })

  it('labels every object for teardown and plans the shared objects once', () => {
    const whole = planNamespaceCohort(cohort, ['trainee01', 'trainee02'])
    for (const o of [...whole.shared, ...whole.trainees.flatMap((t) => t.objects)]) {
      expect(o.metadata.labels?.[LABEL_COHORT], `${o.kind} ${o.metadata.name}`).toBe('istio-class')
    }
    expect(planCohortShared(cohort).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'ValidatingAdmissionPolicy kindlab-istio-class-hosts',
      'ValidatingAdmissionPolicyBinding kindlab-istio-class-hosts',
      'ValidatingAdmissionPolicy kindlab-istio-class-routes',
      'ValidatingAdmissionPolicyBinding kindlab-istio-class-routes',
      'ValidatingAdmissionPolicy kindlab-istio-class-kinds',
      'ValidatingAdmissionPolicyBinding kindlab-istio-class-kinds',
      'ValidatingAdmissionPolicy kindlab-istio-class-platform',
      'ValidatingAdmissionPolicyBinding kindlab-istio-class-platform',
      'ClusterRole kindlab-istio-class-trainee-read',
      'Role kindlab-istio-class-ingress-read',
      'Role kindlab-istio-class-shop-read',
    ])
  })
})

describe('host policy', () => {
  it('binds to the cohort trainee namespaces and reads the suffix from the namespace annotation', () => {
    const [policy, binding] = planHostPolicy(cohort)
    expect(JSON.stringify(policy)).toContain(`namespaceObject.metadata.annotations['${ANNOTATION_DOMAIN}']`)
    expect(binding?.['spec']).toMatchObject({
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: { matchLabels: { [LABEL_COHORT]: 'istio-class', 'kindlab.dev/role': 'trainee' } },
      },
    })
  })

  it('checks the DNS part of namespaced Gateway hosts and allows own-namespace mesh names for VirtualServices', () => {
    expect(GATEWAY_RULE).toContain("h.substring(h.indexOf('/') + 1)")
    expect(GATEWAY_RULE).not.toContain('svc.cluster.local')
    expect(VIRTUALSERVICE_RULE).toContain("'.' + request.namespace + '.svc.cluster.local'")
  })
})

describe('gateway TCP port', () => {
  it("is the trainee's port under a field manager of its own, named for Istio's TCP protocol", () => {
    const gw = { namespace: 'istio-system', service: 'istio-ingressgateway' }
    expect(planGatewayPort(cohort, 'trainee07', gw)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      spec: { ports: [{ name: 'tcp-trainee-20007', port: 20_007, targetPort: 20_007, protocol: 'TCP' }] },
    })
    expect(gatewayPortManager(cohort, 'trainee07')).toBe('kindlab-istio-class-port-trainee07')
    // Another cohort's trainee07 has its own manager (and, from the store, its own port).
    expect(gatewayPortManager({ name: 'other', domain: 'x.example' }, 'trainee07')).toBe('kindlab-other-port-trainee07')
  })
})
