// Clients for the API server whose requests reuse their connections, safely. client-node 1.4 builds
// a new https.Agent for every request (KubeConfig.applySecurityAuthentication), so every list would
// be a new TCP connection and TLS handshake on both sides; and its transport (node-fetch 2) cannot
// share keep-alive connections safely (kube-http.ts says why). Here client-node still builds each
// request and authenticates it, and kube-http.ts sends it over one keep-alive pool per cluster and
// identity (kube-pool.ts), reads the response whole, and retries a read once on a fresh connection
// when a kept-alive one went away under it.
//
// `readJson` reads an API path as the JSON the server sent, through the same authentication and
// pool, for callers that want plain objects (the live grader): no typed-model round trip.
import {
  ApiException,
  createConfiguration,
  HttpMethod,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
  KubernetesObjectApi,
  type Configuration,
  type HttpLibrary,
  type KubeConfig,
} from '@kubernetes/client-node'
import { AppError } from '../../errors.ts'
import { sendKubeRequest, type KubeRequest, type KubeResponse } from './kube-http.ts'
import { createKubePools } from './kube-pool.ts'

/** Connections kept per cluster: enough for a class pressing Check together, bounded for the API server. */
export const MAX_SOCKETS_PER_CLUSTER = 16
/**
 * An idle connection is closed after this long: well before kube-apiserver's own idle timeout (90 s,
 * Go's http.Server IdleTimeout in its secure serving) or a load balancer's usual 60 s.
 */
export const IDLE_TIMEOUT_MS = 20_000

const pools = createKubePools({ maxSockets: MAX_SOCKETS_PER_CLUSTER, idleTimeoutMs: IDLE_TIMEOUT_MS, maxPools: 32 })

/** client-node's request as ours (the Kubernetes APIs send JSON strings, never forms). */
function requestOf(context: RequestContext): KubeRequest {
  const body = context.getBody()
  if (body !== undefined && typeof body !== 'string') {
    throw new Error(`Unsupported request body for ${context.getHttpMethod()} ${context.getUrl()}.`)
  }
  const headers: Record<string, string> = { 'user-agent': 'kindlab', ...context.getHeaders() }
  if (body !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(body))
  }
  return { url: context.getUrl(), method: context.getHttpMethod(), headers, body, signal: context.getSignal() }
}

const send = (context: RequestContext): Promise<KubeResponse> =>
  sendKubeRequest(requestOf(context), pools.transport(context.getUrl(), context.getAgent()))

/** client-node's HTTP library, over the pools. */
const pooledHttp: HttpLibrary = wrapHttpLibrary({
  async send(context) {
    const { status, headers, body } = await send(context)
    return new ResponseContext(status, headers, {
      text: () => Promise.resolve(body.toString('utf8')),
      binary: () => Promise.resolve(body),
    })
  },
})

function serverOf(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster()
  if (!cluster) {
    throw new AppError('LAB_ERR_KUBE_NOT_CONFIGURED', {
      message: `The kubeconfig's current context (${kc.getCurrentContext() || 'none'}) names no cluster.`,
      hint: 'Pick a context that has a cluster (kubectl config get-contexts), or give --kubeconfig a working file.',
    })
  }
  return cluster.server
}

/**
 * `kc.makeApiClient(Api)` whose requests reuse connections (see the file header).
 * @example const core = apiClient(kc, CoreV1Api)
 */
export function apiClient<T>(kc: KubeConfig, api: new (configuration: Configuration) => T): T {
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(serverOf(kc), {}),
      authMethods: { default: kc },
      httpApi: pooledHttp,
    }),
  )
}

/** KubernetesObjectApi (apply, read, list and delete of any kind) over the pools. */
class PooledObjectApi extends KubernetesObjectApi {
  /** As `KubernetesObjectApi.makeApiClient(kc)`: objects without a namespace go to the context's. */
  static make(kc: KubeConfig): KubernetesObjectApi {
    const api = apiClient(kc, PooledObjectApi)
    api.setDefaultNamespace(kc)
    return api
  }
}

/**
 * `KubernetesObjectApi.makeApiClient(kc)` whose requests reuse connections (writes are never retried).
 * @example const objects = objectApiClient(kc)
 */
export const objectApiClient = (kc: KubeConfig): KubernetesObjectApi => PooledObjectApi.make(kc)

/**
 * GETs an API path (e.g. `/api/v1/namespaces/shop/pods`) and returns the JSON as the API server
 * sent it. A status other than 2xx throws client-node's ApiException (code, body), as its typed
 * clients do, so kube-errors.ts translates both alike.
 */
export async function readJson(kc: KubeConfig, path: string, signal?: AbortSignal): Promise<unknown> {
  const context = new RequestContext(serverOf(kc).replace(/\/+$/, '') + path, HttpMethod.GET)
  context.setHeaderParam('Accept', 'application/json')
  if (signal !== undefined) {
    context.setSignal(signal)
  }
  await kc.applySecurityAuthentication(context)
  const { status, headers, body } = await send(context)
  const text = body.toString('utf8')
  if (status < 200 || status > 299) {
    throw new ApiException(status, `HTTP ${status} for GET ${path}`, text, headers)
  }
  return JSON.parse(text) as unknown
}

/** Closes every pooled connection (tests; a process exits without it: idle sockets do not hold it). */
export function closeApiConnections(): void {
  pools.closeAll()
}
