// The Gateway API v1.6.0 CRDs' admission rules the grader enforces (spec rule 40): what
// `kubectl apply` refuses, so the object never exists. Returns the problems with field paths;
// the caller turns them into IST0106 findings. Pure.
import type { FieldProblem } from '../model/reader.ts'
import type { BackendRef, GatewayApiResource, HTTPRouteFilter, HTTPRouteRule, K8sGateway } from './types.ts'

/** RFC 1123 hostname with an optional leading `*.` label, lower case only (the CRD pattern). */
const hostnamePattern = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

export function validateGatewayApi(res: GatewayApiResource): FieldProblem[] {
  switch (res.kind) {
    case 'Gateway':
      return validateGateway(res)
    case 'HTTPRoute':
      return [
        ...validateHostnames(res.spec.hostnames),
        ...validateParentRefs(res.spec.parentRefs),
        ...res.spec.rules.flatMap((rule, i) => validateHTTPRule(rule, `spec.rules[${i}]`)),
      ]
    case 'GRPCRoute':
      return [
        ...validateHostnames(res.spec.hostnames),
        ...validateParentRefs(res.spec.parentRefs),
        ...res.spec.rules.flatMap((rule, i) => validateBackends(rule.backendRefs, `spec.rules[${i}].backendRefs`)),
      ]
    case 'TCPRoute':
    case 'TLSRoute': {
      const out = [...validateParentRefs(res.spec.parentRefs)]
      if (res.kind === 'TLSRoute') {
        if (res.spec.hostnames.length === 0) {
          out.push({ path: 'spec.hostnames', message: 'spec.hostnames: a TLSRoute needs at least one hostname.' })
        }
        out.push(...validateHostnames(res.spec.hostnames))
      }
      if (res.spec.rules.length !== 1) {
        out.push({ path: 'spec.rules', message: `spec.rules: a ${res.kind} has exactly one rule.` })
      }
      res.spec.rules.forEach((rule, i) =>
        out.push(...validateBackends(rule.backendRefs, `spec.rules[${i}].backendRefs`)),
      )
      return out
    }
    case 'GatewayClass':
      return res.spec.controllerName === ''
        ? [{ path: 'spec.controllerName', message: 'spec.controllerName is required.' }]
        : []
    default:
      return []
  }
}

function validateGateway(gw: K8sGateway): FieldProblem[] {
  const out: FieldProblem[] = []
  if (gw.spec.gatewayClassName === '') {
    out.push({ path: 'spec.gatewayClassName', message: 'spec.gatewayClassName is required.' })
  }
  if (gw.spec.listeners.length === 0) {
    out.push({ path: 'spec.listeners', message: 'spec.listeners needs at least one listener.' })
  }
  const names = new Set<string>()
  const combos = new Set<string>()
  gw.spec.listeners.forEach((l, i) => {
    const p = `spec.listeners[${i}]`
    if (l.name === '') {
      out.push({ path: `${p}.name`, message: `${p}.name is required.` })
    } else if (names.has(l.name)) {
      out.push({ path: `${p}.name`, message: `${p}.name: listener name "${l.name}" is used twice.` })
    }
    names.add(l.name)
    if (!(l.port >= 1 && l.port <= 65535)) {
      out.push({ path: `${p}.port`, message: `${p}.port must be between 1 and 65535.` })
    }
    if (l.protocol === '') {
      out.push({ path: `${p}.protocol`, message: `${p}.protocol is required.` })
    }
    if (l.hostname !== undefined && !hostnamePattern.test(l.hostname)) {
      out.push({ path: `${p}.hostname`, message: `${p}.hostname "${l.hostname}" is not a lower-case DNS name.` })
    }
    if (l.tls !== undefined && (l.protocol === 'HTTP' || l.protocol === 'TCP' || l.protocol === 'UDP')) {
      out.push({ path: `${p}.tls`, message: `${p}.tls must not be set for protocol ${l.protocol}.` })
    }
    if ((l.protocol === 'HTTPS' || l.protocol === 'TLS') && l.tls === undefined) {
      out.push({ path: `${p}.tls`, message: `${p}.tls must be set for protocol ${l.protocol}.` })
    }
    if ((l.protocol === 'TCP' || l.protocol === 'UDP') && l.hostname !== undefined) {
      out.push({ path: `${p}.hostname`, message: `${p}.hostname must not be set for protocol ${l.protocol}.` })
    }
    const combo = `${l.port}|${l.protocol}|${l.hostname ?? ''}`
    if (combos.has(combo)) {
      out.push({
        path: p,
        message: `${p}: port, protocol and hostname must be unique among listeners (${l.port}/${l.protocol} ${l.hostname ?? '(no hostname)'}).`,
      })
    }
    combos.add(combo)
  })
  return out
}

