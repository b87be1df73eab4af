// istiod's validation of one VirtualService http rule and of route destinations: conflicting
// actions, match fields, redirect, rewrite, direct response, weights (istio validation/virtualservice.go).
import { checkWildcardDomain, isDNS1123Label } from './dns.ts'
import type { FieldProblem } from './reader.ts'
import type { Destination, Headers, HTTPRoute, RouteDestination, StringMatch } from './types.ts'
import { validateGatewayNames } from './validate-refs.ts'

/** Problems of `spec.http[i]`; `isDelegate` when the VirtualService has no hosts. */
export function validateHTTPRoute(route: HTTPRoute, path: string, isDelegate: boolean): FieldProblem[] {
  const out: FieldProblem[] = [...validateConflicts(route, path, isDelegate)]
  route.match?.forEach((m, i) => {
    const mp = `${path}.match[${i}]`
    for (const [name, sm] of Object.entries(m.headers ?? {})) {
      out.push(...checkStringMatch(sm, mp, `headers.${name}`, false), ...checkHeaderName(name, `${mp}.headers.${name}`))
    }
    for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
      out.push(...checkHeaderName(name, `${mp}.withoutHeaders.${name}`))
      if (sm.regex !== '*') {
        out.push(...checkStringMatch(sm, mp, `withoutHeaders.${name}`, false))
      }
    }
    if (m.uri !== undefined) {
      out.push(...checkStringMatch(m.uri, mp, 'uri', true))
    }
    for (const key of ['scheme', 'method', 'authority'] as const) {
      const sm = m[key]
      if (sm !== undefined) {
        out.push(...checkStringMatch(sm, mp, key, false))
      }
    }
    for (const [name, sm] of Object.entries(m.queryParams ?? {})) {
      out.push(...checkStringMatch(sm, mp, `queryParams.${name}`, false))
    }
    if (m.port !== undefined && (m.port < 1 || m.port > 65535)) {
      out.push({ path: `${mp}.port`, message: `port ${m.port} must be in the range 1..65535.` })
    }
    if (m.gateways !== undefined) {
      out.push(...validateGatewayNames(m.gateways, `${mp}.gateways`))
    }
    if (m.sourceNamespace !== undefined && m.sourceNamespace !== '' && !isDNS1123Label(m.sourceNamespace)) {
      out.push({
        path: `${mp}.sourceNamespace`,
        message: `sourceNamespace "${m.sourceNamespace}" is not a valid namespace.`,
      })
    }
  })
  if (route.headers !== undefined) {
    out.push(...checkHeaderOps(route.headers, `${path}.headers`))
  }
  out.push(...validateRedirect(route, path))
  const status = route.directResponse?.status
  if (status !== undefined && (status < 200 || status > 600)) {
    out.push({ path: `${path}.directResponse.status`, message: `HTTP status ${status} is not in the range 200-599.` })
  }
  const rw = route.rewrite
  if (rw !== undefined) {
    if (rw.uri !== undefined && rw.uri !== '' && rw.uriRegexRewrite !== undefined) {
      out.push({ path: `${path}.rewrite`, message: 'rewrite may set only one of uri and uriRegexRewrite.' })
    }
    if (!rw.uri && rw.uriRegexRewrite === undefined && !rw.authority) {
      out.push({ path: `${path}.rewrite`, message: 'rewrite must set uri, uriRegexRewrite or authority.' })
    }
    if (rw.uriRegexRewrite !== undefined && (rw.uriRegexRewrite.match === '' || rw.uriRegexRewrite.rewrite === '')) {
      out.push({ path: `${path}.rewrite.uriRegexRewrite`, message: 'uriRegexRewrite needs both match and rewrite.' })
    }
  }
  route.route?.forEach((d, i) => {
    if (d.headers !== undefined) {
      out.push(...checkHeaderOps(d.headers, `${path}.route[${i}].headers`))
    }
  })
  out.push(...validateRouteDestinations(route.route ?? [], `${path}.route`))
  return out
}

