// API clients whose requests reuse their connections to the API server. client-node 1.4 builds a
// new https.Agent for every request (KubeConfig.applySecurityAuthentication), so every list is a
// new TCP connection and a full TLS handshake on both sides. A request middleware (client-node's
// own extension point, run after authentication) swaps that agent for one keep-alive agent per
// cluster and identity: same server, CA, client certificate and TLS settings share one pool.
// Proxy agents (cluster.proxyUrl) are left as client-node made them.
import { createHash } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import {
  createConfiguration,
  ServerConfiguration,
  type Configuration,
  type KubeConfig,
  type Middleware,
  type RequestContext,
} from '@kubernetes/client-node'

/** Connections kept per pool: enough for a class pressing Check together, bounded for the API server. */
export const MAX_SOCKETS_PER_CLUSTER = 16
/** Pools kept at once (one per cluster and identity); the oldest is closed beyond this. */
const MAX_POOLS = 32

const pools = new Map<string, http.Agent>()

/**
 * Off for now: CI showed an intermittent "Invalid response body" on a reused connection the API
 * server had closed; until reuse retries such a request, every request gets its own connection
 * again (client-node's default). `setConnectionReuse(true)` turns the pools on (tests, benches).
 */
let reuse = false

/** Turns connection reuse on or off for the clients made after the call. */
export function setConnectionReuse(on: boolean): void {
  reuse = on
}

/** The TLS settings client-node put on its per-request agent, as the pool's key. */
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const

function poolKey(url: string, secure: boolean, options: Record<string, unknown>): string {
  const hash = createHash('sha256')
  hash.update(`${secure ? 'https' : 'http'}\0${new URL(url).host}`)
  for (const k of TLS_KEYS) {
    const v = options[k]
    hash.update(`\0${k}=${Buffer.isBuffer(v) ? v.toString('base64') : (JSON.stringify(v) ?? '')}`)
  }
  return hash.digest('hex')
}

/** The shared keep-alive agent standing in for `agent` (a plain agent from client-node), made on first use. */
function pooledAgent(url: string, agent: http.Agent): http.Agent {
  const secure = agent instanceof https.Agent
  const options = (agent as http.Agent & { options?: Record<string, unknown> }).options ?? {}
  const key = poolKey(url, secure, options)
  let pool = pools.get(key)
  if (pool === undefined) {
    const keepAlive = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_CLUSTER, maxFreeSockets: MAX_SOCKETS_PER_CLUSTER }
    pool = secure ? new https.Agent({ ...options, ...keepAlive }) : new http.Agent({ ...options, ...keepAlive })
    pools.set(key, pool)
    if (pools.size > MAX_POOLS) {
      const [oldest, old] = pools.entries().next().value as [string, http.Agent]
      pools.delete(oldest)
      old.destroy()
    }
  }
  return pool
}

/** client-node's agent is a plain http(s).Agent unless a proxy is configured. */
const isPlain = (agent: unknown): agent is http.Agent =>
  agent instanceof http.Agent && (agent.constructor === https.Agent || agent.constructor === http.Agent)

const reuseConnections: Middleware = {
  pre: (context: RequestContext) => {
    const agent = context.getAgent()
    if (isPlain(agent)) {
      context.setAgent(pooledAgent(context.getUrl(), agent))
    }
    return Promise.resolve(context)
  },
  post: (response) => Promise.resolve(response),
}

/**
 * `kc.makeApiClient(Api)` whose requests reuse connections (see the file header).
 * @example const core = apiClient(kc, CoreV1Api)
 */
export function apiClient<T>(kc: KubeConfig, api: new (configuration: Configuration) => T): T {
  const cluster = kc.getCurrentCluster()
  if (!cluster) {
    throw new Error('No active cluster!')
  }
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: reuse ? [reuseConnections] : [],
    }),
  )
}

/** Closes every pooled connection (tests; a process exits without it: idle sockets do not hold it). */
export function closeApiConnections(): void {
  for (const pool of pools.values()) {
    pool.destroy()
  }
  pools.clear()
}
