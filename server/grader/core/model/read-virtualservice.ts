// Converts a raw VirtualService spec (http, tls, tcp rules, delegate) into the typed model,
// recording shape problems on the reader. Semantic validation lives in validate-virtualservice.ts.
import type { FieldReader } from './reader.ts'
import type {
  Destination,
  HeaderOperations,
  Headers,
  HTTPMatchRequest,
  HTTPRoute,
  HTTPRouteDestination,
  L4MatchAttributes,
  RouteDestination,
  StringMatch,
  TCPRoute,
  TLSRoute,
  VirtualServiceSpec,
} from './types.ts'

/** Reads `spec` of a networking.istio.io VirtualService. */
export function readVirtualServiceSpec(r: FieldReader, raw: unknown): VirtualServiceSpec {
  const spec = r.obj(raw, 'spec') ?? {}
  const out: VirtualServiceSpec = {
    hosts: r.strList(spec['hosts'], 'spec.hosts') ?? [],
    http: r.list(spec['http'], 'spec.http', (h, p) => readHTTPRoute(r, h, p)) ?? [],
    tls: r.list(spec['tls'], 'spec.tls', (t, p) => readTLSRoute(r, t, p)) ?? [],
    tcp: r.list(spec['tcp'], 'spec.tcp', (t, p) => readTCPRoute(r, t, p)) ?? [],
  }
  const gateways = r.strList(spec['gateways'], 'spec.gateways')
  if (gateways !== undefined && gateways.length > 0) {
    out.gateways = gateways
  }
  const exportTo = r.strList(spec['exportTo'], 'spec.exportTo')
  if (exportTo !== undefined && exportTo.length > 0) {
    out.exportTo = exportTo
  }
  return out
}

const modelledHTTPKeys = new Set([
  'name',
  'match',
  'route',
  'redirect',
  'directResponse',
  'delegate',
  'rewrite',
  'timeout',
  'headers',
])

function readHTTPRoute(r: FieldReader, raw: unknown, path: string): HTTPRoute | undefined {
  const h = r.obj(raw, path) ?? {}
  const route: HTTPRoute = {}
  setIf(route, 'name', r.str(h['name'], `${path}.name`))
  setIf(
    route,
    'match',
    r.list(h['match'], `${path}.match`, (m, p) => readMatch(r, m, p)),
  )
  setIf(
    route,
    'route',
    r.list(h['route'], `${path}.route`, (d, p) => readHTTPDestination(r, d, p)),
  )
  setIf(route, 'timeout', r.str(h['timeout'], `${path}.timeout`))
  setIf(route, 'headers', readHeaders(r, h['headers'], `${path}.headers`))
  const redirect = r.obj(h['redirect'], `${path}.redirect`)
  if (redirect !== undefined) {
    const rp = `${path}.redirect`
    route.redirect = {}
    for (const key of ['uri', 'authority', 'derivePort', 'scheme', 'prefixRewrite'] as const) {
      setIf(route.redirect, key, r.str(redirect[key], `${rp}.${key}`))
    }
    setIf(route.redirect, 'port', r.int(redirect['port'], `${rp}.port`))
    setIf(route.redirect, 'redirectCode', r.int(redirect['redirectCode'], `${rp}.redirectCode`))
  }
  const direct = r.obj(h['directResponse'], `${path}.directResponse`)
  if (direct !== undefined) {
    const dp = `${path}.directResponse`
    route.directResponse = { status: r.int(direct['status'], `${dp}.status`) ?? 0 }
    const body = r.obj(direct['body'], `${dp}.body`)
    if (body !== undefined) {
      route.directResponse.body = {}
      setIf(route.directResponse.body, 'string', r.str(body['string'], `${dp}.body.string`))
      setIf(route.directResponse.body, 'bytes', r.str(body['bytes'], `${dp}.body.bytes`))
    }
  }
  const delegate = r.obj(h['delegate'], `${path}.delegate`)
  if (delegate !== undefined) {
    route.delegate = { name: r.str(delegate['name'], `${path}.delegate.name`) ?? '' }
    setIf(route.delegate, 'namespace', r.str(delegate['namespace'], `${path}.delegate.namespace`) || undefined)
  }
  const rewrite = r.obj(h['rewrite'], `${path}.rewrite`)
  if (rewrite !== undefined) {
    route.rewrite = {}
    setIf(route.rewrite, 'uri', r.str(rewrite['uri'], `${path}.rewrite.uri`))
    setIf(route.rewrite, 'authority', r.str(rewrite['authority'], `${path}.rewrite.authority`))
    const rr = r.obj(rewrite['uriRegexRewrite'], `${path}.rewrite.uriRegexRewrite`)
    if (rr !== undefined) {
      const rp = `${path}.rewrite.uriRegexRewrite`
      route.rewrite.uriRegexRewrite = {
        match: r.str(rr['match'], `${rp}.match`) ?? '',
        rewrite: r.str(rr['rewrite'], `${rp}.rewrite`) ?? '',
      }
    }
  }
  const other = Object.entries(h).filter(([k]) => !modelledHTTPKeys.has(k))
  if (other.length > 0) {
    route.other = Object.fromEntries(other)
  }
  return route
}

