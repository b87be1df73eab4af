// Pure: the ValidatingAdmissionPolicy (CEL, built into Kubernetes) that keeps each trainee's
// Gateway and VirtualService hosts, and their Kubernetes Gateway API listener and route hostnames,
// inside their own domain, so no trainee can take another's traffic. A Gateway API route without
// hostnames may attach only to Gateways of its own namespace. One policy and one binding per
// cohort; the allowed suffix is read from the trainee namespace's annotation, which trainees cannot
// edit (the namespace-label fence admits one label and nothing else).
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

/**
 * Kubernetes Gateway API (gateway.networking.k8s.io): every HTTP/HTTPS/TLS listener of a trainee's
 * Gateway names a hostname in their domain (a listener without one takes every name); TCP and UDP
 * listeners have no hostname (each Gateway gets its own Service, so their ports are not shared).
 */
export const K8S_GATEWAY_RULE = `object.kind != 'Gateway' || !has(object.spec.listeners) || object.spec.listeners.all(l, l.protocol in ['TCP', 'UDP'] || (has(l.hostname) && ${inDomain('l.hostname')}))`

/** The route kinds whose hostnames the fence reads (TCPRoute has none). */
const HOSTNAME_ROUTES = "['HTTPRoute', 'GRPCRoute', 'TLSRoute']"

/** HTTPRoutes, GRPCRoutes and TLSRoutes list only hostnames in the trainee's domain. */
export const ROUTE_HOSTNAMES_RULE = `!(object.kind in ${HOSTNAME_ROUTES}) || !has(object.spec.hostnames) || object.spec.hostnames.all(h, ${inDomain('h')})`

/** CEL: parentRef `p` names a Gateway (the default kind and group) of the route's own namespace. */
const ownGateway = (p: string): string =>
  `((!has(${p}.kind) || ${p}.kind == 'Gateway') && (!has(${p}.group) || ${p}.group == 'gateway.networking.k8s.io') && (!has(${p}.namespace) || ${p}.namespace == request.namespace))`

/**
 * A route without hostnames takes every name its listener allows. That is isolation-safe only on
 * the trainee's own Gateways, whose listeners the Gateway rule above fences to their domain; on a
 * shared Gateway (a class-wide listener for `*.<cohort domain>`) it would take every trainee's hosts.
 * So a route without hostnames may attach only to Gateways in its own namespace.
 */
export const ROUTE_WITHOUT_HOSTNAMES_RULE = `!(object.kind in ${HOSTNAME_ROUTES}) || (has(object.spec.hostnames) && size(object.spec.hostnames) > 0) || !has(object.spec.parentRefs) || object.spec.parentRefs.all(p, ${ownGateway('p')})`

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
    rules: [
      resourceRule(['networking.istio.io'], ['gateways', 'virtualservices']),
      resourceRule(['gateway.networking.k8s.io'], ['gateways', 'httproutes', 'grpcroutes', 'tlsroutes']),
    ],
    variables: [{ name: 'domain', expression: `namespaceObject.metadata.annotations['${ANNOTATION_DOMAIN}']` }],
    validations: [
      deny(GATEWAY_RULE, message('Gateway')),
      deny(VIRTUALSERVICE_RULE, message('VirtualService')),
      deny(
        K8S_GATEWAY_RULE,
        `'Every HTTP, HTTPS and TLS listener needs a hostname, ' + variables.domain + ' or ending with .' + variables.domain + ' (your trainee domain).'`,
      ),
      deny(
        ROUTE_HOSTNAMES_RULE,
        `object.kind + ' ' + object.metadata.name + ' may list only hostnames that are ' + variables.domain + ' or end with .' + variables.domain + ' (your trainee domain).'`,
      ),
      deny(
        ROUTE_WITHOUT_HOSTNAMES_RULE,
        `object.kind + ' ' + object.metadata.name + ' lists no hostnames, so on a Gateway outside your namespace it would take the host names of every trainee: list yours under ' + variables.domain + ', e.g. shop.' + variables.domain + '.'`,
      ),
    ],
    namespaces: { [LABEL_COHORT]: cohort.name, [LABEL_ROLE]: 'trainee' },
  })
}
