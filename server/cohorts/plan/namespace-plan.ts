// Pure: the namespace-mode plan of a cohort: per trainee a namespace (istio-injection, Pod Security
// `baseline`, ownership labels, the domain and TCP-port annotations the admission policies read),
// their frontend, fences, identity and workspace pod; once per cohort the host policy, the route
// fence and the shared read-only roles; where the cluster serves the Gateway API, also what the
// Gateway API lab needs of the platform (class-gateway.ts, namespace-label-fence.ts) and the class
// defaults that make a trainee's own Gateway proxy admissible in their namespace
// (gateway-defaults.ts). The shop's
// namespace, unless given, is the blueprint's (read once from clusters/blueprint.yaml).
import { blueprintShopNamespace } from '../../provision/blueprint.ts'
import { planClassGatewayNamespace, planClassGatewayReader, planClassGatewayTrainee } from './class-gateway.ts'
import { planFences, planWorkspacePod } from './fences.ts'
import { planGatewayDefaults } from './gateway-defaults.ts'
import { planHostPolicy } from './host-policy.ts'
import { planPlatformFence } from './platform-fence.ts'
import {
  ANNOTATION_DOMAIN,
  ANNOTATION_TCP_PORT,
  LABEL_ROLE,
  traineeDomain,
  traineeLabels,
  traineeNamespace,
  traineeSharedGateway,
  traineeTcpPort,
  traineeTlsSecret,
  type CohortNames,
} from './names.ts'
import { planNamespaceLabelAccess, planNamespaceLabelFence } from './namespace-label-fence.ts'
import { POD_SECURITY_LABELS } from './pod-security.ts'
import { dashboardDestinations, planRouteFence } from './route-fence.ts'
import { planSharedRoles, planTraineeRbac, TRAINEE_SERVICE_ACCOUNT } from './rbac.ts'
import { planShop } from './shop.ts'
import {
  DEFAULT_WORKSPACE_IMAGE,
  type CohortPlan,
  type KubeObject,
  type NamespacePlanOptions,
  type TraineePlan,
} from './types.ts'

function resolved(
  options: NamespacePlanOptions,
): Required<Omit<NamespacePlanOptions, 'apiServer'>> & Pick<NamespacePlanOptions, 'apiServer'> {
  return {
    shopNamespace: options.shopNamespace ?? blueprintShopNamespace(),
    fullShop: options.fullShop ?? false,
    workspaceImage: options.workspaceImage ?? DEFAULT_WORKSPACE_IMAGE,
    istioNamespace: options.istioNamespace ?? 'istio-system',
    gatewayApi: options.gatewayApi ?? false,
    ...(options.apiServer ? { apiServer: options.apiServer } : {}),
  }
}

/** Objects shared by the cohort's trainees, applied before any trainee's. */
export function planCohortShared(cohort: CohortNames, options: NamespacePlanOptions = {}): KubeObject[] {
  const o = resolved(options)
  return [
    ...planHostPolicy(cohort),
    ...planRouteFence(cohort, {
      shopNamespace: o.shopNamespace,
      sharedDestinations: dashboardDestinations(o.istioNamespace),
    }),
    ...planPlatformFence(cohort, o.istioNamespace),
    ...planSharedRoles(cohort, o.istioNamespace, o.shopNamespace),
    // The shared Gateway itself is applied under the cohort's own field manager (class-gateway.ts),
    // after these: the Gateway proxy defaults are in place before istiod deploys its proxy.
    ...(o.gatewayApi
      ? [
          planClassGatewayNamespace(),
          planGatewayDefaults(o.istioNamespace),
          planClassGatewayReader(cohort),
          ...planNamespaceLabelFence(cohort),
        ]
      : []),
  ]
}

/**
 * The names of what the trainee writes in Istio's namespace (the lab's HTTPS Secret and shared
 * Gateway): their own, so a class never collides there (rbac.ts platformRules, platform-fence.ts).
 */
export function platformVars(namespace: string): Record<string, string> {
  return { TRAINEE_TLS_SECRET: traineeTlsSecret(namespace), TRAINEE_SHARED_GATEWAY: traineeSharedGateway(namespace) }
}

/** One trainee's objects, in apply order (the namespace first). */
export function planTrainee(cohort: CohortNames, trainee: string, options: NamespacePlanOptions = {}): TraineePlan {
  const o = resolved(options)
  const namespace = traineeNamespace(cohort, trainee)
  const domain = traineeDomain(cohort, trainee)
  const labels = traineeLabels(cohort, trainee)
  const tcpPort = String(traineeTcpPort(cohort, trainee))
  const ns: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: { ...labels, ...POD_SECURITY_LABELS, [LABEL_ROLE]: 'trainee', 'istio-injection': 'enabled' },
      annotations: { [ANNOTATION_DOMAIN]: domain, [ANNOTATION_TCP_PORT]: tcpPort },
    },
  }
  const vars = {
    TRAINEE_DOMAIN: domain,
    TRAINEE_NAMESPACE: namespace,
    ...platformVars(namespace),
    TRAINEE_TCP_PORT: tcpPort,
  }
  return {
    traineeId: trainee,
    namespace,
    domain,
    objects: [
      ns,
      ...planTraineeRbac(cohort, trainee, namespace, o.istioNamespace, o.shopNamespace),
      ...(o.gatewayApi
        ? [
            ...planClassGatewayTrainee(cohort, trainee, namespace, o.istioNamespace),
            ...planNamespaceLabelAccess(cohort, trainee, namespace),
          ]
        : []),
      ...planFences(namespace, labels, o.istioNamespace, o.shopNamespace, o.fullShop, o.apiServer),
      ...planShop(namespace, o.shopNamespace, labels, o.fullShop),
      planWorkspacePod(namespace, labels, o.workspaceImage, TRAINEE_SERVICE_ACCOUNT, vars),
    ],
  }
}

/** The whole plan for `trainees` (ids from names.traineeId). */
export function planNamespaceCohort(
  cohort: CohortNames,
  trainees: readonly string[],
  options: NamespacePlanOptions = {},
): CohortPlan {
  return {
    mode: 'namespace',
    shared: planCohortShared(cohort, options),
    trainees: trainees.map((t) => planTrainee(cohort, t, options)),
  }
}
