// Converts one raw object into a typed Gateway API resource (or a Namespace or Secret), applying
// the v1.6.0 CRDs' defaults as the API server does (spec rules 27, 29): here the Gateway side
// (allowedRoutes from Same, listener TLS mode Terminate); the routes' parts are read by
// read-routes.ts. Shape problems are recorded on the FieldReader with their path. Pure.
import type { SourceLocation } from '../findings.ts'
import { readMeta } from '../model/build-resource.ts'
import type { FieldReader } from '../model/reader.ts'
import { nonEmpty, present } from './present.ts'
import { defaultHTTPRule, readGRPCRule, readHTTPRule, readL4Rules, readParentRefs } from './read-routes.ts'
import {
  type AllowedRoutes,
  type GatewayApiResource,
  gatewayApiGroup,
  type LabelSelector,
  type Listener,
  type RouteGroupKind,
  type SecretObjectReference,
} from './types.ts'
import { isGatewayApiKind, isKnownGatewayApiVersion } from './versions.ts'

/**
 * True when the object is a kind this module reads (Gateway API kinds in any version a release
 * defined, served or not: model.ts refuses the unserved ones; core Namespace and Secret).
 */
export function isGatewayApiObject(apiVersion: string, kind: string): boolean {
  const slash = apiVersion.indexOf('/')
  if (slash < 0) {
    return apiVersion === 'v1' && (kind === 'Namespace' || kind === 'Secret')
  }
  return (
    apiVersion.slice(0, slash) === gatewayApiGroup &&
    isKnownGatewayApiVersion(apiVersion.slice(slash + 1)) &&
    isGatewayApiKind(kind)
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
  Object.assign(listener, present({ hostname: nonEmpty(r.str(l['hostname'], `${path}.hostname`)) }))
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
  return {
    group: r.str(o['group'], `${path}.group`) ?? '',
    kind: r.str(o['kind'], `${path}.kind`) ?? 'Secret',
    name: r.str(o['name'], `${path}.name`) ?? '',
    ...present({ namespace: nonEmpty(r.str(o['namespace'], `${path}.namespace`)) }),
  }
}

function readAllowedRoutes(r: FieldReader, raw: unknown, path: string): AllowedRoutes {
  const a = r.obj(raw, path) ?? {}
  const ns = r.obj(a['namespaces'], `${path}.namespaces`) ?? {}
  const out: AllowedRoutes = {
    from: r.str(ns['from'], `${path}.namespaces.from`) ?? 'Same',
    ...present({ selector: readSelector(r, ns['selector'], `${path}.namespaces.selector`) }),
  }
  const kinds = r.list(a['kinds'], `${path}.kinds`, (k, p): RouteGroupKind | undefined => {
    const o = r.obj(k, p)
    if (o === undefined) {
      return undefined
    }
    return { group: r.str(o['group'], `${p}.group`) ?? gatewayApiGroup, kind: r.str(o['kind'], `${p}.kind`) ?? '' }
  })
  return Object.assign(out, present({ kinds }))
}

function readSelector(r: FieldReader, raw: unknown, path: string): LabelSelector | undefined {
  const s = r.obj(raw, path)
  if (s === undefined) {
    return undefined
  }
  const exprs = r.list(s['matchExpressions'], `${path}.matchExpressions`, (e, p) => {
    const o = r.obj(e, p) ?? {}
    const values = r.strList(o['values'], `${p}.values`)
    return {
      key: r.str(o['key'], `${p}.key`) ?? '',
      operator: r.str(o['operator'], `${p}.operator`) ?? '',
      ...present({ values }),
    }
  })
  return present({ matchLabels: r.strMap(s['matchLabels'], `${path}.matchLabels`), matchExpressions: exprs })
}
