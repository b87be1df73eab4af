// The ports grader check kinds use beyond the learner's files: the resource source, the lab's
// environment and, when a cluster is attached, the ingress gateway's Envoy and real traffic.
// Implemented by adapters (server/adapters/*), given to checks as CheckContext.services
// (types.ts GradingServices).

/** Where the learner's resources come from: workspace files offline, the cluster API live. */
export interface ResourceSource {
  /** A short description for messages, e.g. "your workspace files" or "cluster kind-kindlab". */
  describe(): string
  /** Kubernetes/Istio objects as plain API objects (apiVersion, kind, metadata, spec). */
  list(options?: ListOptions): Promise<ResourceSnapshot>
  /**
   * The same source limited to one learner's scope (a cohort trainee sharing the class cluster).
   * Absent when the source is one learner's already (their workspace files).
   */
  scoped?(scope: ResourceScope): ResourceSource
}

/**
 * A ResourceSource that can also hand over the YAML texts, for line-accurate findings. A file it
 * could not read comes with a `problem` (and an empty text).
 */
export interface TextResourceSource extends ResourceSource {
  texts(): Promise<Array<{ file: string; text: string; problem?: string }>>
}

/** A lab's baseline manifests (lab.yaml `environment`), variables not yet substituted. */
export interface LabEnvironmentSource {
  manifests(labId: string): Promise<Array<{ file: string; text: string }>>
}

export interface ListOptions {
  /**
   * Only these kinds (lower case) are needed; a source may return others too. A Check always says
   * (every check kind declares its `reads`); every kind when absent (tests and tools).
   */
  kinds?: ReadonlySet<string>
}

export interface ResourceSnapshot {
  objects: unknown[]
  /** Where each object came from, parallel to `objects` (file and document, or the API). */
  origins: Array<{ file?: string; document?: number }>
  /** Files that could not be read or parsed: each becomes a finding, never an exception. */
  problems: Array<{ file: string; line?: number; message: string }>
  /** When scoped: the learner's own namespaces; objects elsewhere are context, never theirs. */
  ownNamespaces?: string[]
}

/**
 * What a learner who shares a cluster is graded on: their own namespaces whole, and elsewhere only
 * the kinds the lab needs and their identity may read (the ingress gateway's Service and Pods in
 * istio-system, the shared shop's Services). Other learners' namespaces are never read.
 */
export interface ResourceScope {
  own: readonly string[]
  /** Elsewhere: these kinds of one namespace; with `names`, only objects of those names. */
  shared: ReadonlyArray<{ namespace: string; kinds: readonly string[]; names?: readonly string[] }>
}

/** True when an API object (kind, metadata.namespace) is inside the scope. Pure. */
export function inScope(object: unknown, scope: ResourceScope): boolean {
  const o = (object ?? {}) as { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } }
  const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : ''
  const kind = typeof o.kind === 'string' ? o.kind : undefined
  if (namespace === undefined || kind === undefined) {
    return false // cluster-scoped objects are nobody's own, and not needed by the grader
  }
  return (
    scope.own.includes(namespace) ||
    scope.shared.some(
      (s) => s.namespace === namespace && s.kinds.includes(kind) && (s.names === undefined || s.names.includes(name)),
    )
  )
}

/** The snapshot without the objects outside the scope, marked with the learner's namespaces. Pure. */
export function scopeSnapshot(snapshot: ResourceSnapshot, scope: ResourceScope): ResourceSnapshot {
  const keep = snapshot.objects.map((o) => inScope(o, scope))
  return {
    objects: snapshot.objects.filter((_, i) => keep[i]),
    origins: snapshot.origins.filter((_, i) => keep[i]),
    problems: snapshot.problems,
    ownNamespaces: [...scope.own],
  }
}

/** The namespaces to read `kind` from under a scope (own first). Pure. */
export function namespacesFor(scope: ResourceScope, kind: string): string[] {
  const shared = scope.shared.filter((s) => s.kinds.includes(kind)).map((s) => s.namespace)
  return [...new Set([...scope.own, ...shared])]
}

export interface HttpProbeRequest {
  /** Host port on kind (80, 443) or the gateway Service port inside a cluster. */
  port: number
  host: string
  path: string
  method?: string
  headers?: Record<string, string>
  https?: boolean
  /** SNI for HTTPS; defaults to `host`. */
  sni?: string
  timeoutMs?: number
}

export interface HttpProbeResult {
  /** undefined when no HTTP answer came (refused, reset, timeout). */
  status: number | undefined
  headers: Record<string, string>
  /** At most the first 64 KiB. */
  body: string
  error?: string
  /** How the probe reached the gateway when not through its usual address (see TcpProbeResult.via). */
  via?: string
}

export interface TcpProbeRequest {
  port: number
  send?: string
  expect?: string
  timeoutMs?: number
}

export interface TcpProbeResult {
  connected: boolean
  received: string
  error?: string
  /**
   * How the probe reached the gateway when not through its usual address, e.g. "a port-forward to
   * istio-system/istio-ingressgateway-… port 20001 (kind maps no host port for 20001)".
   */
  via?: string
}

/**
 * A Kubernetes Gateway's own proxy: the pods behind the Service istiod deploys for it
 * (`<name>-<gatewayClassName>`), or the existing Service an unmanaged Gateway's address names.
 */
export interface GatewayProxyRef {
  /** The Gateway as `namespace/name`, for messages. */
  gateway: string
  /** The Service whose pods run the proxy (its selector finds them, its ports map to theirs). */
  service: { namespace: string; name: string }
}

/** The live cluster: the ingress gateway's Envoy and the gateway's ports. */
export interface LiveCluster {
  describe(): string
  /**
   * The same layers on a Kubernetes Gateway's own proxy: its Envoy's /config_dump and its ports
   * (probes take the Gateway's listener ports, i.e. its Service ports). The same ref gives the same
   * object. Absent where this cluster can only reach the ingress gateway.
   */
  proxy?(ref: GatewayProxyRef): LiveCluster
  /** The ingress gateway Envoy's admin /config_dump, parsed JSON. */
  configDump(): Promise<unknown>
  httpProbe(req: HttpProbeRequest): Promise<HttpProbeResult>
  tcpProbe(req: TcpProbeRequest): Promise<TcpProbeResult>
  /**
   * Polls the config_dump until `ready(dump)` is true or the time is up; returns the last dump
   * and whether it became ready ("Envoy has not received your change yet" otherwise).
   */
  waitForEnvoy(ready: (dump: unknown) => boolean, timeoutMs: number): Promise<{ dump: unknown; ready: boolean }>
}
