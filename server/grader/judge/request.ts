// The request a grader check sends through the ingress gateway: the shared parameter schema of the
// route, http and weights kinds, and its defaults (port 80, or 443 with https; path /; GET).
import { Type, type Static, type TSchema, type TString } from '@sinclair/typebox'
import { resolveShortName } from '../core/hosts.ts'

/** Parameters describing the request, shared by route, http and weights checks. */
export const requestParams = {
  host: Type.String({
    minLength: 1,
    description: 'Host header (and SNI for https), e.g. hipster.${TRAINEE_DOMAIN}. A :port suffix is allowed.',
  }),
  port: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      description: 'Port of the istio-ingressgateway Service the client connects to. Default 80, or 443 with https.',
    }),
  ),
  path: Type.String({ pattern: '^/', default: '/', description: 'Request path with optional query.' }),
  method: Type.String({ minLength: 1, default: 'GET', description: 'HTTP method.' }),
  headers: Type.Record(Type.String(), Type.String(), { default: {}, description: 'Extra request headers.' }),
  https: Type.Boolean({ default: false, description: 'Send the request over TLS.' }),
  sni: Type.Optional(Type.String({ minLength: 1, description: 'TLS server name. Default: the host without port.' })),
  gateway: Type.Optional(gatewayParam()),
} satisfies Record<string, TSchema>

/**
 * The `gateway` parameter of the request kinds: a Kubernetes Gateway's own proxy instead of the
 * classic istio-ingressgateway.
 */
export function gatewayParam(): TString {
  return Type.String({
    pattern:
      '^(\\$\\{[A-Z][A-Z0-9_]*\\}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)/(\\$\\{[A-Z][A-Z0-9_]*\\}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$',
    description:
      'A Kubernetes Gateway (gateway.networking.k8s.io) as `<namespace>/<name>`: the request goes to the proxy istiod deploys for it (its Service `<name>-<gatewayClassName>`, the port is a listener port), predicted with the Gateway API conversion. Default: the classic istio-ingressgateway.',
  })
}

/** The request parameters alone (the kinds add their own to `requestParams`). */
export const RequestSchema = Type.Object(requestParams, { additionalProperties: false })

/** The request parameters, as a check kind receives them: with the schema's defaults filled in. */
export type RequestParams = Static<typeof RequestSchema>

/** A request with its defaults applied. */
export interface GatewayRequest {
  /** The gateway Service port the client connects to. */
  port: number
  host: string
  path: string
  method: string
  headers: Record<string, string>
  https: boolean
  sni: string
  protocol: 'http' | 'tcp'
  /** A Kubernetes Gateway's proxy (`namespace/name`) instead of the classic ingress gateway. */
  gateway?: string
}

/** The request Envoy sees; the port and SNI, when not given, follow from `https` and the host. */
export function toGatewayRequest(p: RequestParams): GatewayRequest {
  const { https, host } = p
  return {
    port: p.port ?? (https ? 443 : 80),
    host,
    path: p.path,
    method: p.method.toUpperCase(),
    headers: { ...p.headers },
    https,
    sni: p.sni ?? host.replace(/:\d+$/, '').toLowerCase(),
    protocol: 'http',
    ...(p.gateway === undefined ? {} : { gateway: p.gateway }),
  }
}

/** `GET https://hipster.localhost:443/path` for messages. */
export function describeRequest(r: GatewayRequest): string {
  const via = r.gateway === undefined ? '' : ` via Gateway ${r.gateway}`
  if (r.protocol === 'tcp') {
    return `a TCP connection to gateway port ${r.port}${via}`
  }
  const scheme = r.https ? 'https' : 'http'
  const defaultPort = r.https ? 443 : 80
  const hasPort = /:\d+$/.test(r.host)
  return `${r.method} ${scheme}://${r.host}${hasPort || r.port === defaultPort ? '' : `:${r.port}`}${r.path}${via}`
}

/** A destination as a check names it: a short name (in the learner's namespace) or an FQDN. */
export interface ExpectedService {
  service: string
  namespace?: string
  port?: number
  /** A DestinationRule subset; when absent any subset (or none) matches. */
  subset?: string
}

/** The FQDN of an expected service: short names resolve in `namespace` or the learner's. */
export function serviceFqdn(e: ExpectedService, learnerNamespace: string): string {
  return resolveShortName(e.service, e.namespace ?? learnerNamespace)
}

/** Envoy cluster names: `outbound|80||frontend.default.svc.cluster.local` → parts. */
export function parseClusterName(name: string): { port: number; subset: string; host: string } | undefined {
  const parts = name.split('|')
  if (parts.length !== 4 || parts[0] !== 'outbound') {
    return undefined
  }
  return { port: Number(parts[1]), subset: parts[2] ?? '', host: parts[3] ?? '' }
}

/** True when an Envoy cluster name is the expected service (and port, when given). */
export function clusterIs(cluster: string | undefined, e: ExpectedService, learnerNamespace: string): boolean {
  const c = cluster === undefined ? undefined : parseClusterName(cluster)
  if (c === undefined) {
    return false
  }
  const portOk = e.port === undefined || c.port === e.port
  const subsetOk = e.subset === undefined || c.subset === e.subset
  return c.host === serviceFqdn(e, learnerNamespace) && portOk && subsetOk
}

/** `frontend.default.svc.cluster.local:80` → `frontend.default:80` for short messages. */
export function shortCluster(cluster: string): string {
  const c = parseClusterName(cluster)
  if (c === undefined) {
    return cluster
  }
  const host = c.host.replace(/\.svc\.cluster\.local$/, '')
  return `${host}:${c.port}${c.subset === '' ? '' : ` (subset ${c.subset})`}`
}
