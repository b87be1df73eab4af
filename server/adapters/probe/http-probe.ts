// Real traffic through the ingress gateway: one HTTP(S) request with the lab's Host header (and SNI
// for HTTPS), or one TCP exchange. Never throws: refused, reset and timed-out requests are results.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import { isIP } from 'node:net'
import type { HttpProbeRequest, HttpProbeResult } from '../../checks/live-services.ts'

/** Where the gateway's ports are reachable from kindlab: host ports on kind, the Service in a cluster. */
export interface ProbeAddress {
  host: string
  /** Maps a gateway port (80, 443, 6379) to the port to dial (e.g. 30080 for a node port). */
  portFor(port: number): number
}

const maxBody = 64 * 1024

/** Words for socket errors, e.g. "connection refused (ECONNREFUSED)". */
export function describeSocketError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'timed out',
    ENOTFOUND: 'host not found',
    EHOSTUNREACH: 'host unreachable',
    EPROTO: 'TLS handshake failed',
  }
  if (typeof code === 'string') {
    return `${words[code] ?? 'socket error'} (${code})`
  }
  return err instanceof Error ? err.message : String(err)
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      out[name] = Array.isArray(value) ? value.join(', ') : value
    }
  }
  return out
}

function requestOptions(address: ProbeAddress, req: HttpProbeRequest): RequestOptions {
  const sni = req.sni ?? req.host
  return {
    host: address.host,
    port: address.portFor(req.port),
    path: req.path,
    method: req.method ?? 'GET',
    headers: { ...req.headers, host: req.host, connection: 'close' },
    // Lab certificates are self-signed: the probe checks routing, not the chain of trust.
    ...(req.https === true ? { rejectUnauthorized: false, ...(isIP(sni) ? {} : { servername: sni }) } : {}),
  }
}

/** Sends one request through the gateway at `address`. */
export function httpProbe(address: ProbeAddress, req: HttpProbeRequest): Promise<HttpProbeResult> {
  const timeoutMs = req.timeoutMs ?? 5000
  return new Promise((resolve) => {
    let settled = false
    const done = (result: HttpProbeResult) => {
      if (!settled) {
        settled = true
        resolve(result)
      }
    }
    const send = req.https === true ? httpsRequest : httpRequest
    const r = send(requestOptions(address, req), (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size < maxBody) {
          chunks.push(chunk.subarray(0, maxBody - size))
        }
        size += chunk.length
      })
      const finish = () =>
        done({
          status: res.statusCode,
          headers: flatHeaders(res.headers),
          body: Buffer.concat(chunks).toString('utf8'),
        })
      res.on('end', finish)
      res.on('error', finish)
    })
    r.setTimeout(timeoutMs, () => {
      r.destroy()
      done({ status: undefined, headers: {}, body: '', error: `no answer within ${timeoutMs / 1000}s` })
    })
    r.on('error', (err) => done({ status: undefined, headers: {}, body: '', error: describeSocketError(err) }))
    r.end()
  })
}
