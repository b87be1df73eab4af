// Pure: the trainee's identity. A ServiceAccount whose Role covers only its own namespace, plus
// the read-only bits the lab needs elsewhere: Istio routing objects cluster-wide, the ingress
// gateway Service, and the shared shop's Services and Pods.
import type { ResourceScope } from '../../checks/live-services.ts'
import {
  cohortLabels,
  cohortPrefix,
  dashboardsGrantName,
  traineeLabels,
  traineeSharedGateway,
  traineeTlsSecret,
  type CohortNames,
} from './names.ts'
import type { KubeObject } from './types.ts'

export const TRAINEE_SERVICE_ACCOUNT = 'trainee'
const rbacApi = 'rbac.authorization.k8s.io/v1'
const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']
const read = ['get', 'list', 'watch']

/** Cohort-wide roles (applied once): what any trainee may read outside their namespace. */
export function planSharedRoles(cohort: CohortNames, istioNamespace: string, shopNamespace: string): KubeObject[] {
  const labels = cohortLabels(cohort)
  const prefix = cohortPrefix(cohort)
  return [
    {
      apiVersion: rbacApi,
      kind: 'ClusterRole',
      metadata: { name: `${prefix}-trainee-read`, labels },
      rules: [
        {
          apiGroups: ['networking.istio.io'],
          resources: ['gateways', 'virtualservices', 'destinationrules'],
          verbs: read,
        },
      ],
    },
    {
      apiVersion: rbacApi,
      kind: 'Role',
      metadata: { name: `${prefix}-ingress-read`, namespace: istioNamespace, labels },
      rules: [
        { apiGroups: [''], resources: ['services'], resourceNames: ['istio-ingressgateway'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      ],
    },
    {
      apiVersion: rbacApi,
      kind: 'Role',
      metadata: { name: `${prefix}-shop-read`, namespace: shopNamespace, labels },
      rules: [{ apiGroups: ['', 'apps'], resources: ['services', 'pods', 'deployments'], verbs: read }],
    },
  ]
}

/**
 * What a trainee may do in the namespace they work in: exactly what the labs' steps and solutions
 * write (Pods, Deployments, Services, ConfigMaps, Secrets, Gateways, VirtualServices,
 * DestinationRules, and the Gateway API's Gateways, routes and ReferenceGrants) plus reading what explains their state. Nothing that points traffic
 * elsewhere (Endpoints, EndpointSlices, ServiceEntries, WorkloadEntries, EnvoyFilters), no
 * volumes that outlive a pod (PersistentVolumeClaims), no policy or identity objects. The same
 * rules serve a cluster-mode trainee in their own cluster's shop namespace.
 */
export function traineeRules(): object[] {
  return [
    {
      apiGroups: [''],
      resources: ['pods', 'pods/log', 'pods/exec', 'pods/portforward', 'services', 'configmaps', 'secrets'],
      verbs: all,
    },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: all },
    { apiGroups: ['networking.istio.io'], resources: ['gateways', 'virtualservices', 'destinationrules'], verbs: all },
    // The Kubernetes Gateway API, in their own namespace only (a Role): Gateways and routes, their
    // hostnames fenced by the host policy; ReferenceGrants let only others' routes into this namespace.
    {
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['gateways', 'httproutes', 'grpcroutes', 'tcproutes', 'tlsroutes', 'referencegrants'],
      verbs: all,
    },
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways/status', 'httproutes/status'], verbs: read },
    {
      apiGroups: [''],
      resources: ['endpoints', 'events', 'resourcequotas', 'limitranges', 'serviceaccounts'],
      verbs: read,
    },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: read },
  ]
}

/**
 * In Istio's namespace, exactly the two objects the lab's HTTPS and shared-Gateway steps write,
 * under the trainee's own names (names.ts traineeTlsSecret, traineeSharedGateway). `create` cannot
 * be limited by name in RBAC: the cohort's platform fence (platform-fence.ts) refuses any other
 * name, a Secret that is not a TLS Secret and a Gateway outside the trainee's domain. Read-only,
 * the dashboards ReferenceGrant the platform plans for them (class-gateway.ts).
 */
