// Real requests to the shared gateway (GATEWAY_ADDRESS, Envoy's own ports) and Envoy's JSON access
// log, for the data-plane suite. Test code only.
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect as tcpConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { inject } from 'vitest'
import { poll } from '../poll.ts'

export interface Answer {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

export interface GetOptions {
  /** Where to send it. @default the ingress gateway's pod IP (GATEWAY_ADDRESS) */
  address?: string
  path?: string
  port?: number
  method?: string
  headers?: Record<string, string>
}

/** One HTTP/1.1 request to the gateway with this Host; rejects when nothing answers. */
export function get(host: string, pathOrOptions: string | GetOptions = '/'): Promise<Answer> {
  const o = typeof pathOrOptions === 'string' ? { path: pathOrOptions } : pathOrOptions
  const path = o.path ?? '/'
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: o.address ?? inject('dataplane').gateway,
        port: o.port ?? 8080,
        path,
        method: o.method ?? 'GET',
        headers: { ...o.headers, host },
        timeout: 10_000,
        agent: false,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`GET ${host}${path}: no answer in 10 s`)))
    req.end()
  })
}

/** Polls until the answer has `status` (Envoy applies routes a moment after the API write). */
export function eventuallyGet(host: string, status: number, path = '/'): Promise<Answer> {
  return poll(
    async () => {
      const a = await get(host, path)
      return a.status === status ? a : undefined
    },
    { what: `GET ${host}${path} -> ${status}`, timeoutMs: 30_000, intervalMs: 300 },
  )
}

export interface AccessLogEntry {
  authority?: string
  method?: string
  path?: string
  response_code?: number
  response_flags?: string
  upstream_cluster?: string | null
  route_name?: string | null
  /** `<ip>:<port>` the client reached: which proxy served it. */
  downstream_local_address?: string
  upstream_host?: string | null
}

/** Every access log line so far (Envoy flushes the file about every second). */
export function accessLog(): AccessLogEntry[] {
  return readFileSync(inject('dataplane').accessLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AccessLogEntry)
}

/** Access log lines for `authority` with `status`, once Envoy has written them. */
export function accessLogFor(authority: string, status: number): Promise<AccessLogEntry[]> {
  return poll(
    () => {
      const entries = accessLog().filter((e) => e.authority === authority && e.response_code === status)
      return Promise.resolve(entries.length > 0 ? entries : undefined)
    },
    { what: `access log lines for ${authority}`, timeoutMs: 10_000 },
  )
}

/** A TLS handshake with SNI on 8443 and one GET; the answer's text when the certificate names `host`. */
export function httpsGet(host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tlsConnect(
      { host: inject('dataplane').gateway, port: 8443, servername: host, rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerCertificate()
        socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
        let text = ''
        socket.setEncoding('utf8')
        socket.on('data', (c: string) => (text += c))
        socket.on('end', () => resolve(cert.subject?.CN === host ? text : undefined))
      },
    )
    socket.on('error', () => resolve(undefined))
    socket.setTimeout(5_000, () => socket.destroy())
  })
}

/** Redis `PING` on a gateway port (of the ingress gateway unless `address` says); the first reply, or undefined. */
export function redisPing(port: number, address = inject('dataplane').gateway): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, address, () => socket.write('PING\r\n'))
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => {
      resolve(d)
      socket.destroy()
    })
    socket.on('error', () => resolve(undefined))
    socket.on('close', () => resolve(undefined))
    socket.setTimeout(3_000, () => socket.destroy())
  })
}
