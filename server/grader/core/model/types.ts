// The grader's typed view of the Kubernetes and Istio objects it reasons about (Gateway,
// VirtualService, DestinationRule, ServiceEntry, Service, Pod). Pure types: no parsing here.
// Field names follow the Istio and Kubernetes APIs so that field paths read like the YAML.
import type { Finding, ResourceRef, SourceLocation } from '../findings.ts'

/** Object metadata, with the namespace already defaulted. */
export interface ObjectMeta {
  name: string
  namespace: string
  labels: Record<string, string>
  annotations: Record<string, string>
  /** RFC 3339 timestamp when present; absent objects compare equal on time (spec §1.6). */
  creationTimestamp?: string
}

/** What every parsed resource carries: identity, where it came from, and the raw object. */
export interface ResourceBase<K extends string> {
  kind: K
  apiVersion: string
  metadata: ObjectMeta
  source: SourceLocation
  /**
   * One-based lines of rule-level fields when read from YAML (`spec.http[1]`,
   * `spec.http[1].match[0]`, `spec.servers[0]`, ...), so explanations can point at the line.
   */
  fieldLines?: Record<string, number>
}

// ---- Istio common -------------------------------------------------------------------------

/** Istio StringMatch: exactly one of exact, prefix or regex is meaningful. */
export interface StringMatch {
  exact?: string
  prefix?: string
  regex?: string
}

export interface PortSelector {
  number?: number
}

export interface Destination {
  host: string
  subset?: string
  port?: PortSelector
}

export interface HeaderOperations {
  set?: Record<string, string>
  add?: Record<string, string>
  remove?: string[]
}

export interface Headers {
  request?: HeaderOperations
  response?: HeaderOperations
}

// ---- Gateway --------------------------------------------------------------------------------

export interface ServerPort {
  number: number
  protocol: string
  name: string
  targetPort?: number
}

export interface ServerTLSSettings {
  httpsRedirect?: boolean
  /**
   * PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL, OPTIONAL_MUTUAL. Absent means
   * PASSTHROUGH (the proto enum's zero value), so `tls: {httpsRedirect: true}` alone is passthrough.
   */
  mode?: string
  credentialName?: string
  credentialNames?: string[]
  serverCertificate?: string
  privateKey?: string
  caCertificates?: string
  subjectAltNames?: string[]
}

export interface Server {
  port: ServerPort
  bind?: string
  hosts: string[]
  tls?: ServerTLSSettings
  name?: string
}

export interface GatewaySpec {
  /** Absent or empty means "every gateway workload". */
  selector?: Record<string, string>
  servers: Server[]
}

export interface Gateway extends ResourceBase<'Gateway'> {
  spec: GatewaySpec
}

// ---- VirtualService -------------------------------------------------------------------------

export interface HTTPMatchRequest {
  name?: string
  uri?: StringMatch
  scheme?: StringMatch
  method?: StringMatch
  authority?: StringMatch
  headers?: Record<string, StringMatch>
  port?: number
  sourceLabels?: Record<string, string>
  gateways?: string[]
  queryParams?: Record<string, StringMatch>
  ignoreUriCase?: boolean
  withoutHeaders?: Record<string, StringMatch>
  sourceNamespace?: string
  statPrefix?: string
}

export interface HTTPRouteDestination {
  destination: Destination
  weight?: number
  headers?: Headers
}

export interface HTTPRedirect {
  uri?: string
  authority?: string
  port?: number
  /** FROM_PROTOCOL_DEFAULT or FROM_REQUEST_PORT. */
  derivePort?: string
  scheme?: string
  redirectCode?: number
  prefixRewrite?: string
}

export interface RegexRewrite {
  match: string
  rewrite: string
}

export interface HTTPRewrite {
  uri?: string
  authority?: string
  uriRegexRewrite?: RegexRewrite
}

export interface HTTPDirectResponse {
  status: number
  body?: { string?: string; bytes?: string }
}

export interface Delegate {
  name: string
  namespace?: string
}