function readMatch(r: FieldReader, raw: unknown, path: string): HTTPMatchRequest | undefined {
  const m = r.obj(raw, path) ?? {}
  const match: HTTPMatchRequest = {}
  setIf(match, 'name', r.str(m['name'], `${path}.name`))
  for (const key of ['uri', 'scheme', 'method', 'authority'] as const) {
    setIf(match, key, readStringMatch(r, m[key], `${path}.${key}`))
  }
  for (const key of ['headers', 'queryParams', 'withoutHeaders'] as const) {
    setIf(
      match,
      key,
      r.map(m[key], `${path}.${key}`, (v, p) => readStringMatch(r, v, p) ?? {}),
    )
  }
  setIf(match, 'port', r.int(m['port'], `${path}.port`))
  setIf(match, 'sourceLabels', r.strMap(m['sourceLabels'], `${path}.sourceLabels`))
  setIf(match, 'gateways', r.strList(m['gateways'], `${path}.gateways`))
  setIf(match, 'ignoreUriCase', r.bool(m['ignoreUriCase'], `${path}.ignoreUriCase`))
  setIf(match, 'sourceNamespace', r.str(m['sourceNamespace'], `${path}.sourceNamespace`))
  setIf(match, 'statPrefix', r.str(m['statPrefix'], `${path}.statPrefix`))
  return match
}

/** Reads an Istio StringMatch ({exact}|{prefix}|{regex}). */
export function readStringMatch(r: FieldReader, raw: unknown, path: string): StringMatch | undefined {
  const o = r.obj(raw, path)
  if (o === undefined) {
    return undefined
  }
  const sm: StringMatch = {}
  setIf(sm, 'exact', r.str(o['exact'], `${path}.exact`))
  setIf(sm, 'prefix', r.str(o['prefix'], `${path}.prefix`))
  setIf(sm, 'regex', r.str(o['regex'], `${path}.regex`))
  return sm
}

function readDestination(r: FieldReader, raw: unknown, path: string): Destination {
  const d = r.obj(raw, path) ?? {}
  const dest: Destination = { host: r.str(d['host'], `${path}.host`) ?? '' }
  setIf(dest, 'subset', r.str(d['subset'], `${path}.subset`) || undefined)
  const port = r.obj(d['port'], `${path}.port`)
  if (port !== undefined) {
    const number = r.int(port['number'], `${path}.port.number`)
    dest.port = number === undefined ? {} : { number }
  }
  return dest
}

function readHTTPDestination(r: FieldReader, raw: unknown, path: string): HTTPRouteDestination | undefined {
  const d = r.obj(raw, path) ?? {}
  if (d['destination'] === undefined) {
    r.fail(`${path}.destination`, `${path}.destination is required.`)
  }
  const out: HTTPRouteDestination = { destination: readDestination(r, d['destination'], `${path}.destination`) }
  setIf(out, 'weight', r.int(d['weight'], `${path}.weight`))
  setIf(out, 'headers', readHeaders(r, d['headers'], `${path}.headers`))
  return out
}

function readRouteDestination(r: FieldReader, raw: unknown, path: string): RouteDestination | undefined {
  const d = r.obj(raw, path) ?? {}
  if (d['destination'] === undefined) {
    r.fail(`${path}.destination`, `${path}.destination is required.`)
  }
  const out: RouteDestination = { destination: readDestination(r, d['destination'], `${path}.destination`) }
  setIf(out, 'weight', r.int(d['weight'], `${path}.weight`))
  return out
}

function readHeaders(r: FieldReader, raw: unknown, path: string): Headers | undefined {
  const h = r.obj(raw, path)
  if (h === undefined) {
    return undefined
  }
  const out: Headers = {}
  for (const side of ['request', 'response'] as const) {
    const o = r.obj(h[side], `${path}.${side}`)
    if (o === undefined) {
      continue
    }
    const ops: HeaderOperations = {}
    setIf(ops, 'set', r.strMap(o['set'], `${path}.${side}.set`))
    setIf(ops, 'add', r.strMap(o['add'], `${path}.${side}.add`))
    setIf(ops, 'remove', r.strList(o['remove'], `${path}.${side}.remove`))
    out[side] = ops
  }
  return out
}

function readL4Match(r: FieldReader, m: Record<string, unknown>, path: string): L4MatchAttributes {
  const match: L4MatchAttributes = {}
  setIf(match, 'destinationSubnets', r.strList(m['destinationSubnets'], `${path}.destinationSubnets`))
  setIf(match, 'port', r.int(m['port'], `${path}.port`))
  setIf(match, 'sourceLabels', r.strMap(m['sourceLabels'], `${path}.sourceLabels`))
  setIf(match, 'gateways', r.strList(m['gateways'], `${path}.gateways`))
  setIf(match, 'sourceNamespace', r.str(m['sourceNamespace'], `${path}.sourceNamespace`))
  return match
}

function readTLSRoute(r: FieldReader, raw: unknown, path: string): TLSRoute | undefined {
  const t = r.obj(raw, path) ?? {}
  return {
    match:
      r.list(t['match'], `${path}.match`, (m, p) => {
        const o = r.obj(m, p) ?? {}
        return { ...readL4Match(r, o, p), sniHosts: r.strList(o['sniHosts'], `${p}.sniHosts`) ?? [] }
      }) ?? [],
    route: r.list(t['route'], `${path}.route`, (d, p) => readRouteDestination(r, d, p)) ?? [],
  }
}

function readTCPRoute(r: FieldReader, raw: unknown, path: string): TCPRoute | undefined {
  const t = r.obj(raw, path) ?? {}
  const out: TCPRoute = { route: r.list(t['route'], `${path}.route`, (d, p) => readRouteDestination(r, d, p)) ?? [] }
  setIf(
    out,
    'match',
    r.list(t['match'], `${path}.match`, (m, p) => readL4Match(r, r.obj(m, p) ?? {}, p)),
  )
  return out
}

/** Assigns `value` to `target[key]` unless it is undefined (keeps optional fields truly absent). */
function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) {
    target[key] = value
  }
}
