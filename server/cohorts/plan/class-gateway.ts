// Pure: what the platform plans for the Gateway API lab in a namespace-mode class, so trainees
// need not write where the class is shared:
// - the shared Gateway `infra/public` (the lab's shared-Gateway step), once per class: one listener
//   per cohort, `*.<cohort domain>`. In the Gateway API a leading `*.` matches one label or more,
//   so it covers every trainee's `<name>.<trainee>.<cohort domain>`; the host policy keeps each
//   trainee's route hostnames inside their own domain. Its `allowedRoutes` admits HTTPRoutes only
//   from this cohort's trainee namespaces that carry the lab's label (names.ts
//   LABEL_SHARED_GATEWAY_ACCESS). Several classes share the one Gateway the lab names: each
//   cohort's listener is applied under a field manager of its own (as gateway-port.ts does for TCP
//   ports; `listeners` is a map list keyed by name, at most 64), so one class's setup or teardown
//   never touches another's listener;
// - per trainee, the ReferenceGrant in Istio's namespace that lets HTTPRoutes of their namespace
//   (only) use the dashboards' Services (only): one grant per trainee, applied and deleted with the
//   trainee, so the grants follow the roster (a grant's `from` holds at most 16 entries, fewer
//   than a class has trainees).
// - read access to the shared Gateway (`kubectl -n infra get gateway public`); the trainee's read
//   access to their own grant is with their other rights in istio-system (rbac.ts platformRules).
import { DASHBOARD_SERVICES } from './route-fence.ts'
import {
  LABEL_COHORT,
  LABEL_MANAGED_BY,
  LABEL_ROLE,
  LABEL_SHARED_GATEWAY_ACCESS,
  cohortLabels,
  cohortPrefix,
  dashboardsGrantName,
  traineeLabels,
  type CohortNames,
} from './names.ts'
import { TRAINEE_SERVICE_ACCOUNT } from './rbac.ts'
import type { KubeObject } from './types.ts'

const GATEWAY_API = 'gateway.networking.k8s.io/v1'
const rbacApi = 'rbac.authorization.k8s.io/v1'

/** The shared Gateway the lab's steps and checks name (labs/gateway-api-ingress manifests/shared-gateway.yaml). */
export const CLASS_GATEWAY = { namespace: 'infra', name: 'public' } as const

/** The field manager that owns `cohort`'s listener on the shared Gateway. */
export function classGatewayManager(cohort: CohortNames): string {
  return `${cohortPrefix(cohort)}-shared-gateway`
}

/** The cohort's listener on the shared Gateway (a listener name is a DNS label, like a cohort name). */
export function classListenerName(cohort: CohortNames): string {
  return `kl-${cohort.name}`
}

/** The namespace of the shared Gateway: shared by every class, never deleted with one. */
export function planClassGatewayNamespace(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: CLASS_GATEWAY.namespace, labels: { [LABEL_MANAGED_BY]: 'kindlab' } },
  }
}

/** The shared Gateway with only this cohort's listener (a partial object for server-side apply). */
export function planClassGateway(cohort: CohortNames): KubeObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'Gateway',
    metadata: { name: CLASS_GATEWAY.name, namespace: CLASS_GATEWAY.namespace },
    spec: {
      gatewayClassName: 'istio',
      listeners: [
        {
          name: classListenerName(cohort),
          port: 80,
          protocol: 'HTTP',
          hostname: `*.${cohort.domain}`,
          allowedRoutes: {
            namespaces: {
              from: 'Selector',
              selector: {
                matchLabels: {
                  [LABEL_SHARED_GATEWAY_ACCESS]: 'true',
                  [LABEL_COHORT]: cohort.name,
                  [LABEL_ROLE]: 'trainee',
                },
              },
            },
            kinds: [{ kind: 'HTTPRoute' }],
          },
        },
      ],
    },
  }
}

/** The same Gateway with nothing: applied as a cohort's manager, it releases that cohort's listener. */
export function releaseClassGateway(): KubeObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'Gateway',
    metadata: { name: CLASS_GATEWAY.name, namespace: CLASS_GATEWAY.namespace },
  }
}

/** Who may read the shared Gateway (a cohort-wide Role; each trainee is bound to it). */
export function planClassGatewayReader(cohort: CohortNames): KubeObject {
  return {
    apiVersion: rbacApi,
    kind: 'Role',
    metadata: {
      name: `${cohortPrefix(cohort)}-shared-gateway-read`,
      namespace: CLASS_GATEWAY.namespace,
      labels: cohortLabels(cohort),
    },
    rules: [{ apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'list', 'watch'] }],
  }
}

/** One trainee's objects: their dashboards grant and their binding to the shared Gateway's reader. */
export function planClassGatewayTrainee(
  cohort: CohortNames,
  trainee: string,
  namespace: string,
  istioNamespace: string,
): KubeObject[] {
  const labels = traineeLabels(cohort, trainee)
  const reader = planClassGatewayReader(cohort).metadata.name
  return [
    {
      apiVersion: GATEWAY_API,
      kind: 'ReferenceGrant',
      metadata: { name: dashboardsGrantName(namespace), namespace: istioNamespace, labels },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace }],
        to: DASHBOARD_SERVICES.map((name) => ({ group: '', kind: 'Service', name })),
      },
    },
    {
      apiVersion: rbacApi,
      kind: 'RoleBinding',
      metadata: {
        name: `${cohortPrefix(cohort)}-${trainee}-shared-gateway`,
        namespace: CLASS_GATEWAY.namespace,
        labels,
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: reader },
      subjects: [{ kind: 'ServiceAccount', name: TRAINEE_SERVICE_ACCOUNT, namespace }],
    },
  ]
}
