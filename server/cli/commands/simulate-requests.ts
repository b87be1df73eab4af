// Reads and checks REQUESTS.json for `kindlab simulate`: a JSON array of requests. A bad file is
// an AppError naming the first problem (index and field), never a stack trace.
import { AppError } from '../../errors.ts'
import type { SimRequest } from '../../grader/core/index.ts'

const hint =
  'REQUESTS.json is an array like [{"port": 8080, "host": "shop.example.com", "path": "/"}]; port is the port Envoy listens on.'

function fail(file: string, message: string): never {
  throw new AppError('LAB_ERR_VALIDATION', { message: `${file}: ${message}`, hint })
}

/** Parses and validates the requests file's text. */
export function parseRequests(text: string, file: string): SimRequest[] {
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

function checkRequest(r: unknown, where: string): SimRequest {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) {
    fail(where, 'each request must be an object.')
  }
  const o = r as Record<string, unknown>
  const port = o['port']
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(where, '"port" must be an integer from 1 to 65535.')
  }
  const out: SimRequest = { port }
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