function validateConflicts(route: HTTPRoute, path: string, isDelegate: boolean): FieldProblem[] {
  const out: FieldProblem[] = []
  if (!isDelegate && route.delegate !== undefined) {
    if (route.redirect !== undefined) {
      out.push({ path: `${path}.redirect`, message: 'a rule with delegate must not also have a redirect.' })
    }
    if (route.route !== undefined) {
      out.push({ path: `${path}.route`, message: 'a rule with delegate must not also have a route.' })
    }
    return out
  }
  if (isDelegate && route.delegate !== undefined) {
    out.push({ path: `${path}.delegate`, message: 'a delegate VirtualService cannot delegate again.' })
  }
  const hasRoute = (route.route?.length ?? 0) > 0
  const fault = route.other?.['fault'] !== undefined
  if (route.redirect !== undefined) {
    if (hasRoute) {
      out.push({ path: `${path}.redirect`, message: 'a rule cannot have both route and redirect.' })
    }
    if (fault) {
      out.push({ path: `${path}.redirect`, message: 'a rule cannot have both fault and redirect.' })
    }
    if (route.rewrite !== undefined) {
      out.push({ path: `${path}.rewrite`, message: 'a rule cannot have both rewrite and redirect.' })
    }
    if (route.directResponse !== undefined) {
      out.push({ path: `${path}.directResponse`, message: 'a rule cannot have both directResponse and redirect.' })
    }
  } else if (route.directResponse !== undefined) {
    if (hasRoute) {
      out.push({ path: `${path}.directResponse`, message: 'a rule cannot have both route and directResponse.' })
    }
    if (fault) {
      out.push({ path: `${path}.directResponse`, message: 'a rule cannot have both fault and directResponse.' })
    }
    if (route.rewrite !== undefined) {
      out.push({ path: `${path}.rewrite`, message: 'a rule cannot have both rewrite and directResponse.' })
    }
  } else if (!hasRoute) {
    out.push({ path, message: 'a rule needs one of route, redirect or directResponse.' })
  }
  return out
}

function validateRedirect(route: HTTPRoute, path: string): FieldProblem[] {
  const r = route.redirect
  if (r === undefined) {
    return []
  }
  const p = `${path}.redirect`
  if (r.uri && r.prefixRewrite) {
    return [{ path: p, message: 'redirect may set only one of uri and prefixRewrite.' }]
  }
  if (r.prefixRewrite && route.match?.some((m) => m.uri !== undefined && m.uri.prefix === undefined)) {
    return [
      { path: `${p}.prefixRewrite`, message: 'redirect prefixRewrite requires every uri match to be a prefix match.' },
    ]
  }
  if (!r.uri && !r.prefixRewrite && !r.authority && r.port === undefined && r.derivePort === undefined && !r.scheme) {
    return [{ path: p, message: 'redirect must set uri, authority, scheme or port.' }]
  }
  if (r.redirectCode !== undefined && r.redirectCode !== 0 && (r.redirectCode < 300 || r.redirectCode > 399)) {
    return [{ path: `${p}.redirectCode`, message: `${r.redirectCode} is not a valid redirect code; use a 3xx code.` }]
  }
  if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https') {
    return [{ path: `${p}.scheme`, message: 'redirect scheme must be "http" or "https".' }]
  }
  if (r.port !== undefined && (r.port < 1 || r.port > 65535)) {
    return [{ path: `${p}.port`, message: `port ${r.port} must be in the range 1..65535.` }]
  }
  return []
}

/** Destinations of an http, tls or tcp rule: host, subset, port, weights. */
export function validateRouteDestinations(routes: readonly RouteDestination[], path: string): FieldProblem[] {
  const out: FieldProblem[] = []
  let total = 0
  routes.forEach((d, i) => {
    out.push(...validateDestination(d.destination, path, i))
    if (d.weight !== undefined && d.weight < 0) {
      out.push({ path: `${path}[${i}].weight`, message: `weight ${d.weight} must not be negative.` })
    }
    total += d.weight ?? 0
  })
  if (routes.length > 1 && total === 0) {
    out.push({ path, message: 'the destination weights add up to 0; give at least one destination a weight.' })
  }
  return out
}

