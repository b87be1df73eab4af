// Pure: the one change a namespace-mode trainee may make to their own Namespace, the label the
// Gateway API lab's shared Gateway admits routes by (names.ts LABEL_SHARED_GATEWAY_ACCESS). The
// rest of a trainee namespace's metadata is the fence itself (Pod Security and cohort labels, the
// domain and TCP-port annotations the admission policies read), so:
// - RBAC: a ClusterRole per trainee (namespaces are cluster-scoped) with `get` and `patch` on their
//   namespace by resourceName, which `kubectl label namespace` needs, and nothing else;
// - a ValidatingAdmissionPolicy per cohort, for requests by the cohort's trainees, that refuses any
//   update of a Namespace but that label's: another namespace, another label, an annotation (but
//   the one `kubectl apply` keeps the last applied object in), a finalizer or an owner reference.
//   It selects the cohort's namespaces by an objectSelector, which matches the old object too, so
//   dropping the cohort labels does not escape it.
import { deny, planAdmissionFence, type ResourceRule } from './admission.ts'
import {
  LABEL_COHORT,
  LABEL_ROLE,
  LABEL_SHARED_GATEWAY_ACCESS,
  cohortLabels,
  cohortPrefix,
  traineeLabels,
  type CohortNames,
} from './names.ts'
import { fromCohortTrainee } from './platform-fence.ts'
import { TRAINEE_SERVICE_ACCOUNT } from './rbac.ts'
import type { KubeObject } from './types.ts'

const rbacApi = 'rbac.authorization.k8s.io/v1'

export function namespaceLabelFenceName(cohort: CohortNames): string {
  return `${cohortPrefix(cohort)}-namespace-label`
}

/** CEL: a metadata field of the new and the old object, empty when unset. */
const field = (name: string, empty: string) => ({
  now: `(has(object.metadata.${name}) ? object.metadata.${name} : ${empty})`,
  before: `(has(oldObject.metadata.${name}) ? oldObject.metadata.${name} : ${empty})`,
})

/** CEL: the map field `name` is as it was, but for the key `free`. */
function sameBut(name: string, free: string): string {
  const f = field(name, '{}')
  return (
    `${f.before}.all(k, k == '${free}' || (k in ${f.now} && ${f.now}[k] == ${f.before}[k])) && ` +
    `${f.now}.all(k, k == '${free}' || k in ${f.before})`
  )
}

/**
 * CEL: every label but the access label is as it was, and so is the rest of the metadata but for
 * the annotation `kubectl apply` keeps its last applied object in (the lab's file for the label).
 */
export const ONLY_THE_ACCESS_LABEL_RULE = [
  sameBut('labels', LABEL_SHARED_GATEWAY_ACCESS),
  sameBut('annotations', 'kubectl.kubernetes.io/last-applied-configuration'),
  ...['finalizers', 'ownerReferences'].map((n) => `${field(n, '[]').now} == ${field(n, '[]').before}`),
].join(' && ')

/** The trainee's right to read and label their own namespace (and no other). */
export function planNamespaceLabelAccess(cohort: CohortNames, trainee: string, namespace: string): KubeObject[] {
  const name = `${cohortPrefix(cohort)}-${trainee}-namespace`
  const labels = traineeLabels(cohort, trainee)
  return [
    {
      apiVersion: rbacApi,
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules: [{ apiGroups: [''], resources: ['namespaces'], resourceNames: [namespace], verbs: ['get', 'patch'] }],
    },
    {
      apiVersion: rbacApi,
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: TRAINEE_SERVICE_ACCOUNT, namespace }],
    },
  ]
}

/** The cohort's policy and binding (cluster-scoped). */
export function planNamespaceLabelFence(cohort: CohortNames): KubeObject[] {
  const rule: ResourceRule = { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['namespaces'] }
  const howTo = `'kubectl label namespace ' + variables.ns + ' ${LABEL_SHARED_GATEWAY_ACCESS}=true'`
  return planAdmissionFence({
    name: namespaceLabelFenceName(cohort),
    labels: cohortLabels(cohort),
    rules: [rule],
    matchConditions: [{ name: 'from-a-trainee-of-the-cohort', expression: fromCohortTrainee(cohort) }],
    // system:serviceaccount:<namespace>:trainee
    variables: [{ name: 'ns', expression: "request.userInfo.username.split(':')[2]" }],
    validations: [
      deny(
        'object.metadata.name == variables.ns',
        `'You may change only your own namespace, ' + variables.ns + ', and there only the label ${LABEL_SHARED_GATEWAY_ACCESS}.'`,
      ),
      deny(
        ONLY_THE_ACCESS_LABEL_RULE,
        `'On your namespace you may set only the label ${LABEL_SHARED_GATEWAY_ACCESS} (' + ${howTo} + '); its other labels and annotations are the fences of the class.'`,
      ),
    ],
    objects: { [LABEL_COHORT]: cohort.name, [LABEL_ROLE]: 'trainee' },
  })
}
