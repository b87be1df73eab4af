// Pure: the ValidatingAdmissionPolicy (CEL) that fences what a namespace-mode trainee writes in
// Istio's namespace. The lab's HTTPS step needs a TLS Secret there (istiod serves a classic
// Gateway's `credentialName` only from the gateway pod's namespace) and its shared-Gateway step a
// Gateway there. RBAC lets the trainee create Secrets and Gateways in istio-system but cannot limit
// `create` by name (rbac.ts platformRules); this policy, one per cohort, bound to istio-system and
// matching only requests by the cohort's trainees, admits exactly:
// - a Secret named `<their namespace>-tls` of type kubernetes.io/tls (never a ServiceAccount token
//   Secret, which would hand them the token of istiod or any ServiceAccount there);
// - a Gateway named `<their namespace>-gateway` that selects the ingress gateway, opens only 80
//   (HTTP) and 443 (HTTPS or TLS) without `bind`, serves only hosts in their domain, and takes its
//   certificate only from their own Secret.
// The trainee is read from the requesting ServiceAccount's namespace (`kl-<cohort>-traineeNN`).
import { deny, planAdmissionFence, resourceRule } from './admission.ts'
import { GATEWAY_RULE } from './host-policy.ts'
import { cohortLabels, cohortPrefix, SHARED_GATEWAY_SUFFIX, TLS_SECRET_SUFFIX, type CohortNames } from './names.ts'
import { GATEWAY_PORT_RULE, GATEWAY_SELECTOR_RULE, credentialRule } from './route-fence.ts'
import { TRAINEE_SERVICE_ACCOUNT } from './rbac.ts'
import type { KubeObject } from './types.ts'

export function platformFenceName(cohort: CohortNames): string {
  return `${cohortPrefix(cohort)}-platform`
}

/** CEL: the request comes from a trainee ServiceAccount of this cohort. */
export function fromCohortTrainee(cohort: CohortNames): string {
  return `request.userInfo.username.matches('^system:serviceaccount:kl-${cohort.name}-trainee[0-9]{2,3}:${TRAINEE_SERVICE_ACCOUNT}$')`
}

export const SECRET_RULE = `object.kind != 'Secret' || (object.metadata.name == variables.ns + '${TLS_SECRET_SUFFIX}' && has(object.type) && object.type == 'kubernetes.io/tls')`
export const GATEWAY_NAME_RULE = `object.kind != 'Gateway' || object.metadata.name == variables.ns + '${SHARED_GATEWAY_SUFFIX}'`

export function planPlatformFence(cohort: CohortNames, istioNamespace: string): KubeObject[] {
  const prefix = `kl-${cohort.name}-`
  return planAdmissionFence({
    name: platformFenceName(cohort),
    labels: cohortLabels(cohort),
    rules: [resourceRule([''], ['secrets'], ['v1']), resourceRule(['networking.istio.io'], ['gateways'])],
    matchConditions: [{ name: 'from-a-trainee-of-the-cohort', expression: fromCohortTrainee(cohort) }],
    variables: [
      // system:serviceaccount:<namespace>:trainee
      { name: 'ns', expression: "request.userInfo.username.split(':')[2]" },
      { name: 'domain', expression: `variables.ns.substring(${prefix.length}) + '.${cohort.domain}'` },
      { name: 'tlsSecret', expression: `variables.ns + '${TLS_SECRET_SUFFIX}'` },
      // The shared Gateway carries HTTP and HTTPS only: a TCP server belongs in the trainee's own namespace.
      { name: 'tcpPort', expression: '0' },
    ],
    validations: [
      deny(
        SECRET_RULE,
        `'In ${istioNamespace} you may create only your TLS Secret ' + variables.tlsSecret + ' (kubectl create secret tls ' + variables.tlsSecret + ' -n ${istioNamespace} ...).'`,
      ),
      deny(
        GATEWAY_NAME_RULE,
        `'In ${istioNamespace} your Gateway must be named ' + variables.ns + '${SHARED_GATEWAY_SUFFIX}: the namespace is shared by the class.'`,
      ),
      deny(
        GATEWAY_SELECTOR_RULE,
        `'Gateway ' + object.metadata.name + ' must select the ingress gateway (istio: ingressgateway).'`,
      ),
      deny(
        GATEWAY_PORT_RULE,
        `'Gateway ' + object.metadata.name + ' may open only port 80 (HTTP) and 443 (HTTPS or TLS), without bind.'`,
      ),
      deny(
        GATEWAY_RULE,
        `'Gateway hosts must be ' + variables.domain + ' or end with .' + variables.domain + ' (your trainee domain).'`,
      ),
      deny(
        credentialRule('variables.tlsSecret'),
        `'Gateway ' + object.metadata.name + ' may take its certificate only from your Secret ' + variables.tlsSecret + '.'`,
      ),
    ],
    namespaces: { 'kubernetes.io/metadata.name': istioNamespace },
  })
}
