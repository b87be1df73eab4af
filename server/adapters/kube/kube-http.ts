// One HTTP exchange with the API server over a pooled keep-alive connection, read to the end before
// it is handed on. Why not client-node's own transport (node-fetch 2): on a keep-alive agent whose
// sockets are busy, node-fetch's check for a truncated chunked body looks at the socket after it has
// already been handed to the next queued request, and fails a complete response with "Invalid
// response body ...: Premature close" (node-fetch issue 1767; kube-http.test.ts reproduces it).
// Reading the whole body here, before the socket can serve anyone else, has no such window.
//
// A kept-alive socket the server (or a load balancer) closed while it was idle fails the next
// request sent on it. The pool closes its idle sockets first (KubePool.idleTimeoutMs, shorter than
// kube-apiserver's 90 s), and an idempotent read that still fails with a connection-level error on a
// reused socket is sent ONCE more on a fresh connection. Writes are never retried: the server may
// have applied them. A read the server throttles (429 with Retry-After: priority and fairness, or a
// CRD applied a moment ago whose storage is still initializing) is sent again after the wait, at
// most MAX_THROTTLED_RETRIES times and 2 s per wait, as client-go does for kubectl.
import http from 'node:http'
import https from 'node:https'
import { gunzipSync, inflateSync } from 'node:zlib'
import { setTimeout as delay } from 'node:timers/promises'

/** A request as client-node's RequestContext describes it. */
export interface KubeRequest {
  url: string
  method: string
  headers: Record<string, string>
  body?: string | undefined
  signal?: AbortSignal | undefined
}

/** A complete response: status, lower-case headers, the whole body. */
export interface KubeResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** Where a request goes: the pooled agent, and how to get a fresh connection for the one retry. */
export interface KubeTransport {
  agent: http.Agent
  /** An agent that opens a new connection (used once, for a read that failed on a reused socket). */
  fresh: () => http.Agent
}

/** Reads: sending one twice changes nothing on the server. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Errors that mean the connection went away, not that the server answered. */
const CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'])

/** An error of `exchange` that says whether the socket it used had served a request before. */
class ExchangeError extends Error {
  constructor(
    readonly original: Error,
    readonly reusedSocket: boolean,
  ) {
    super(original.message, { cause: original })
  }
}

function headersOf(res: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
  }
  return headers
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    return gunzipSync(body)
  }
  if (encoding === 'deflate') {
    return inflateSync(body)
  }
  return body
}

function cutShort(): Error {
  const err = new Error('The API server closed the connection before the response ended.')
  return Object.assign(err, { code: 'ECONNRESET' })
}

function abortError(): Error {
  const err = new Error('The request to the API server was aborted.')
  err.name = 'AbortError'
  return err
}

/** One request on `agent`, its whole response read (a cut response is an error, not a short body). */
function exchange(request: KubeRequest, agent: http.Agent): Promise<KubeResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = request
    if (signal?.aborted) {
      reject(abortError())
      return
    }
    const url = new URL(request.url)
    const send = url.protocol === 'https:' ? https.request : http.request
    const req = send(url, { method: request.method, headers: request.headers, agent })
    const fail = (err: Error): void => {
      signal?.removeEventListener('abort', onAbort)
      reject(signal?.aborted === true ? abortError() : new ExchangeError(err, req.reusedSocket))
    }
    const onAbort = (): void => {
      req.destroy(abortError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', fail)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', fail)
      // A connection that closes before the response's end: the body is cut, whatever the parser said.
      res.on('close', () => {
        if (!res.complete) {
          fail(cutShort())
        }
      })
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort)
        if (!res.complete) {
          return // 'close' reports it
        }
        try {
          resolve({
            status: res.statusCode ?? 0,
            headers: headersOf(res),
            body: decode(Buffer.concat(chunks), res.headers['content-encoding']),
          })
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)))
        }
      })
    })
    req.end(request.body)
  })
}

const connectionCode = (err: Error): string | undefined => {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** Only a read, only once, only when a reused socket went away under it. */
function retryable(request: KubeRequest, err: unknown): err is ExchangeError {
  return (
    err instanceof ExchangeError &&
    err.reusedSocket &&
    IDEMPOTENT.has(request.method.toUpperCase()) &&
    CONNECTION_ERRORS.has(connectionCode(err.original) ?? '') &&
    !request.signal?.aborted
  )
}

/**
 * Sends `request` over `transport` and reads the whole response. Throws the socket's own error
 * (with its `code`, e.g. ECONNRESET) when there is no response; kube-errors.ts translates it.
 */
export async function sendKubeRequest(request: KubeRequest, transport: KubeTransport): Promise<KubeResponse> {
  for (let attempt = 0; ; attempt++) {
    const response = await sendOnce(request, transport)
    const wait = throttledFor(request, response)
    if (wait === undefined || attempt >= MAX_THROTTLED_RETRIES) {
      return response
    }
    await delay(wait, undefined, request.signal ? { signal: request.signal } : {})
  }
}

/** How often a throttled read is sent again, as client-go does for a 429 with Retry-After. */
export const MAX_THROTTLED_RETRIES = 5
/** The longest wait honoured per retry, so a Check never hangs on a large Retry-After. */
const MAX_RETRY_AFTER_MS = 2_000

/**
 * The wait before sending a read again that the API server throttled: 429 with Retry-After (API
 * priority and fairness, or a new CRD's storage still initializing). Writes are never resent.
 */
function throttledFor(request: KubeRequest, response: KubeResponse): number | undefined {
  const after = Number(response.headers['retry-after'])
  if (response.status !== 429 || !IDEMPOTENT.has(request.method.toUpperCase()) || !Number.isFinite(after)) {
    return undefined
  }
  return Math.min(Math.max(after, 0) * 1000, MAX_RETRY_AFTER_MS)
}

async function sendOnce(request: KubeRequest, transport: KubeTransport): Promise<KubeResponse> {
  try {
    return await exchange(request, transport.agent)
  } catch (err) {
    if (!retryable(request, err)) {
      throw err instanceof ExchangeError ? err.original : err
    }
  }
  const agent = transport.fresh()
  try {
    return await exchange(request, agent)
  } catch (err) {
    throw err instanceof ExchangeError ? err.original : err
  } finally {
    agent.destroy()
  }
}
