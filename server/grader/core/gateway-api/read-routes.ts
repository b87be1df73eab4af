// The route half of the Gateway API reader: parentRefs, rules, matches, filters and backendRefs of
// HTTPRoute, GRPCRoute, TCPRoute and TLSRoute, with the v1.6.0 CRDs' defaults (parentRef group/kind
// Gateway, backendRef kind Service and weight 1, a rule without matches gets PathPrefix `/`, match
// types Exact/PathPrefix, redirect status 302). Shape problems go on the FieldReader with their path. Pure.
import type { FieldReader } from '../model/reader.ts'
import { nonEmpty, present } from './present.ts'
import {
  type BackendObjectReference,
  type BackendRef,
  gatewayApiGroup,
  type GRPCRouteMatch,
  type GRPCRouteRule,
  type HeaderModifier,
  type HTTPRouteFilter,
  type HTTPRouteMatch,
  type HTTPRouteRule,
  type L4RouteRule,
  type NamedMatch,
  type ParentReference,
  type PathModifier,
} from './types.ts'

export function readParentRefs(r: FieldReader, spec: Record<string, unknown>): ParentReference[] {
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
        ...present({ sectionName: nonEmpty(r.str(o['sectionName'], `${path}.sectionName`)) }),
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
  return Object.assign(
    ref,
    present({
      namespace: nonEmpty(r.str(o['namespace'], `${path}.namespace`)),
      port: r.int(o['port'], `${path}.port`),
    }),
  )
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
  return present({ set: pairs('set'), add: pairs('add'), remove: r.strList(o['remove'], `${path}.remove`) })
}

function readPathModifier(r: FieldReader, raw: unknown, path: string): PathModifier | undefined {
  const o = r.obj(raw, path)
  if (o === undefined) {
    return undefined
  }
  return {
    type: r.str(o['type'], `${path}.type`) ?? '',
    ...present({
      replaceFullPath: r.str(o['replaceFullPath'], `${path}.replaceFullPath`),
      replacePrefixMatch: r.str(o['replacePrefixMatch'], `${path}.replacePrefixMatch`),
    }),
  }
}

function readFilters(r: FieldReader, raw: unknown, path: string): HTTPRouteFilter[] {
  return (
    r.list(raw, path, (f, p): HTTPRouteFilter | undefined => {
      const o = r.obj(f, p)
      if (o === undefined) {
        return undefined
      }
      const filter: HTTPRouteFilter = {
        type: r.str(o['type'], `${p}.type`) ?? '',
        ...present({
          requestHeaderModifier: readHeaderModifier(r, o['requestHeaderModifier'], `${p}.requestHeaderModifier`),
          responseHeaderModifier: readHeaderModifier(r, o['responseHeaderModifier'], `${p}.responseHeaderModifier`),
        }),
      }
      const redirect = r.obj(o['requestRedirect'], `${p}.requestRedirect`)
      if (redirect !== undefined) {
        const rp = `${p}.requestRedirect`
        filter.requestRedirect = {
          statusCode: r.int(redirect['statusCode'], `${rp}.statusCode`) ?? 302,
          ...present({
            scheme: r.str(redirect['scheme'], `${rp}.scheme`),
            hostname: r.str(redirect['hostname'], `${rp}.hostname`),
            path: readPathModifier(r, redirect['path'], `${rp}.path`),
            port: r.int(redirect['port'], `${rp}.port`),
          }),
        }
      }
      const rewrite = r.obj(o['urlRewrite'], `${p}.urlRewrite`)
      if (rewrite !== undefined) {
        filter.urlRewrite = present({
          hostname: r.str(rewrite['hostname'], `${p}.urlRewrite.hostname`),
          path: readPathModifier(r, rewrite['path'], `${p}.urlRewrite.path`),
        })
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

export function defaultHTTPRule(): HTTPRouteRule {
  return { matches: [defaultMatch()], filters: [], backendRefs: [] }
}

function defaultMatch(): HTTPRouteMatch {
  return { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }
}

export function readHTTPRule(r: FieldReader, raw: unknown, path: string): HTTPRouteRule | undefined {
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
      return Object.assign(out, present({ method: r.str(x['method'], `${p}.method`) }))
    }) ?? []
  const timeouts = r.obj(o['timeouts'], `${path}.timeouts`)
  return {
    matches: matches.length === 0 ? [defaultMatch()] : matches,
    filters: readFilters(r, o['filters'], `${path}.filters`),
    backendRefs: readBackendRefs(r, o['backendRefs'], `${path}.backendRefs`),
    ...present({
      name: ruleName(r, o, path),
      timeouts:
        timeouts === undefined
          ? undefined
          : present({
              request: r.str(timeouts['request'], `${path}.timeouts.request`),
              backendRequest: r.str(timeouts['backendRequest'], `${path}.timeouts.backendRequest`),
            }),
    }),
  }
}

export function readGRPCRule(r: FieldReader, raw: unknown, path: string): GRPCRouteRule | undefined {
  const o = r.obj(raw, path) ?? {}
  const matches =
    r.list(o['matches'], `${path}.matches`, (m, p): GRPCRouteMatch | undefined => {
      const x = r.obj(m, p) ?? {}
      const out: GRPCRouteMatch = { headers: readNamedMatches(r, x['headers'], `${p}.headers`) }
      const mm = r.obj(x['method'], `${p}.method`)
      if (mm !== undefined) {
        out.method = {
          type: r.str(mm['type'], `${p}.method.type`) ?? 'Exact',
          ...present({
            service: r.str(mm['service'], `${p}.method.service`),
            method: r.str(mm['method'], `${p}.method.method`),
          }),
        }
      }
      return out
    }) ?? []
  return {
    matches,
    filters: readFilters(r, o['filters'], `${path}.filters`),
    backendRefs: readBackendRefs(r, o['backendRefs'], `${path}.backendRefs`),
    ...present({ name: ruleName(r, o, path) }),
  }
}

export function readL4Rules(r: FieldReader, spec: Record<string, unknown>): L4RouteRule[] {
  return (
    r.list(spec['rules'], 'spec.rules', (raw, path): L4RouteRule | undefined => {
      const o = r.obj(raw, path) ?? {}
      return {
        backendRefs: readBackendRefs(r, o['backendRefs'], `${path}.backendRefs`),
        ...present({ name: ruleName(r, o, path) }),
      }
    }) ?? []
  )
}

/** A rule's optional `name` (empty means unset). */
function ruleName(r: FieldReader, o: Record<string, unknown>, path: string): string | undefined {
  return nonEmpty(r.str(o['name'], `${path}.name`))
}
