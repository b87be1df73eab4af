// Reads and checks REQUESTS.json for `kindlab simulate`: a JSON array of requests, each for the
// classic ingress gateway or, with `gateway: "<namespace>/<name>"`, for a Kubernetes Gateway's
// proxy. A bad file is an AppError naming the first problem (index and field), never a stack trace.
import { AppError } from '../../errors.ts'
import type { SimRequest } from '../../grader/core/index.ts'

/** A request as REQUESTS.json writes it: a SimRequest, optionally for a Kubernetes Gateway. */
export interface SimulateRequest extends SimRequest {
  /** `namespace/name` of a Kubernetes Gateway; absent: the classic ingress gateway. */
  gateway?: string
}

// Both halves are Kubernetes object names (DNS-1123 labels for namespaces, subdomains for names).
const gatewayRef = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

const hint =
  'REQUESTS.json is an array like [{"port": 8080, "host": "shop.example.com", "path": "/"}]; port is the port Envoy listens on.'

function fail(file: string, message: string): never {
  throw new AppError('LAB_ERR_VALIDATION', { message: `${file}: ${message}`, hint })
}

/** Parses and validates the requests file's text. */
export function parseRequests(text: string, file: string): SimulateRequest[] {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new AppError('LAB_ERR_VALIDATION', {
      message: `${file} is not valid JSON (${err instanceof Error ? err.message : 'parse error'}).`,
      hint,
      cause: err,
    })
  }
  if (!Array.isArray(raw)) {
    fail(file, 'the top level must be a JSON array of requests.')
  }
  return raw.map((r: unknown, i) => checkRequest(r, `${file}[${i}]`))
}

function checkRequest(r: unknown, where: string): SimulateRequest {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) {
    fail(where, 'each request must be an object.')
  }
  const o = r as Record<string, unknown>
  const port = o['port']
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(where, '"port" must be an integer from 1 to 65535.')
  }
  const out: SimulateRequest = { port }
  const gateway = o['gateway']
  if (gateway !== undefined) {
    if (typeof gateway !== 'string' || !gatewayRef.test(gateway)) {
      throw new AppError('LAB_ERR_VALIDATION', {
        message: `${where}: "gateway" must name a Kubernetes Gateway as "<namespace>/<name>", not ${JSON.stringify(gateway)}.`,
        hint: 'Write it as metadata.namespace/metadata.name of the Gateway, e.g. "infra/shared"; leave it out for the classic ingress gateway.',
      })
    }
    out.gateway = gateway
  }
  for (const key of ['host', 'path', 'method', 'sni', 'address'] as const) {
    const v = o[key]
    if (v === undefined) {
      continue
    }
    if (typeof v !== 'string') {
      fail(where, `"${key}" must be a string.`)
    }
    out[key] = v
  }
  if (o['tls'] !== undefined) {
    if (typeof o['tls'] !== 'boolean') {
      fail(where, '"tls" must be true or false.')
    }
    out.tls = o['tls']
  }
  if (o['protocol'] !== undefined) {
    if (o['protocol'] !== 'http' && o['protocol'] !== 'tcp') {
      fail(where, '"protocol" must be "http" or "tcp".')
    }
    out.protocol = o['protocol']
  }
  const headers = o['headers']
  if (headers !== undefined) {
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
      fail(where, '"headers" must be an object of strings.')
    }
    const h: Record<string, string> = {}
    for (const [k, v] of Object.entries(headers)) {
      if (typeof v !== 'string') {
        fail(where, `header "${k}" must be a string.`)
      }
      h[k] = v
    }
    out.headers = h
  }
  return out
}
