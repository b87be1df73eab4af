// Reads an Envoy admin endpoint (/config_dump) over plain HTTP on a loopback port (a port-forward
// to the gateway pod's admin port 15000). Bounded in size and time; errors become AppErrors.
import { request, type IncomingMessage } from 'node:http'
import { AppError } from '../../errors.ts'

export interface AdminGetOptions {
  /** @default 64 MiB — a gateway's config_dump is usually a few MiB */
  maxBytes?: number
  /** @default 15_000 */
  timeoutMs?: number
  signal?: AbortSignal
  /**
   * Whose admin API it is, for messages: `what` starts the sentence, `hint` says where to look.
   * @default the ingress gateway's (istio-system, istio=ingressgateway)
   */
  owner?: { what: string; hint: string }
}

const ingressOwner = {
  what: "The ingress gateway's Envoy admin",
  hint: 'Check the gateway pod: `kubectl -n istio-system get pods -l istio=ingressgateway`. It must be Running and Ready.',
}

const size = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`

/** Reads a response body, failing once it passes `maxBytes`. */
function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    res.on('data', (chunk: Buffer) => {
      total += chunk.length
      if (total > maxBytes) {
        res.destroy()
        reject(new Error(`the answer is larger than ${size(maxBytes)}`))
        return
      }
      chunks.push(chunk)
    })
    res.on('end', () => resolve(Buffer.concat(chunks)))
    res.on('error', reject)
  })
}

/** GETs `path` from an Envoy admin listener at host:port and returns the body text. */
export function adminGet(host: string, port: number, path: string, options: AdminGetOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  const timeoutMs = options.timeoutMs ?? 15_000
  const owner = options.owner ?? ingressOwner
  return new Promise((resolve, reject) => {
    const fail = (why: string, cause?: unknown) =>
      reject(
        new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
          message: `${owner.what} (${path}) did not answer: ${why}.`,
          hint: owner.hint,
          ...(cause === undefined ? {} : { cause }),
        }),
      )
    const headers = { connection: 'close', accept: 'application/json' }
    const req = request(
      { host, port, path, method: 'GET', headers, ...(options.signal ? { signal: options.signal } : {}) },
      (res) => {
        readBody(res, maxBytes).then(
          (body) => {
            const text = body.toString('utf8')
            return res.statusCode === 200
              ? resolve(text)
              : fail(`HTTP ${res.statusCode ?? '?'} ${text.slice(0, 120).trim()}`)
          },
          (err: Error) => fail(err.message, err),
        )
      },
    )
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
      message: `${(options.owner ?? ingressOwner).what} answered /config_dump with something that is not JSON.`,
      hint: 'Is port 15000 the Envoy admin port of the gateway pod? Try `kubectl -n <namespace> port-forward <pod> 15000` and open /config_dump.',
      cause: err,
    })
  }
}
