// What grader check kinds may use beyond the learner's files: the resource source and, when a
// cluster is attached, the ingress gateway's Envoy and real traffic. Implemented by adapters
// (server/adapters/*), passed to checks through CheckContext.services under these keys.

/** Where the learner's resources come from: workspace files offline, the cluster API live. */
export interface ResourceSource {
  /** A short description for messages, e.g. "your workspace files" or "cluster kind-kindlab". */
  describe(): string
  /** Kubernetes/Istio objects as plain API objects (apiVersion, kind, metadata, spec). */
  list(): Promise<ResourceSnapshot>
}

export interface ResourceSnapshot {
  objects: unknown[]
  /** Where each object came from, parallel to `objects` (file and document, or the API). */
  origins: Array<{ file?: string; document?: number }>
  /** Files that could not be read or parsed: each becomes a finding, never an exception. */
  problems: Array<{ file: string; line?: number; message: string }>
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
}

/** The live cluster: the ingress gateway's Envoy and the gateway's ports. */
export interface LiveCluster {
  describe(): string
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

/** Keys of CheckContext.services. */
export const serviceKeys = { resources: 'resources', cluster: 'cluster' } as const
