// Pure: the ValidatingAdmissionPolicies (CEL, built into Kubernetes) that keep a trainee's routing
// inside their fence, next to the host policy (host-policy.ts). Hosts alone are not enough: the
// shared ingress gateway can reach every trainee's Services, so a route's destination, a Service
// that points anywhere, or a Gateway server on someone else's port would carry traffic past the
// NetworkPolicies. Two policies per cohort, bound to its trainee namespaces:
// - `<prefix>-routes` (everyone writing there): Gateway servers only on the ports and protocols the
//   lab hands out (HTTP on 80, HTTPS/TLS on 443, TCP/TLS on the trainee's own port, never `bind`),
//   only for the ingress gateway, and with a certificate only from the trainee's own TLS Secret; VirtualService and DestinationRule destinations only in the
//   trainee's namespace, the shared shop, or the platform Services a lab step names; Services only
//   ClusterIP with a selector and no external IPs (no ExternalName, no hand-made Endpoints).
// - `<prefix>-kinds` (requests from the namespace's own ServiceAccounts, i.e. the trainee, so the
//   endpoint controllers keep working): no Endpoints, EndpointSlices, ServiceEntries,
//   WorkloadEntries, WorkloadGroups or EnvoyFilters. RBAC does not grant these either; this is the
//   second wall, should a Role ever be widened.
// The trainee's TCP port is read from the namespace annotation, which trainees cannot edit.
import { deny, planAdmissionFence, resourceRule } from './admission.ts'
import { ownService } from './host-policy.ts'
import {
  ANNOTATION_TCP_PORT,
  LABEL_COHORT,
  LABEL_ROLE,
  TLS_SECRET_SUFFIX,
  cohortLabels,
  cohortPrefix,
  type CohortNames,
} from './names.ts'
import type { KubeObject } from './types.ts'

/** The ingress gateway pods' labels (clusters/blueprint.yaml istio.ingress.selector). */
export const INGRESS_GATEWAY_SELECTOR: Readonly<Record<string, string>> = { istio: 'ingressgateway' }
/** Gateway server ports and the protocols each may carry (Istio reads protocols case-insensitively). */
const HTTP_PORT = 80
const HTTPS_PORT = 443
const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']
const TLS_PROTOCOLS = ['HTTPS', 'TLS']
const TCP_PROTOCOLS = ['TCP', 'TLS']
/** Kinds a trainee may not write: each points traffic at addresses of the writer's choosing. */
const FORBIDDEN = [
  { group: '', resources: ['endpoints'] },
  { group: 'discovery.k8s.io', resources: ['endpointslices'] },
  { group: 'networking.istio.io', resources: ['serviceentries', 'workloadentries', 'workloadgroups', 'envoyfilters'] },
]

const list = (items: readonly string[]): string => `[${items.map((i) => `'${i}'`).join(', ')}]`

export interface RouteFenceOptions {
  /** Namespace of the shared shop, whose Services every trainee may route to. */
  shopNamespace: string
  /** Platform Services (FQDNs) a lab step routes to, e.g. Kiali and Jaeger in istio-system. */
  sharedDestinations: readonly string[]
}

/** The Services (in Istio's namespace) the labs' dashboards steps route to: Kiali and Jaeger's query. */
export const DASHBOARD_SERVICES = ['kiali', 'tracing'] as const

/** The platform Services the labs' dashboards steps route to, as FQDNs. */
export function dashboardDestinations(istioNamespace: string): string[] {
  return DASHBOARD_SERVICES.map((name) => `${name}.${istioNamespace}.svc.cluster.local`)
}

/** CEL: `h` is a destination inside the fence. */
function destination(h: string, o: RouteFenceOptions): string {
  return `(${ownService(h)} || ${h}.endsWith('.${o.shopNamespace}.svc.cluster.local') || ${h} in ${list(o.sharedDestinations)})`
}

/** CEL: every `route[].destination.host` of a list of rules. */
const routes = (rules: string, ok: (h: string) => string): string =>
  `(!has(${rules}) || ${rules}.all(r, !has(r.route) || r.route.all(x, !has(x.destination) || ${ok('x.destination.host')})))`

export function virtualServiceDestinationRule(o: RouteFenceOptions): string {
  const ok = (h: string) => destination(h, o)
  const http =
    `(!has(object.spec.http) || object.spec.http.all(r, ` +
    `(!has(r.route) || r.route.all(x, !has(x.destination) || ${ok('x.destination.host')})) && ` +
    `(!has(r.mirror) || ${ok('r.mirror.host')}) && ` +
    `(!has(r.mirrors) || r.mirrors.all(m, !has(m.destination) || ${ok('m.destination.host')})) && ` +
    `(!has(r.delegate) || !has(r.delegate.namespace) || r.delegate.namespace == request.namespace)))`
  return `object.kind != 'VirtualService' || (${http} && ${routes('object.spec.tcp', ok)} && ${routes('object.spec.tls', ok)})`
}

export function destinationRuleHostRule(o: RouteFenceOptions): string {
  return `object.kind != 'DestinationRule' || !has(object.spec.host) || ${destination('object.spec.host', o)}`
}

/** CEL: a Gateway selects the ingress gateway pods (exactly), not the egress gateway or any other. */
export const GATEWAY_SELECTOR_RULE = `object.kind != 'Gateway' || (has(object.spec.selector) && object.spec.selector == {${Object.entries(
  INGRESS_GATEWAY_SELECTOR,
)
  .map(([k, v]) => `'${k}': '${v}'`)
  .join(', ')}})`

