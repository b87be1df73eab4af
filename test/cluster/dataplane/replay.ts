// One request through the real gateway and its outcome as Envoy saw it (the access log line of the
// client's own connection: its address and port, Envoy's port, not before it was sent), and the
// comparison with the grader's prediction for it. Test code only.
import { request } from 'node:http'
import { connect as tcpConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { inject } from 'vitest'
import type { SimRequest, SimResult } from '../../../server/grader/core/simulate/request.ts'
import { normalizeRequest } from '../../../server/grader/core/simulate/request.ts'
import { poll } from '../poll.ts'
import { accessLog, type AccessLogEntry } from './probes.ts'

/** What came back: an HTTP answer, or a connection that ended (or never opened) without one. */
export interface RealOutcome {
  kind: 'http' | 'refused' | 'closed'
  status?: number
  location?: string
  /** The client's address and port, which the access log records as downstream_remote_address. */
  localAddress?: string
  localPort?: number
  /** Envoy's port the request went to (downstream_local_address). */
  port: number
  /** When the client started to connect (ms since the epoch); the line's start_time is not earlier. */
  sentAt: number
  entry?: ReplayLogEntry
}

/** The access log fields that tie a line to one client connection. */
export type ReplayLogEntry = AccessLogEntry & {
  downstream_remote_address?: string | null
  downstream_local_address?: string | null
  start_time?: string | null
}

/** Envoy and the client read the same clock; this only absorbs rounding to the millisecond. */
const clockSlackMs = 50

const timeoutMs = 5_000

/** Sends `req` to GATEWAY_ADDRESS on `port` (Envoy's own port) as HTTP(S) or raw TCP. */
export function send(req: SimRequest, port: number): Promise<RealOutcome> {
  const n = normalizeRequest(req)
  const host = inject('dataplane').gateway
  if (n.protocol === 'tcp' || n.tls) {
    const isHttp = n.protocol !== 'tcp'
    return sendOverSocket(n.tls, n.sni, isHttp ? httpText(n) : 'PING\r\n', isHttp, host, port)
  }
  return new Promise((resolve) => {
    const client = { port, sentAt: Date.now(), localAddress: undefined as string | undefined, localPort: 0 }
    const r = request(
      { host, port, path: req.path ?? '/', method: n.method, headers: { ...n.headers, host: n.host }, agent: false },
      (res) => {
        res.resume()
        res.on('end', () =>
          resolve({ kind: 'http', status: res.statusCode, location: res.headers.location, ...client }),
        )
      },
    )
    r.on('socket', (s: Socket) =>
      s.on('connect', () => {
        client.localAddress = s.localAddress
        client.localPort = s.localPort ?? 0
      }),
    )
    r.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ kind: err.code === 'ECONNREFUSED' ? 'refused' : 'closed', ...client }),
    )
    r.setTimeout(timeoutMs, () => r.destroy())
    r.end()
  })
}

function httpText(n: ReturnType<typeof normalizeRequest>): string {
  const headers = Object.entries(n.headers).filter(([k]) => k !== 'host')
  const lines = [`${n.method} ${n.path}${n.query ? `?${n.query}` : ''} HTTP/1.1`, `Host: ${n.host}`]
  return [...lines, ...headers.map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''].join('\r\n')
}

function sendOverSocket(
  tls: boolean,
  sni: string,
  text: string,
  isHttp: boolean,
  host: string,
  port: number,
): Promise<RealOutcome> {
  return new Promise((resolve) => {
    let data = ''
    let opened = false
    const client = { port, sentAt: Date.now(), localAddress: undefined as string | undefined, localPort: 0 }
    const socket = tls
      ? tlsConnect({ host, port, servername: sni || undefined, rejectUnauthorized: false })
      : tcpConnect(port, host)
    socket.on('connect', () => {
      opened = true
      client.localAddress = socket.localAddress
      client.localPort = socket.localPort ?? 0
      if (!tls) {
        socket.write(text)
      }
    })
    socket.on('secureConnect', () => socket.write(text))
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => (data += d))
    socket.setTimeout(timeoutMs, () => socket.destroy())
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!opened && err.code === 'ECONNREFUSED') {
        resolve({ kind: 'refused', ...client })
      }
    })
    socket.on('close', () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data)
      if (m?.[1] && isHttp) {
        const location = /\r\nlocation: ([^\r\n]*)/i.exec(data)?.[1]
        resolve({ kind: 'http', status: Number(m[1]), location, ...client })
        return
      }
      resolve({ kind: opened ? 'closed' : 'refused', ...client })
    })
  })
}