export function platformRules(namespace: string): object[] {
  const own = ['get', 'update', 'patch', 'delete']
  return [
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [traineeTlsSecret(namespace)], verbs: own },
    { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: ['create'] },
    {
      apiGroups: ['networking.istio.io'],
      resources: ['gateways'],
      resourceNames: [traineeSharedGateway(namespace)],
      verbs: own,
    },
    {
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['referencegrants'],
      resourceNames: [dashboardsGrantName(namespace)],
      verbs: ['get'],
    },
  ]
}

/** The trainee's ServiceAccount, namespace Role and bindings (to it and to the shared roles). */
export function planTraineeRbac(
  cohort: CohortNames,
  trainee: string,
  namespace: string,
  istioNamespace: string,
  shopNamespace: string,
): KubeObject[] {
  const labels = traineeLabels(cohort, trainee)
  const prefix = cohortPrefix(cohort)
  const subjects = [{ kind: 'ServiceAccount', name: TRAINEE_SERVICE_ACCOUNT, namespace }]
  const binding = (
    kind: 'RoleBinding' | 'ClusterRoleBinding',
    name: string,
    ns: string | undefined,
    roleKind: string,
    role: string,
  ): KubeObject => ({
    apiVersion: rbacApi,
    kind,
    metadata: { name, ...(ns ? { namespace: ns } : {}), labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
    subjects,
  })
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: TRAINEE_SERVICE_ACCOUNT, namespace, labels } },
    {
      apiVersion: rbacApi,
      kind: 'Role',
      metadata: { name: 'kindlab-trainee', namespace, labels },
      rules: traineeRules(),
    },
    binding('RoleBinding', 'kindlab-trainee', namespace, 'Role', 'kindlab-trainee'),
    binding('ClusterRoleBinding', `${prefix}-${trainee}-read`, undefined, 'ClusterRole', `${prefix}-trainee-read`),
    binding('RoleBinding', `${prefix}-${trainee}-ingress`, istioNamespace, 'Role', `${prefix}-ingress-read`),
    {
      apiVersion: rbacApi,
      kind: 'Role',
      metadata: { name: `${prefix}-${trainee}-platform`, namespace: istioNamespace, labels },
      rules: platformRules(namespace),
    },
    binding('RoleBinding', `${prefix}-${trainee}-platform`, istioNamespace, 'Role', `${prefix}-${trainee}-platform`),
    binding('RoleBinding', `${prefix}-${trainee}-shop`, shopNamespace, 'Role', `${prefix}-shop-read`),
  ]
}

/** Istio routing kinds a trainee may read outside their namespace (the trainee-read ClusterRole). */
const ISTIO_READ_KINDS = ['Gateway', 'VirtualService', 'DestinationRule']

/**
 * What a trainee's checks are graded on: their namespace whole, and in istio-system and the shared
 * shop only what their roles above let them read there (the gateway Service and Pods, the shop's
 * Services and Pods, the platform's Istio routing objects). Never another trainee's namespace,
 * although the trainee-read ClusterRole would let them list its Istio objects.
 */
export function traineeResourceScope(namespace: string, istioNamespace: string, shopNamespace: string): ResourceScope {
  return {
    own: [namespace],
    shared: [
      { namespace: istioNamespace, kinds: ['Service', 'Pod', ...ISTIO_READ_KINDS] },
      // Their own TLS Secret (keys only) for the HTTPS step's checks; never anyone else's.
      { namespace: istioNamespace, kinds: ['Secret'], names: [traineeTlsSecret(namespace)] },
      // The dashboards ReferenceGrant the platform plans for them (the Gateway API lab's step 2).
      { namespace: istioNamespace, kinds: ['ReferenceGrant'], names: [dashboardsGrantName(namespace)] },
      { namespace: shopNamespace, kinds: ['Service', 'Pod', ...ISTIO_READ_KINDS] },
    ],
  }
}