/** Problems of `<routes>[i].destination`; the path is spelled out only for a problem. */
function validateDestination(d: Destination, routes: string, i: number): FieldProblem[] {
  const out: FieldProblem[] = []
  const path = (): string => `${routes}[${i}].destination`
  if (d.host === '*') {
    out.push({ path: `${path()}.host`, message: 'a destination host cannot be *.' })
  } else {
    const problem = checkWildcardDomain(d.host)
    if (problem !== undefined) {
      out.push({ path: `${path()}.host`, message: `${problem}.` })
    }
  }
  if (d.subset !== undefined && !isDNS1123Label(d.subset)) {
    out.push({ path: `${path()}.subset`, message: `subset name "${d.subset}" is invalid.` })
  }
  const port = d.port?.number
  if (d.port !== undefined && (port === undefined || port < 1 || port > 65535)) {
    out.push({ path: `${path()}.port.number`, message: `port ${port ?? 0} must be in the range 1..65535.` })
  }
  return out
}

/** Problems of the StringMatch at `<base>.<field>`; the path is spelled out only for a problem. */
function checkStringMatch(sm: StringMatch, base: string, field: string, isUri: boolean): FieldProblem[] {
  const path = (): string => `${base}.${field}`
  if (sm.prefix !== undefined && sm.prefix === '' && !isUri) {
    return [{ path: `${path()}.prefix`, message: 'a prefix match must not be empty.' }]
  }
  if (sm.regex !== undefined) {
    if (sm.regex === '') {
      return [{ path: `${path()}.regex`, message: 'a regex match must not be empty.' }]
    }
    if (sm.regex.length > 1024) {
      return [{ path: `${path()}.regex`, message: 'the regex is too long (max 1024 characters).' }]
    }
    // istiod also compiles the regex with RE2; JavaScript's dialect differs (named groups,
    // lookarounds), so the grader does not reject on syntax and treats `*` as "present".
  }
  return []
}

const headerNameRe = /^[-_A-Za-z0-9]+$/

function checkHeaderName(name: string, path: string): FieldProblem[] {
  if (name === '') {
    return [{ path, message: 'a header name cannot be empty.' }]
  }
  if (
    name.startsWith('@request.auth.claims') ||
    [':method', ':scheme', ':authority', ':path', ':status'].includes(name)
  ) {
    return []
  }
  return headerNameRe.test(name) ? [] : [{ path, message: `"${name}" is not a valid header name.` }]
}

function checkHeaderOps(headers: Headers | undefined, path: string): FieldProblem[] {
  if (headers === undefined) {
    return []
  }
  const out: FieldProblem[] = []
  const internal = (n: string): boolean => n.startsWith(':') || n.toLowerCase() === 'host'
  const authority = (n: string): boolean => n.toLowerCase() === ':authority' || n.toLowerCase() === 'host'
  for (const op of ['set', 'add'] as const) {
    for (const name of Object.keys(headers?.request?.[op] ?? {})) {
      if (name === '' || (internal(name) && !authority(name))) {
        out.push({ path: `${path}.request.${op}`, message: `header "${name}" cannot be changed.` })
      }
    }
    for (const name of Object.keys(headers?.response?.[op] ?? {})) {
      if (name === '' || internal(name)) {
        out.push({ path: `${path}.response.${op}`, message: `header "${name}" cannot be changed.` })
      }
    }
  }
  for (const side of ['request', 'response'] as const) {
    for (const name of headers?.[side]?.remove ?? []) {
      if (name === '' || internal(name)) {
        out.push({ path: `${path}.${side}.remove`, message: `header "${name}" cannot be removed.` })
      }
    }
  }
  return out
}