/**
 * The access log line of the outcome's own connection: same client address and port, same Envoy
 * port, started no earlier than the client connected; the first such line. The log holds every
 * earlier file's requests on the shared gateway from the same client address, and the kernel reuses
 * client ports, so a port alone may name another request's line.
 */
export function logEntryFor(entries: readonly ReplayLogEntry[], o: RealOutcome): ReplayLogEntry | undefined {
  if (o.localAddress === undefined || !o.localPort) {
    return undefined
  }
  const from = `${o.localAddress}:${o.localPort}`
  return entries.find(
    (e) =>
      e.downstream_remote_address === from &&
      e.downstream_local_address?.endsWith(`:${o.port}`) === true &&
      Date.parse(e.start_time ?? '') >= o.sentAt - clockSlackMs,
  )
}

/** Fills in each outcome's access log line (its own connection's, see logEntryFor) once Envoy wrote it. */
export async function withLogEntries(outcomes: RealOutcome[]): Promise<void> {
  const wanted = outcomes.filter((o) => o.localPort && o.kind !== 'refused')
  await poll(
    () => {
      const entries = accessLog() as ReplayLogEntry[]
      for (const o of wanted) {
        o.entry ??= logEntryFor(entries, o)
      }
      // A connection closed before a filter chain took it has no line: the deadline ends the wait.
      return Promise.resolve(wanted.every((o) => o.entry !== undefined) ? true : undefined)
    },
    { what: 'the access log lines of the replayed requests', timeoutMs: 3_000, intervalMs: 200 },
  ).catch(() => undefined)
}

/** Response flags that mean Envoy passed the request to the cluster (no endpoint answered, or one did). */
const reachedCluster = (flags: string | undefined): boolean =>
  flags === undefined || flags === '-' || /^(?:UH|UF|URX|UC|UT|DC)(?:,(?:UH|UF|URX|UC|UT|DC))*$/.test(flags)

/** Why the real outcome disagrees with the prediction, or undefined when they agree. */
export function disagreement(predicted: SimResult, real: RealOutcome): string | undefined {
  const reason = predicted.reason ? ` (${predicted.reason})` : ''
  const to = predicted.cluster ? ` to ${predicted.cluster}` : ''
  const answer = real.kind === 'http' ? String(real.status) : real.kind
  const logged = real.entry ? ` [${real.entry.response_flags ?? '-'} ${real.entry.upstream_cluster ?? '-'}]` : ''
  const differs = `predicted ${predicted.status}${reason}${to}, real ${answer}${logged}`
  if (real.kind === 'http' && real.entry?.response_code !== undefined && real.entry.response_code !== real.status) {
    return `${differs}: the log line found answered ${real.entry.response_code}, not the request's own`
  }
  const clusters = predicted.weightedClusters?.map((c) => c.name) ?? (predicted.cluster ? [predicted.cluster] : [])
  if (predicted.reason === undefined && clusters.length > 0) {
    // Routed to a cluster that exists: Envoy passed it to that cluster (the stand-in may not exist: 503 UH).
    const upstream = real.entry?.upstream_cluster ?? undefined
    const ok =
      upstream !== undefined &&
      clusters.includes(upstream) &&
      reachedCluster(real.entry?.response_flags) &&
      (real.kind !== 'http' || real.status === 200 || real.status === 503)
    return ok ? undefined : differs
  }
  if (predicted.reason === 'cluster_not_found' && predicted.status === 503) {
    return real.kind === 'http' && real.status === 503 && real.entry?.response_flags === 'NC' ? undefined : differs
  }
  if (predicted.status === 'connection_reset') {
    return real.kind === 'http' ? differs : undefined
  }
  if (real.kind !== 'http' || real.status !== predicted.status) {
    return differs
  }
  if (predicted.location !== undefined && real.location !== predicted.location) {
    return `${differs}: location ${predicted.location} predicted, ${real.location ?? 'none'} real`
  }
  return undefined
}