function validateHostnames(hostnames: readonly string[]): FieldProblem[] {
  return hostnames.flatMap((h, i) =>
    hostnamePattern.test(h)
      ? []
      : [{ path: `spec.hostnames[${i}]`, message: `spec.hostnames[${i}] "${h}" is not a lower-case DNS name.` }],
  )
}

function validateParentRefs(refs: ReadonlyArray<{ name: string }>): FieldProblem[] {
  return refs.flatMap((ref, i) =>
    ref.name === '' ? [{ path: `spec.parentRefs[${i}].name`, message: `spec.parentRefs[${i}].name is required.` }] : [],
  )
}

function validateBackends(refs: readonly BackendRef[], path: string): FieldProblem[] {
  const out: FieldProblem[] = []
  refs.forEach((b, i) => {
    const p = `${path}[${i}]`
    if (b.name === '') {
      out.push({ path: `${p}.name`, message: `${p}.name is required.` })
    }
    if (b.group === '' && b.kind === 'Service' && b.port === undefined) {
      out.push({ path: `${p}.port`, message: `${p}.port is required when the backend is a Service.` })
    }
    if (b.weight < 0 || b.weight > 1000000) {
      out.push({ path: `${p}.weight`, message: `${p}.weight must be between 0 and 1000000.` })
    }
  })
  return out
}

function validateHTTPRule(rule: HTTPRouteRule, path: string): FieldProblem[] {
  const out = validateBackends(rule.backendRefs, `${path}.backendRefs`)
  const has = (t: string): HTTPRouteFilter | undefined => rule.filters.find((f) => f.type === t)
  const redirect = has('RequestRedirect')
  if (redirect !== undefined && rule.backendRefs.length > 0) {
    out.push({ path: `${path}.filters`, message: `${path}: RequestRedirect and backendRefs cannot be used together.` })
  }
  if (redirect !== undefined && has('URLRewrite') !== undefined) {
    out.push({ path: `${path}.filters`, message: `${path}: RequestRedirect and URLRewrite cannot be used together.` })
  }
  const prefixMods = rule.filters.some(
    (f) => f.urlRewrite?.path?.type === 'ReplacePrefixMatch' || f.requestRedirect?.path?.type === 'ReplacePrefixMatch',
  )
  if (prefixMods && !(rule.matches.length === 1 && rule.matches[0]?.path?.type === 'PathPrefix')) {
    out.push({
      path: `${path}.filters`,
      message: `${path}: ReplacePrefixMatch needs exactly one match, of type PathPrefix.`,
    })
  }
  rule.filters.forEach((f, i) => {
    const fp = `${path}.filters[${i}]`
    const field = filterField(f.type)
    if (field !== undefined && f[field] === undefined) {
      out.push({ path: fp, message: `${fp}: type ${f.type} needs the ${field} field.` })
    }
    if (f.requestRedirect !== undefined && ![301, 302, 303, 307, 308].includes(f.requestRedirect.statusCode)) {
      out.push({
        path: `${fp}.requestRedirect.statusCode`,
        message: `${fp}.requestRedirect.statusCode must be 301, 302, 303, 307 or 308.`,
      })
    }
  })
  return out
}

function filterField(type: string): keyof HTTPRouteFilter | undefined {
  switch (type) {
    case 'RequestHeaderModifier':
      return 'requestHeaderModifier'
    case 'ResponseHeaderModifier':
      return 'responseHeaderModifier'
    case 'RequestRedirect':
      return 'requestRedirect'
    case 'URLRewrite':
      return 'urlRewrite'
    case 'RequestMirror':
      return 'requestMirror'
    default:
      return undefined
  }
}
