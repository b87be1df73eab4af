// The grader's typed view of Kubernetes Gateway API v1.6.0 objects (GatewayClass, Gateway,
// HTTPRoute, GRPCRoute, TCPRoute, TLSRoute, ReferenceGrant) plus the core objects their rules
// read (Namespace labels for allowedRoutes selectors, Secrets for certificateRefs). The CRDs'
// defaults are already applied, as the API server applies them. Pure types.
// Spec: /work/shared/docs/gateway-api-semantics.md.
import type { Finding, SourceLocation } from '../findings.ts'
import type { ObjectMeta } from '../model/index.ts'

export const gatewayApiGroup = 'gateway.networking.k8s.io'

/** What every Gateway API object carries: identity, where it came from, field lines. */
export interface GwResourceBase<K extends string> {
  kind: K
  apiVersion: string
  metadata: ObjectMeta
  source: SourceLocation
  /** One-based lines of listeners, rules, matches, parentRefs and backendRefs (`spec.rules[1]`). */
  fieldLines?: Record<string, number>
}

export interface GatewayClass extends GwResourceBase<'GatewayClass'> {
  spec: { controllerName: string }
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>
}

/** A reference to a kind (group '' is the core API group). */
export interface RouteGroupKind {
  group: string
  kind: string
}

/** certificateRefs entry: a Secret by default. */
export interface SecretObjectReference {
  group: string
  kind: string
  name: string
  namespace?: string
}

export interface ListenerTLS {
  /** Terminate (the CRD default) or Passthrough. */
  mode: string
  certificateRefs: SecretObjectReference[]
}

export interface AllowedRoutes {
  /** Same (the CRD default), All or Selector. */
  from: string
  selector?: LabelSelector
  /** Absent: every kind the protocol supports. */
  kinds?: RouteGroupKind[]
}

export interface Listener {
  name: string
  hostname?: string
  port: number
  /** As written: HTTP, HTTPS, TLS, TCP, UDP (istiod refuses lower case). */
  protocol: string
  tls?: ListenerTLS
  allowedRoutes: AllowedRoutes
}

export interface GatewayAddress {
  /** IPAddress (the CRD default), Hostname or a vendor type. */
  type: string
  value: string
}

export interface K8sGateway extends GwResourceBase<'Gateway'> {
  spec: {
    gatewayClassName: string
    listeners: Listener[]
    addresses?: GatewayAddress[]
  }
}

/** A route's parentRef; group/kind default to a Gateway. */
export interface ParentReference {
  group: string
  kind: string
  name: string
  namespace?: string
  sectionName?: string
  port?: number
}

export interface HeaderModifier {
  set?: Array<{ name: string; value: string }>
  add?: Array<{ name: string; value: string }>
  remove?: string[]
}

export interface PathModifier {
  /** ReplaceFullPath or ReplacePrefixMatch. */
  type: string
  replaceFullPath?: string
  replacePrefixMatch?: string
}

export interface BackendObjectReference {
  group: string
  kind: string
  name: string
  namespace?: string
  port?: number
}

export interface HTTPRouteFilter {
  /** RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite, RequestMirror, ... */
  type: string
  requestHeaderModifier?: HeaderModifier
  responseHeaderModifier?: HeaderModifier
  requestRedirect?: {
    scheme?: string
    hostname?: string
    path?: PathModifier
    port?: number
    /** 302 is the CRD default. */
    statusCode: number
  }
  urlRewrite?: { hostname?: string; path?: PathModifier }
  requestMirror?: {
    backendRef: BackendObjectReference
    percent?: number
    fraction?: { numerator: number; denominator: number }
  }
}

export interface BackendRef extends BackendObjectReference {
  /** 1 is the CRD default; 0 removes the backend. */
  weight: number
  filters: HTTPRouteFilter[]
}

/** Exact (the default), PathPrefix or RegularExpression; headers and query params: Exact or RegularExpression. */
export interface TypedMatch {
  type: string
  value: string
}

export interface NamedMatch extends TypedMatch {
  name: string
}

export interface HTTPRouteMatch {
  path?: TypedMatch
  headers: NamedMatch[]
  queryParams: NamedMatch[]
  method?: string
}

export interface HTTPRouteRule {
  name?: string
  /** The CRD default is one match, PathPrefix `/`. */
  matches: HTTPRouteMatch[]
  filters: HTTPRouteFilter[]
  /** Absent or empty: every request gets a 500. */
  backendRefs: BackendRef[]
  timeouts?: { request?: string; backendRequest?: string }
}

export interface HTTPRoute extends GwResourceBase<'HTTPRoute'> {
  spec: { parentRefs: ParentReference[]; hostnames: string[]; rules: HTTPRouteRule[] }
}

export interface GRPCMethodMatch {
  /** Exact (the default) or RegularExpression. */
  type: string
  service?: string
  method?: string
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch
  headers: NamedMatch[]
}

export interface GRPCRouteRule {
  name?: string
  matches: GRPCRouteMatch[]
  filters: HTTPRouteFilter[]
  backendRefs: BackendRef[]
}

export interface GRPCRoute extends GwResourceBase<'GRPCRoute'> {
  spec: { parentRefs: ParentReference[]; hostnames: string[]; rules: GRPCRouteRule[] }
}

export interface L4RouteRule {
  name?: string
  backendRefs: BackendRef[]
}

export interface TCPRoute extends GwResourceBase<'TCPRoute'> {
  spec: { parentRefs: ParentReference[]; rules: L4RouteRule[] }
}

export interface TLSRoute extends GwResourceBase<'TLSRoute'> {
  spec: { parentRefs: ParentReference[]; hostnames: string[]; rules: L4RouteRule[] }
}

export interface ReferenceGrant extends GwResourceBase<'ReferenceGrant'> {
  spec: {
    from: Array<{ group: string; kind: string; namespace: string }>
    to: Array<{ group: string; kind: string; name?: string }>
  }
}

/** A core Namespace: only its labels matter (allowedRoutes selectors). */
export interface NamespaceObject extends GwResourceBase<'Namespace'> {
  spec: Record<string, never>
}

/** A core Secret: its type and which data keys it has (certificateRefs). */
export interface SecretObject extends GwResourceBase<'Secret'> {
  spec: { type: string; keys: string[] }
}

export type AnyRoute = HTTPRoute | GRPCRoute | TCPRoute | TLSRoute

export type GatewayApiResource =
  | GatewayClass
  | K8sGateway
  | HTTPRoute
  | GRPCRoute
  | TCPRoute
  | TLSRoute
  | ReferenceGrant
  | NamespaceObject
  | SecretObject

/**
 * The Gateway API objects of a configuration. Lists hold accepted objects only; `rejected`
 * holds those the API server would refuse (CRD validation, spec rule 40), treated as absent.
 */
export interface GatewayApiModel {
  gatewayClasses: GatewayClass[]
  gateways: K8sGateway[]
  httpRoutes: HTTPRoute[]
  grpcRoutes: GRPCRoute[]
  tcpRoutes: TCPRoute[]
  tlsRoutes: TLSRoute[]
  referenceGrants: ReferenceGrant[]
  namespaces: NamespaceObject[]
  secrets: SecretObject[]
  rejected: GatewayApiResource[]
  findings: Finding[]
}

export function emptyGatewayApiModel(): GatewayApiModel {
  return {
    gatewayClasses: [],
    gateways: [],
    httpRoutes: [],
    grpcRoutes: [],
    tcpRoutes: [],
    tlsRoutes: [],
    referenceGrants: [],
    namespaces: [],
    secrets: [],
    rejected: [],
    findings: [],
  }
}
