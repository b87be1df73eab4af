// Pure: the shape every cohort fence shares: a ValidatingAdmissionPolicy (CEL, built into
// Kubernetes) that fails closed on CREATE and UPDATE of some resources, and its binding that denies
// in the namespaces it selects. The fences (host-policy.ts, route-fence.ts, platform-fence.ts,
// cluster-rbac.ts) say only what differs: the resources, who and what is checked, and where.
import type { KubeObject } from './types.ts'

export interface ResourceRule {
  apiGroups: string[]
  apiVersions: string[]
  operations: string[]
  resources: string[]
}

/** Creating and updating `resources` of `apiGroups` (any version unless given). */
export function resourceRule(apiGroups: string[], resources: string[], apiVersions = ['*']): ResourceRule {
  return { apiGroups, apiVersions, operations: ['CREATE', 'UPDATE'], resources }
}

export interface Validation {
  expression: string
  /** A fixed message, or... */
  message?: string
  /** ...one CEL computes. */
  messageExpression?: string
  reason: 'Forbidden'
}

/** A CEL validation that refuses with `reason: Forbidden` and the message CEL computes. */
export function deny(expression: string, messageExpression: string): Validation {
  return { expression, messageExpression, reason: 'Forbidden' }
}

export interface AdmissionFence {
  name: string
  labels: Record<string, string>
  rules: ResourceRule[]
  /** Which requests it looks at, e.g. only a trainee's ServiceAccount. */
  matchConditions?: Array<{ name: string; expression: string }>
  variables?: Array<{ name: string; expression: string }>
  validations: Validation[]
  /** The namespaces the binding applies it to (by their labels). */
  namespaces?: Record<string, string>
  /**
   * The objects it applies to, by their labels. On an update the old or the new object may match,
   * so removing the labels does not escape the policy (a namespaceSelector, for a Namespace
   * itself, reads the new object's labels only).
   */
  objects?: Record<string, string>
}

/** The policy and its Deny binding (both cluster-scoped), named alike. */
export function planAdmissionFence(f: AdmissionFence): KubeObject[] {
  const metadata = { name: f.name, labels: f.labels }
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata,
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: f.rules },
        ...(f.matchConditions ? { matchConditions: f.matchConditions } : {}),
        ...(f.variables ? { variables: f.variables } : {}),
        validations: f.validations,
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { ...metadata },
      spec: {
        policyName: f.name,
        validationActions: ['Deny'],
        matchResources: {
          ...(f.namespaces ? { namespaceSelector: { matchLabels: f.namespaces } } : {}),
          ...(f.objects ? { objectSelector: { matchLabels: f.objects } } : {}),
        },
      },
    },
  ]
}