export interface HTTPRoute {
  name?: string
  match?: HTTPMatchRequest[]
  route?: HTTPRouteDestination[]
  redirect?: HTTPRedirect
  directResponse?: HTTPDirectResponse
  delegate?: Delegate
  rewrite?: HTTPRewrite
  timeout?: string
  headers?: Headers
  /** Fields the grader does not model (retries, fault, mirror, corsPolicy, ...), kept as written. */
  other?: Record<string, unknown>
}

export interface L4MatchAttributes {
  destinationSubnets?: string[]
  port?: number
  sourceLabels?: Record<string, string>
  gateways?: string[]
  sourceNamespace?: string
}

export interface TLSMatchAttributes extends L4MatchAttributes {
  sniHosts: string[]
}

export interface RouteDestination {
  destination: Destination
  weight?: number
}

export interface TLSRoute {
  match: TLSMatchAttributes[]
  route: RouteDestination[]
}

export interface TCPRoute {
  match?: L4MatchAttributes[]
  route: RouteDestination[]
}

export interface VirtualServiceSpec {
  hosts: string[]
  /** Absent means `[mesh]`: the VirtualService never reaches an ingress gateway (spec §12). */
  gateways?: string[]
  http: HTTPRoute[]
  tls: TLSRoute[]
  tcp: TCPRoute[]
  exportTo?: string[]
}

export interface VirtualService extends ResourceBase<'VirtualService'> {
  spec: VirtualServiceSpec
}

// ---- DestinationRule, ServiceEntry ----------------------------------------------------------

export interface Subset {
  name: string
  labels?: Record<string, string>
}

export interface DestinationRule extends ResourceBase<'DestinationRule'> {
  spec: { host: string; subsets: Subset[]; exportTo?: string[] }
}

export interface ServiceEntryPort {
  number: number
  protocol?: string
  name?: string
  targetPort?: number
}

export interface WorkloadEntrySpec {
  address?: string
  labels?: Record<string, string>
  /** Port name → target port number. */
  ports?: Record<string, number>
}

export interface ServiceEntry extends ResourceBase<'ServiceEntry'> {
  spec: {
    hosts: string[]
    ports: ServiceEntryPort[]
    location?: string
    resolution?: string
    exportTo?: string[]
    endpoints?: WorkloadEntrySpec[]
    workloadSelector?: { labels: Record<string, string> }
  }
}

// ---- Kubernetes -----------------------------------------------------------------------------

export interface ServicePort {
  name?: string
  port: number
  /** A number or a named container port; absent means "same as port". */
  targetPort?: number | string
  /** TCP (the default), UDP or SCTP. */
  protocol: string
  appProtocol?: string
  nodePort?: number
}

export interface Service extends ResourceBase<'Service'> {
  spec: {
    ports: ServicePort[]
    /** Absent means the Service selects no pods (e.g. ExternalName or manual Endpoints). */
    selector?: Record<string, string>
    type?: string
    externalName?: string
  }
}

export interface ContainerPort {
  name?: string
  containerPort: number
  protocol: string
}

export interface Pod extends ResourceBase<'Pod'> {
  spec: { containerPorts: ContainerPort[] }
  status: { podIP?: string }
}

/** Any resource the grader models. */
export type Resource = Gateway | VirtualService | DestinationRule | ServiceEntry | Service | Pod

/** An object of a kind the grader does not model; listed so reports can say it was skipped. */
export interface IgnoredObject {
  apiVersion: string
  kind: string
  namespace: string
  name: string
  source: SourceLocation
}

/**
 * Everything the grader knows about a learner's configuration. The lists hold only accepted
 * resources; `rejected` holds those istiod's validation would refuse (spec §1.5), which must be
 * treated as absent, and `findings` says why (IST0106).
 */
export interface ResourceModel {
  gateways: Gateway[]
  virtualServices: VirtualService[]
  destinationRules: DestinationRule[]
  serviceEntries: ServiceEntry[]
  services: Service[]
  pods: Pod[]
  rejected: Resource[]
  ignored: IgnoredObject[]
  findings: Finding[]
}

/** The `{kind, namespace, name}` reference findings use. */
export function refOf(resource: { kind: string; metadata: { namespace: string; name: string } }): ResourceRef {
  return { kind: resource.kind, namespace: resource.metadata.namespace, name: resource.metadata.name }
}
