// The request a learner (or a check) sends to the gateway, its defaults, and the result shape of
// a simulation (the CLI contract's `requests[].result`). Pure types and helpers.

/** A request as written in REQUESTS.json. `port` is the port Envoy listens on. */
export interface SimRequest {
  port: number
  host?: string
  path?: string
  headers?: Record<string, string>
  method?: string
  tls?: boolean
  sni?: string
  protocol?: 'http' | 'tcp'
  /** Destination address; only matters for listeners bound to an address. @default '1.3.3.7' */
  address?: string
}

/** A request with every default applied. */
export interface NormalizedRequest {
  port: number
  host: string
  /** Path without query string. */
  path: string
  query: string
  headers: Record<string, string>
  method: string
  tls: boolean
  sni: string
  protocol: 'http' | 'tcp'
  address: string
}

/** Why a request did not reach a backend. */
export type MissReason =
  | 'no_listener'
  | 'no_filter_chain'
  | 'no_virtual_host'
  | 'no_route'
  | 'tls_redirect'
  | 'cluster_not_found'
  | 'tls_error'
  | 'protocol_error'
  | 'multiple_filter_chains'

/** Where the matching route was written. */
export interface RouteProvenance {
  /** `ns/name` of the VirtualService holding the rule (the delegate, for delegated rules). */
  virtualService: string
  file?: string
  document?: number
  line?: number
  /** e.g. `spec.http[1].match[0]`. */
  path: string
  /** `ns/name` of the Gateway the route was built for. */
  gateway: string
  /** For delegated rules: the root VirtualService (`ns/name`) and its delegating rule. */
  root?: { virtualService: string; path: string }
}

/** One hop-level reason a request went where it went. */
/**
 * Why a request missed, when an explainer knows it more precisely than its hop says (the check
 * layer maps hops to causes otherwise; the catalog is server/checks/causes.ts).
 */
export type ExplanationCause =
  | 'destination-not-found'
  | 'gateway-not-found'
  | 'host-mismatch'
  | 'no-gateways'
  | 'port-not-on-service'
  | 'selector-no-pod'

export interface ExplanationItem {
  hop: 'listener' | 'filter_chain' | 'virtual_host' | 'route' | 'cluster'
  message: string
  cause?: ExplanationCause
  /** `Kind ns/name` of the resource to change. */
  resource?: string
  /** Field path inside that resource. */
  path?: string
  /** Where that field is written, when known (Gateway API explanations). */
  file?: string
  line?: number
  hint?: string
}

/**
 * One cluster of a weighted split. `status` is present only on a share whose cluster does not
 * exist: Envoy picks a cluster per request, so only that share fails (500 on Gateway API routes,
 * 503 on VirtualService routes, `connection_reset` for TCP).
 */
export interface WeightedShare {
  name: string
  weight: number
  status?: number | 'connection_reset'
}

/** What Envoy does with the request (the CLI contract's `result`). */
export interface SimResult {
  listener?: string
  /** Index of the filter chain in the listener's `filter_chains`. */
  filterChain?: number
  routeConfig?: string
  virtualHost?: string
  cluster?: string
  weightedClusters?: WeightedShare[]
  /**
   * HTTP status Envoy answers, or `connection_reset`. For a split where some clusters exist, the
   * answer of those shares; the failing shares carry their own status in `weightedClusters`.
   */
  status: number | 'connection_reset'
  reason?: MissReason
  location?: string
  upstreamPath?: string
  upstreamHost?: string
  body?: string
  route?: RouteProvenance
  explanation: string[]
  explanationItems: ExplanationItem[]
}

/** Applies the defaults: path `/`, GET, plaintext HTTP, SNI = host for TLS. */
export function normalizeRequest(req: SimRequest): NormalizedRequest {
  const raw = req.path === undefined || req.path === '' ? '/' : req.path
  const hashless = raw.split('#')[0] ?? raw
  const q = hashless.indexOf('?')
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    Object.defineProperty(headers, k.toLowerCase(), { value: v, writable: true, enumerable: true, configurable: true })
  }
  const host = req.host ?? headers['host'] ?? headers[':authority'] ?? ''
  const tls = req.tls ?? false
  return {
    port: req.port,
    host,
    path: q < 0 ? hashless : hashless.slice(0, q),
    query: q < 0 ? '' : hashless.slice(q + 1),
    headers,
    method: (req.method ?? headers[':method'] ?? 'GET').toUpperCase(),
    tls,
    sni: req.sni ?? (tls ? hostWithoutPort(host) : ''),
    protocol: req.protocol ?? 'http',
    address: req.address ?? '1.3.3.7',
  }
}

/** `example.com:8080` → `example.com`; `[::1]:80` → `::1`. */
export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end < 0 ? host : host.slice(1, end)
  }
  const colon = host.lastIndexOf(':')
  if (colon < 0 || host.indexOf(':') !== colon) {
    return host
  }
  return /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host
}

const resultOrder: ReadonlyArray<keyof SimResult> = [
  'listener',
  'filterChain',
  'routeConfig',
  'virtualHost',
  'cluster',
  'weightedClusters',
  'status',
  'reason',
  'location',
  'upstreamPath',
  'upstreamHost',
  'body',
  'route',
  'explanation',
  'explanationItems',
]

/** The same result with keys in the documented order (stable JSON output). */
export function orderResult(r: SimResult): SimResult {
  const out: Record<string, unknown> = {}
  for (const k of resultOrder) {
    if (r[k] !== undefined) {
      out[k] = r[k]
    }
  }
  return out as unknown as SimResult
}