/** CEL: every Gateway server is on a port and protocol the lab hands the trainee, without `bind`. */
export const GATEWAY_PORT_RULE =
  `object.kind != 'Gateway' || !has(object.spec.servers) || object.spec.servers.all(s, !has(s.bind) && has(s.port.protocol) && (` +
  `(s.port.number == ${HTTP_PORT} && s.port.protocol.upperAscii() in ${list(HTTP_PROTOCOLS)}) || ` +
  `(s.port.number == ${HTTPS_PORT} && s.port.protocol.upperAscii() in ${list(TLS_PROTOCOLS)}) || ` +
  `(variables.tcpPort != 0 && s.port.number == variables.tcpPort && s.port.protocol.upperAscii() in ${list(TCP_PROTOCOLS)})))`

/**
 * CEL: every Gateway server takes its certificate (`tls.credentialName`, `tls.credentialNames`)
 * only from the Secret `secret` (a CEL expression): the trainee's own in istio-system, never the
 * class's other Secrets there (another trainee's, the instructor's real certificate).
 */
export function credentialRule(secret: string): string {
  return (
    `object.kind != 'Gateway' || !has(object.spec.servers) || object.spec.servers.all(s, !has(s.tls) || (` +
    `(!has(s.tls.credentialName) || s.tls.credentialName == '' || s.tls.credentialName == ${secret}) && ` +
    `(!has(s.tls.credentialNames) || s.tls.credentialNames.all(c, c == ${secret}))))`
  )
}

/** CEL: a Service selects pods of its namespace through a ClusterIP, and nothing else. */
export const SERVICE_RULE =
  "object.kind != 'Service' || ((!has(object.spec.type) || object.spec.type == 'ClusterIP') && " +
  'has(object.spec.selector) && size(object.spec.selector) > 0 && ' +
  '(!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0))'

export function routeFenceNames(cohort: CohortNames): { routes: string; kinds: string } {
  const prefix = cohortPrefix(cohort)
  return { routes: `${prefix}-routes`, kinds: `${prefix}-kinds` }
}

/** Both policies and their bindings (cluster-scoped). */
export function planRouteFence(cohort: CohortNames, o: RouteFenceOptions): KubeObject[] {
  const names = routeFenceNames(cohort)
  const labels = cohortLabels(cohort)
  const trainees = { [LABEL_COHORT]: cohort.name, [LABEL_ROLE]: 'trainee' }
  const annotations = 'namespaceObject.metadata.annotations'
  const allowed = `'your namespace (' + request.namespace + '), the shop (*.${o.shopNamespace}.svc.cluster.local)${
    o.sharedDestinations.length ? ` or ${o.sharedDestinations.join(', ')}` : ''
  }'`
  return [
    ...planAdmissionFence({
      name: names.routes,
      labels,
      rules: [
        resourceRule(['networking.istio.io'], ['gateways', 'virtualservices', 'destinationrules']),
        resourceRule([''], ['services']),
      ],
      variables: [
        {
          name: 'tcpPort',
          expression: `has(${annotations}) && '${ANNOTATION_TCP_PORT}' in ${annotations} ? int(${annotations}['${ANNOTATION_TCP_PORT}']) : 0`,
        },
      ],
      validations: [
        deny(
          GATEWAY_SELECTOR_RULE,
          `'Gateway ' + object.metadata.name + ' must select the ingress gateway with exactly ${Object.entries(
            INGRESS_GATEWAY_SELECTOR,
          )
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')}.'`,
        ),
        deny(
          GATEWAY_PORT_RULE,
          `'Gateway ' + object.metadata.name + ' may open only port ${HTTP_PORT} (HTTP), ${HTTPS_PORT} (HTTPS or TLS)' + (variables.tcpPort != 0 ? ' and your TCP port ' + string(variables.tcpPort) + ' (TCP or TLS)' : '') + ', without bind: the gateway is shared, and a server elsewhere would take a port from other trainees.'`,
        ),
        deny(
          credentialRule(`request.namespace + '${TLS_SECRET_SUFFIX}'`),
          `'Gateway ' + object.metadata.name + ' may take its certificate only from your Secret ' + request.namespace + '${TLS_SECRET_SUFFIX} in the namespace of the gateway pods.'`,
        ),
        deny(
          virtualServiceDestinationRule(o),
          `'VirtualService ' + object.metadata.name + ' may route only to ' + ${allowed} + ', and delegate only within your namespace.'`,
        ),
        deny(
          destinationRuleHostRule(o),
          `'DestinationRule ' + object.metadata.name + ' may only name a host in ' + ${allowed} + '.'`,
        ),
        deny(
          SERVICE_RULE,
          `'Service ' + object.metadata.name + ' must be a ClusterIP Service with a selector and no externalIPs: ExternalName, selector-less (hand-made Endpoints), NodePort and LoadBalancer Services would point the shared gateway outside your namespace.'`,
        ),
      ],
      namespaces: trainees,
    }),
    ...planAdmissionFence({
      name: names.kinds,
      labels,
      rules: FORBIDDEN.map((f) => resourceRule([f.group], f.resources)),
      // Only the trainee (a ServiceAccount of the namespace): the endpoint controllers write there too.
      matchConditions: [
        {
          name: 'from-the-namespace',
          expression: "request.userInfo.username.startsWith('system:serviceaccount:' + request.namespace + ':')",
        },
      ],
      validations: [
        deny(
          'false',
          "request.kind.kind + ' objects point traffic at addresses of your choosing, past the fences of the class; they are not allowed in a trainee namespace.'",
        ),
      ],
      namespaces: trainees,
    }),
  ]
}
