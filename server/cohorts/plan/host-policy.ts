// Pure: the ValidatingAdmissionPolicy (CEL, built into Kubernetes) that keeps each trainee's
// Gateway and VirtualService hosts inside their own domain, so no trainee can take another's
// traffic. One policy and one binding per cohort; the allowed suffix is read from the trainee
// namespace's annotation, which trainees cannot edit (namespaces are cluster-scoped).
import { deny, planAdmissionFence, resourceRule } from './admission.ts'
import { ANNOTATION_DOMAIN, LABEL_COHORT, LABEL_ROLE, cohortLabels, cohortPrefix, type CohortNames } from './names.ts'
import type { KubeObject } from './types.ts'

/** CEL: `x` is the trainee domain or a name under it. */
const inDomain = (x: string): string => `(${x} == variables.domain || ${x}.endsWith('.' + variables.domain))`

/** CEL: `x` names a service of the trainee's own namespace (short or qualified). */
export const ownService = (x: string): string =>
  `((!${x}.contains('.') && ${x} != '*') || ${x}.endsWith('.' + request.namespace + '.svc.cluster.local') || ${x}.endsWith('.' + request.namespace + '.svc'))`

/** Gateway hosts may carry a `namespace/` prefix; only the DNS part counts. */
const gatewayHost = "(h.contains('/') ? h.substring(h.indexOf('/') + 1) : h)"

export const GATEWAY_RULE = `object.kind != 'Gateway' || !has(object.spec.servers) || object.spec.servers.all(s, !has(s.hosts) || s.hosts.all(h, ${inDomain(gatewayHost)}))`
export const VIRTUALSERVICE_RULE = `object.kind != 'VirtualService' || !has(object.spec.hosts) || object.spec.hosts.all(h, ${inDomain('h')} || ${ownService('h')})`

export function hostPolicyName(cohort: CohortNames): string {
  return `${cohortPrefix(cohort)}-hosts`
}

/** The policy and its binding (cluster-scoped), selecting the cohort's trainee namespaces. */
export function planHostPolicy(cohort: CohortNames): KubeObject[] {
  const message = (kind: string): string =>
    `'${kind} hosts must be ' + variables.domain + ' or end with .' + variables.domain + ' (your trainee domain).'`
  return planAdmissionFence({
    name: hostPolicyName(cohort),
    labels: cohortLabels(cohort),
    rules: [resourceRule(['networking.istio.io'], ['gateways', 'virtualservices'])],
    variables: [{ name: 'domain', expression: `namespaceObject.metadata.annotations['${ANNOTATION_DOMAIN}']` }],
    validations: [deny(GATEWAY_RULE, message('Gateway')), deny(VIRTUALSERVICE_RULE, message('VirtualService'))],
    namespaces: { [LABEL_COHORT]: cohort.name, [LABEL_ROLE]: 'trainee' },
  })
}
