// Reads an Envoy admin endpoint (/config_dump) over plain HTTP on a loopback port (a port-forward
// to the gateway pod's admin port 15000). Bounded in size and time; errors become AppErrors.
import { request } from 'node:http'
import { AppError } from '../../errors.ts'

export interface AdminGetOptions {
  /** @default 64 MiB — a gateway's config_dump is usually a few MiB */
  maxBytes?: number
  /** @default 15_000 */
  timeoutMs?: number
  signal?: AbortSignal
}

/** GETs `path` from an Envoy admin listener at host:port and returns the body text. */
export function adminGet(host: string, port: number, path: string, options: AdminGetOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  const timeoutMs = options.timeoutMs ?? 15_000
  return new Promise((resolve, reject) => {
    const fail = (why: string, cause?: unknown) =>
      reject(
        new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
          message: `The ingress gateway's Envoy admin (${path}) did not answer: ${why}.`,
          hint: 'Check the gateway pod: `kubectl -n istio-system get pods -l istio=ingressgateway`. It must be Running and Ready.',
          ...(cause === undefined ? {} : { cause }),
        }),
      )
    const req = request({ host, port, path, method: 'GET', headers: { connection: 'close', accept: 'application/json' }, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          req.destroy()
          fail(`the answer is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`)
          return
        }
        chunks.push(chunk)
      })
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode !== 200) {
          fail(`HTTP ${res.statusCode ?? '?'} ${body.slice(0, 120).trim()}`)
          return
        }
        resolve(body)
      })
      res.on('error', (err) => fail(err.message, err))
    })
    req.setTimeout(timeoutMs, () => {
      req.destroy()
      fail(`no answer within ${timeoutMs / 1000}s`)
    })
    req.on('error', (err) => fail(err.message, err))
    req.end()
  })
}

/** Fetches and parses /config_dump. */
export async function fetchConfigDump(host: string, port: number, options: AdminGetOptions = {}): Promise<unknown> {
  const text = await adminGet(host, port, '/config_dump', options)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
      message: 'The gateway answered /config_dump with something that is not JSON.',
      hint: 'Is port 15000 the Envoy admin port of the gateway pod? Try `kubectl -n istio-system port-forward <pod> 15000` and open /config_dump.',
      cause: err,
    })
  }
}
