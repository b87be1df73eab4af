// Converts one raw object into a typed Gateway API resource (or a Namespace or Secret), applying
// the v1.6.0 CRDs' defaults as the API server does: allowedRoutes from Same, listener TLS mode
// Terminate, parentRef group/kind Gateway, backendRef kind Service and weight 1, a rule without
// matches gets PathPrefix `/`, match types Exact/PathPrefix, redirect status 302 (spec rules 27,
// 29). Shape problems are recorded on the FieldReader with their path. Pure.
import type { SourceLocation } from '../findings.ts'
import { readMeta } from '../model/build-resource.ts'
import type { FieldReader } from '../model/reader.ts'
import {
  type AllowedRoutes,
  type BackendObjectReference,
  type BackendRef,
  type GatewayApiResource,
  gatewayApiGroup,
  type GRPCRouteMatch,
  type GRPCRouteRule,
  type HeaderModifier,
  type HTTPRouteFilter,
  type HTTPRouteMatch,
  type HTTPRouteRule,
  type L4RouteRule,
  type LabelSelector,
  type Listener,
  type NamedMatch,
  type ParentReference,
  type PathModifier,
  type RouteGroupKind,
  type SecretObjectReference,
} from './types.ts'

const routeVersions = new Set(['v1', 'v1beta1', 'v1alpha2', 'v1alpha3'])
const gwKinds = new Set(['GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'ReferenceGrant'])

/** True when the object is a kind this module reads (Gateway API kinds, core Namespace and Secret). */
export function isGatewayApiObject(apiVersion: string, kind: string): boolean {
  const slash = apiVersion.indexOf('/')
  if (slash < 0) {
    return apiVersion === 'v1' && (kind === 'Namespace' || kind === 'Secret')
  }
  return (
    apiVersion.slice(0, slash) === gatewayApiGroup &&
    routeVersions.has(apiVersion.slice(slash + 1)) &&
    gwKinds.has(kind)
  )
}

/** Reads one object of a kind `isGatewayApiObject` accepts; undefined for any other kind. */
export function readGatewayApiObject(
  r: FieldReader,
  obj: Record<string, unknown>,
  source: SourceLocation,
  defaultNamespace: string,
): GatewayApiResource | undefined {
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : ''
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : ''
  if (!isGatewayApiObject(apiVersion, kind)) {
    return undefined
  }
  const metadata = readMeta(r, obj['metadata'], defaultNamespace)
  const base = { apiVersion, metadata, source }
  const spec = r.obj(obj['spec'], 'spec') ?? {}
  switch (kind) {
    case 'GatewayClass':
      return { ...base, kind, spec: { controllerName: r.str(spec['controllerName'], 'spec.controllerName') ?? '' } }
    case 'Gateway': {
      const addresses = r.list(spec['addresses'], 'spec.addresses', (a, p) => {
        const o = r.obj(a, p) ?? {}
        return { type: r.str(o['type'], `${p}.type`) ?? 'IPAddress', value: r.str(o['value'], `${p}.value`) ?? '' }
      })
      return {
        ...base,
        kind,
        spec: {
          gatewayClassName: r.str(spec['gatewayClassName'], 'spec.gatewayClassName') ?? '',
          listeners: r.list(spec['listeners'], 'spec.listeners', (l, p) => readListener(r, l, p)) ?? [],
          ...(addresses === undefined ? {} : { addresses }),
        },
      }
    }
    case 'HTTPRoute':
      return {
        ...base,
        kind,
        spec: {
          parentRefs: readParentRefs(r, spec),
          hostnames: r.strList(spec['hostnames'], 'spec.hostnames') ?? [],
          rules: r.list(spec['rules'], 'spec.rules', (x, p) => readHTTPRule(r, x, p)) ?? [defaultHTTPRule()],
        },
      }
    case 'GRPCRoute':
      return {
        ...base,
        kind,
        spec: {
          parentRefs: readParentRefs(r, spec),
          hostnames: r.strList(spec['hostnames'], 'spec.hostnames') ?? [],
          rules: r.list(spec['rules'], 'spec.rules', (x, p) => readGRPCRule(r, x, p)) ?? [],
        },
      }
    case 'TCPRoute':
      return {
        ...base,
        kind,
        spec: { parentRefs: readParentRefs(r, spec), rules: readL4Rules(r, spec) },
      }
    case 'TLSRoute':
      return {
        ...base,
        kind,
        spec: {
          parentRefs: readParentRefs(r, spec),
          hostnames: r.strList(spec['hostnames'], 'spec.hostnames') ?? [],
          rules: readL4Rules(r, spec),
        },
      }
    case 'ReferenceGrant':
      return {
        ...base,
        kind,
        spec: {
          from:
            r.list(spec['from'], 'spec.from', (f, p) => {
              const o = r.obj(f, p) ?? {}
              return {
                group: r.str(o['group'], `${p}.group`) ?? '',
                kind: r.str(o['kind'], `${p}.kind`) ?? '',
                namespace: r.str(o['namespace'], `${p}.namespace`) ?? '',
              }
            }) ?? [],
          to:
            r.list(spec['to'], 'spec.to', (t, p) => {
              const o = r.obj(t, p) ?? {}
              const name = r.str(o['name'], `${p}.name`)
              return {
                group: r.str(o['group'], `${p}.group`) ?? '',
                kind: r.str(o['kind'], `${p}.kind`) ?? '',
                ...(name === undefined || name === '' ? {} : { name }),
              }
            }) ?? [],
        },
      }
    case 'Namespace':
      // A Namespace has no namespace; its name is what selectors see.
      return { ...base, metadata: { ...metadata, namespace: '' }, kind, spec: {} }
    case 'Secret': {
      const keys = new Set<string>()
      for (const field of ['data', 'stringData']) {
        for (const k of Object.keys(r.obj(obj[field], field) ?? {})) {
          keys.add(k)
        }
      }
      return { ...base, kind, spec: { type: r.str(obj['type'], 'type') ?? 'Opaque', keys: [...keys].sort() } }
    }
  }
  return undefined
}

function readListener(r: FieldReader, raw: unknown, path: string): Listener | undefined {
  const l = r.obj(raw, path)
  if (l === undefined) {
    return r.fail(path, `${path} must not be empty.`)
  }
  const listener: Listener = {
    name: r.str(l['name'], `${path}.name`) ?? '',
    port: r.int(l['port'], `${path}.port`) ?? 0,
    protocol: r.str(l['protocol'], `${path}.protocol`) ?? '',
    allowedRoutes: readAllowedRoutes(r, l['allowedRoutes'], `${path}.allowedRoutes`),
  }
  const hostname = r.str(l['hostname'], `${path}.hostname`)
  if (hostname !== undefined && hostname !== '') {
    listener.hostname = hostname
  }
  const tls = r.obj(l['tls'], `${path}.tls`)
  if (tls !== undefined) {
    listener.tls = {
      mode: r.str(tls['mode'], `${path}.tls.mode`) ?? 'Terminate',
      certificateRefs:
        r.list(tls['certificateRefs'], `${path}.tls.certificateRefs`, (c, p) => readSecretRef(r, c, p)) ?? [],
    }
  }
  return listener
}

function readSecretRef(r: FieldReader, raw: unknown, path: string): SecretObjectReference | undefined {
  const o = r.obj(raw, path)
  if (o === undefined) {
    return undefined
  }
  const ref: SecretObjectReference = {
    group: r.str(o['group'], `${path}.group`) ?? '',
    kind: r.str(o['kind'], `${path}.kind`) ?? 'Secret',
    name: r.str(o['name'], `${path}.name`) ?? '',
  }
  const ns = r.str(o['namespace'], `${path}.namespace`)
  if (ns !== undefined && ns !== '') {
    ref.namespace = ns
  }
  return ref
}

function readAllowedRoutes(r: FieldReader, raw: unknown, path: string): AllowedRoutes {
  const a = r.obj(raw, path) ?? {}
  const ns = r.obj(a['namespaces'], `${path}.namespaces`) ?? {}
  const out: AllowedRoutes = { from: r.str(ns['from'], `${path}.namespaces.from`) ?? 'Same' }
  const selector = readSelector(r, ns['selector'], `${path}.namespaces.selector`)
  if (selector !== undefined) {
    out.selector = selector
  }
  const kinds = r.list(a['kinds'], `${path}.kinds`, (k, p): RouteGroupKind | undefined => {
    const o = r.obj(k, p)
    if (o === undefined) {
      return undefined
    }
    return { group: r.str(o['group'], `${p}.group`) ?? gatewayApiGroup, kind: r.str(o['kind'], `${p}.kind`) ?? '' }
  })
  if (kinds !== undefined) {
    out.kinds = kinds
  }
  return out
}

function readSelector(r: FieldReader, raw: unknown, path: string): LabelSelector | undefined {
  const s = r.obj(raw, path)
  if (s === undefined) {
    return undefined
  }
  const out: LabelSelector = {}
  const labels = r.strMap(s['matchLabels'], `${path}.matchLabels`)
  if (labels !== undefined) {
    out.matchLabels = labels
  }
  const exprs = r.list(s['matchExpressions'], `${path}.matchExpressions`, (e, p) => {
    const o = r.obj(e, p) ?? {}
    const values = r.strList(o['values'], `${p}.values`)
    return {
      key: r.str(o['key'], `${p}.key`) ?? '',
      operator: r.str(o['operator'], `${p}.operator`) ?? '',
      ...(values === undefined ? {} : { values }),
    }
  })
  if (exprs !== undefined) {
    out.matchExpressions = exprs
  }
  return out
}

function readParentRefs(r: FieldReader, spec: Record<string, unknown>): ParentReference[] {
  return (
    r.list(spec['parentRefs'], 'spec.parentRefs', (raw, path): ParentReference | undefined => {
      const o = r.obj(raw, path)
      if (o === undefined) {
        return undefined
      }
      const ref: ParentReference = {
        group: r.str(o['group'], `${path}.group`) ?? gatewayApiGroup,
        kind: r.str(o['kind'], `${path}.kind`) ?? 'Gateway',
        name: r.str(o['name'], `${path}.name`) ?? '',
      }
      const section = r.str(o['sectionName'], `${path}.sectionName`)
      if (section !== undefined && section !== '') {
        ref.sectionName = section
      }
      return withNamespaceAndPort(r, o, path, ref)
    }) ?? []
  )
}

function readBackendObjectRef(r: FieldReader, o: Record<string, unknown>, path: string): BackendObjectReference {
  const ref: BackendObjectReference = {
    group: r.str(o['group'], `${path}.group`) ?? '',
    kind: r.str(o['kind'], `${path}.kind`) ?? 'Service',
    name: r.str(o['name'], `${path}.name`) ?? '',
  }
  return withNamespaceAndPort(r, o, path, ref)
}

/** A reference's optional `namespace` (empty means absent) and `port`, read onto `ref`. */
function withNamespaceAndPort<T extends { namespace?: string; port?: number }>(
  r: FieldReader,
  o: Record<string, unknown>,
  path: string,
  ref: T,
): T {
  const ns = r.str(o['namespace'], `${path}.namespace`)
  if (ns !== undefined && ns !== '') {
    ref.namespace = ns
  }
  const port = r.int(o['port'], `${path}.port`)
  if (port !== undefined) {
    ref.port = port
  }
  return ref
}

function readBackendRefs(r: FieldReader, raw: unknown, path: string): BackendRef[] {
  return (
    r.list(raw, path, (b, p): BackendRef | undefined => {
      const o = r.obj(b, p)
      if (o === undefined) {
        return undefined
      }
      return {
        ...readBackendObjectRef(r, o, p),
        weight: r.int(o['weight'], `${p}.weight`) ?? 1,
        filters: readFilters(r, o['filters'], `${p}.filters`),
      }
    }) ?? []
  )
}

function readHeaderModifier(r: FieldReader, raw: unknown, path: string): HeaderModifier | undefined {
  const o = r.obj(raw, path)
  if (o === undefined) {
    return undefined
  }
  const pairs = (field: string): Array<{ name: string; value: string }> | undefined =>
    r.list(o[field], `${path}.${field}`, (h, p) => {
      const x = r.obj(h, p) ?? {}
      return { name: r.str(x['name'], `${p}.name`) ?? '', value: r.str(x['value'], `${p}.value`) ?? '' }
    })
  const out: HeaderModifier = {}
  const set = pairs('set')
  const add = pairs('add')
  const remove = r.strList(o['remove'], `${path}.remove`)
  if (set !== undefined) {
    out.set = set
  }
  if (add !== undefined) {
    out.add = add
  }
  if (remove !== undefined) {
    out.remove = remove
  }
  return out
}

function readPathModifier(r: FieldReader, raw: unknown, path: string): PathModifier | undefined {
  const o = r.obj(raw, path)
  if (o === undefined) {
    return undefined
  }
  const out: PathModifier = { type: r.str(o['type'], `${path}.type`) ?? '' }
  const full = r.str(o['replaceFullPath'], `${path}.replaceFullPath`)
  const prefix = r.str(o['replacePrefixMatch'], `${path}.replacePrefixMatch`)
  if (full !== undefined) {
    out.replaceFullPath = full
  }
  if (prefix !== undefined) {
    out.replacePrefixMatch = prefix
  }
  return out
}

function readFilters(r: FieldReader, raw: unknown, path: string): HTTPRouteFilter[] {
  return (
    r.list(raw, path, (f, p): HTTPRouteFilter | undefined => {
      const o = r.obj(f, p)
      if (o === undefined) {
        return undefined
      }
      const filter: HTTPRouteFilter = { type: r.str(o['type'], `${p}.type`) ?? '' }
      const req = readHeaderModifier(r, o['requestHeaderModifier'], `${p}.requestHeaderModifier`)
      const res = readHeaderModifier(r, o['responseHeaderModifier'], `${p}.responseHeaderModifier`)
      if (req !== undefined) {
        filter.requestHeaderModifier = req
      }
      if (res !== undefined) {
        filter.responseHeaderModifier = res
      }
      const redirect = r.obj(o['requestRedirect'], `${p}.requestRedirect`)
      if (redirect !== undefined) {
        const rp = `${p}.requestRedirect`
        const scheme = r.str(redirect['scheme'], `${rp}.scheme`)
        const hostname = r.str(redirect['hostname'], `${rp}.hostname`)
        const pathMod = readPathModifier(r, redirect['path'], `${rp}.path`)
        const port = r.int(redirect['port'], `${rp}.port`)
        filter.requestRedirect = {
          statusCode: r.int(redirect['statusCode'], `${rp}.statusCode`) ?? 302,
          ...(scheme === undefined ? {} : { scheme }),
          ...(hostname === undefined ? {} : { hostname }),
          ...(pathMod === undefined ? {} : { path: pathMod }),
          ...(port === undefined ? {} : { port }),
        }
      }
      const rewrite = r.obj(o['urlRewrite'], `${p}.urlRewrite`)
      if (rewrite !== undefined) {
        const hostname = r.str(rewrite['hostname'], `${p}.urlRewrite.hostname`)
        const pathMod = readPathModifier(r, rewrite['path'], `${p}.urlRewrite.path`)
        filter.urlRewrite = {
          ...(hostname === undefined ? {} : { hostname }),
          ...(pathMod === undefined ? {} : { path: pathMod }),
        }
      }
      const mirror = r.obj(o['requestMirror'], `${p}.requestMirror`)
      if (mirror !== undefined) {
        const mp = `${p}.requestMirror`
        const percent = r.int(mirror['percent'], `${mp}.percent`)
        const fraction = r.obj(mirror['fraction'], `${mp}.fraction`)
        filter.requestMirror = {
          backendRef: readBackendObjectRef(
            r,
            r.obj(mirror['backendRef'], `${mp}.backendRef`) ?? {},
            `${mp}.backendRef`,
          ),
          ...(percent === undefined ? {} : { percent }),
          ...(fraction === undefined
            ? {}
            : {
                fraction: {
                  numerator: r.int(fraction['numerator'], `${mp}.fraction.numerator`) ?? 0,
                  denominator: r.int(fraction['denominator'], `${mp}.fraction.denominator`) ?? 100,
                },
              }),
        }
      }
      return filter
    }) ?? []
  )
}

function readNamedMatches(r: FieldReader, raw: unknown, path: string): NamedMatch[] {
  return (
    r.list(raw, path, (h, p): NamedMatch | undefined => {
      const o = r.obj(h, p)
      if (o === undefined) {
        return undefined
      }
      return {
        type: r.str(o['type'], `${p}.type`) ?? 'Exact',
        name: r.str(o['name'], `${p}.name`) ?? '',
        value: r.str(o['value'], `${p}.value`) ?? '',
      }
    }) ?? []
  )
}

function defaultHTTPRule(): HTTPRouteRule {
  return { matches: [defaultMatch()], filters: [], backendRefs: [] }
}

function defaultMatch(): HTTPRouteMatch {
  return { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }
}

function readHTTPRule(r: FieldReader, raw: unknown, path: string): HTTPRouteRule | undefined {
  const o = r.obj(raw, path) ?? {}
  const matches =
    r.list(o['matches'], `${path}.matches`, (m, p): HTTPRouteMatch | undefined => {
      const x = r.obj(m, p) ?? {}
      const out: HTTPRouteMatch = {
        headers: readNamedMatches(r, x['headers'], `${p}.headers`),
        queryParams: readNamedMatches(r, x['queryParams'], `${p}.queryParams`),
      }
      const pm = r.obj(x['path'], `${p}.path`)
      if (pm !== undefined) {
        out.path = {
          type: r.str(pm['type'], `${p}.path.type`) ?? 'PathPrefix',
          value: r.str(pm['value'], `${p}.path.value`) ?? '/',
        }
      } else {
        // The CRD defaults every match's path, even one that only matches headers.
        out.path = { type: 'PathPrefix', value: '/' }
      }
      const method = r.str(x['method'], `${p}.method`)
      if (method !== undefined) {
        out.method = method
      }
      return out
    }) ?? []
  const rule: HTTPRouteRule = {
    matches: matches.length === 0 ? [defaultMatch()] : matches,
    filters: readFilters(r, o['filters'], `${path}.filters`),
    backendRefs: readBackendRefs(r, o['backendRefs'], `${path}.backendRefs`),
  }
  const name = r.str(o['name'], `${path}.name`)
  if (name !== undefined && name !== '') {
    rule.name = name
  }
  const timeouts = r.obj(o['timeouts'], `${path}.timeouts`)
  if (timeouts !== undefined) {
    const request = r.str(timeouts['request'], `${path}.timeouts.request`)
    const backendRequest = r.str(timeouts['backendRequest'], `${path}.timeouts.backendRequest`)
    rule.timeouts = {
      ...(request === undefined ? {} : { request }),
      ...(backendRequest === undefined ? {} : { backendRequest }),
    }
  }
  return rule
}

function readGRPCRule(r: FieldReader, raw: unknown, path: string): GRPCRouteRule | undefined {
  const o = r.obj(raw, path) ?? {}
  const matches =
    r.list(o['matches'], `${path}.matches`, (m, p): GRPCRouteMatch | undefined => {
      const x = r.obj(m, p) ?? {}
      const out: GRPCRouteMatch = { headers: readNamedMatches(r, x['headers'], `${p}.headers`) }
      const mm = r.obj(x['method'], `${p}.method`)
      if (mm !== undefined) {
        const service = r.str(mm['service'], `${p}.method.service`)
        const method = r.str(mm['method'], `${p}.method.method`)
        out.method = {
          type: r.str(mm['type'], `${p}.method.type`) ?? 'Exact',
          ...(service === undefined ? {} : { service }),
          ...(method === undefined ? {} : { method }),
        }
      }
      return out
    }) ?? []
  const rule: GRPCRouteRule = {
    matches,
    filters: readFilters(r, o['filters'], `${path}.filters`),
    backendRefs: readBackendRefs(r, o['backendRefs'], `${path}.backendRefs`),
  }
  const name = r.str(o['name'], `${path}.name`)
  if (name !== undefined && name !== '') {
    rule.name = name
  }
  return rule
}

function readL4Rules(r: FieldReader, spec: Record<string, unknown>): L4RouteRule[] {
  return (
    r.list(spec['rules'], 'spec.rules', (raw, path): L4RouteRule | undefined => {
      const o = r.obj(raw, path) ?? {}
      const rule: L4RouteRule = { backendRefs: readBackendRefs(r, o['backendRefs'], `${path}.backendRefs`) }
      const name = r.str(o['name'], `${path}.name`)
      if (name !== undefined && name !== '') {
        rule.name = name
      }
      return rule
    }) ?? []
  )
}
