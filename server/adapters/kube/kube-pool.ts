// Keep-alive connection pools to API servers: one per cluster and identity (same server, CA, client
// certificate and TLS settings share one), at most `maxSockets` connections each. An idle connection
// is closed by us after `idleTimeoutMs`, before the server's own idle timeout (kube-apiserver: 90 s)
// can close it under a request. Proxy agents (cluster.proxyUrl) are not pooled: they are used as
// client-node made them, for that one request.
import { createHash } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type { KubeTransport } from './kube-http.ts'

export interface KubePoolOptions {
  /** Connections kept per pool. */
  maxSockets: number
  /** An unused kept-alive connection is closed after this long. */
  idleTimeoutMs: number
  /** Pools kept at once; the oldest is closed beyond this. */
  maxPools: number
}

export interface KubePools {
  /** The pooled transport standing in for client-node's per-request `agent` to `url`. */
  transport(url: string, agent: unknown): KubeTransport
  /** Closes every pooled connection. */
  closeAll(): void
}

/** The TLS settings client-node put on its per-request agent: the pool's key and its agents' options. */
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const

type TlsOptions = Record<string, unknown>

function poolKey(url: string, secure: boolean, options: TlsOptions): string {
  const hash = createHash('sha256')
  hash.update(`${secure ? 'https' : 'http'}\0${new URL(url).host}`)
  for (const k of TLS_KEYS) {
    const v = options[k]
    hash.update(`\0${k}=${Buffer.isBuffer(v) ? v.toString('base64') : (JSON.stringify(v) ?? '')}`)
  }
  return hash.digest('hex')
}

/** client-node's agent is a plain http(s).Agent unless a proxy is configured. */
const isPlain = (agent: unknown): agent is http.Agent =>
  agent instanceof http.Agent && (agent.constructor === https.Agent || agent.constructor === http.Agent)

/** The TLS settings of a plain agent client-node made (only those: the rest is ours to choose). */
function tlsOptionsOf(agent: http.Agent): TlsOptions {
  const all = (agent as http.Agent & { options?: TlsOptions }).options ?? {}
  return Object.fromEntries(TLS_KEYS.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]))
}

/** Pools made on first use, keyed by cluster and identity. */
export function createKubePools(options: KubePoolOptions): KubePools {
  const pools = new Map<string, { agent: http.Agent; fresh: () => http.Agent }>()
  const make = (secure: boolean, tls: TlsOptions, keepAlive: boolean): http.Agent => {
    const settings = keepAlive
      ? {
          ...tls,
          keepAlive,
          maxSockets: options.maxSockets,
          maxFreeSockets: options.maxSockets,
          timeout: options.idleTimeoutMs,
        }
      : { ...tls, keepAlive }
    return secure ? new https.Agent(settings) : new http.Agent(settings)
  }
  return {
    transport(url, agent) {
      if (!isPlain(agent)) {
        if (!(agent instanceof http.Agent)) {
          throw new Error(`No HTTP agent for ${url}.`)
        }
        return { agent, fresh: () => agent }
      }
      const secure = agent instanceof https.Agent
      const tls = tlsOptionsOf(agent)
      const key = poolKey(url, secure, tls)
      let pool = pools.get(key)
      if (pool === undefined) {
        pool = { agent: make(secure, tls, true), fresh: () => make(secure, tls, false) }
        pools.set(key, pool)
        if (pools.size > options.maxPools) {
          const [oldest, old] = pools.entries().next().value as [string, { agent: http.Agent }]
          pools.delete(oldest)
          old.agent.destroy()
        }
      }
      return pool
    },
    closeAll() {
      for (const pool of pools.values()) {
        pool.agent.destroy()
      }
      pools.clear()
    },
  }
}
