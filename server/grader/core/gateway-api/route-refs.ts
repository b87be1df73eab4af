// A route's ResolvedRefs condition as istiod 1.31 computes it (route_collections.go computeRoute,
// conversion.go convertHTTPRoute/buildHTTPDestination): per rule, the last invalid backend among
// those with a weight above 0, joined with the last failing RequestMirror ("<backend>; <mirror>",
// the backend's reason); across rules the last rule with an error wins; a hard error (a GRPCRoute
// mirror that does not resolve, a backend name with dots) ends the conversion and drops the route.
// Seen against a real istiod: with a failing mirror in one rule and a missing backend in a later
// one, the route reports the backend. Pure.
import type { BackendCheck } from './attach.ts'
import { type Condition, fail, ok } from './status.ts'
import type { AnyRoute, BackendObjectReference, HTTPRouteFilter } from './types.ts'

type RuleError = { reason: string; message: string; fatal: boolean }

/** ResolvedRefs of `route`, and whether a hard error drops it (spec rules 31, 34, 35). */
export function routeRefs(
  route: AnyRoute,
  backend: (ref: BackendObjectReference) => BackendCheck,
): { condition: Condition; fatal: boolean } {
  let last: RuleError | undefined
  for (const rule of route.spec.rules) {
    const filters: readonly HTTPRouteFilter[] = 'filters' in rule ? rule.filters : []
    const e = ruleError(route, filters, rule.backendRefs, backend)
    if (e?.fatal === true) {
      return { condition: fail('ResolvedRefs', e.reason, e.message), fatal: true }
    }
    last = e ?? last
  }
  return {
    condition:
      last === undefined
        ? ok('ResolvedRefs', 'ResolvedRefs', 'All references resolved')
        : fail('ResolvedRefs', last.reason, last.message),
    fatal: false,
  }
}

function ruleError(
  route: AnyRoute,
  filters: readonly HTTPRouteFilter[],
  backendRefs: ReadonlyArray<BackendObjectReference & { weight: number }>,
  backend: (ref: BackendObjectReference) => BackendCheck,
): RuleError | undefined {
  let mirror: RuleError | undefined
  for (const f of filters) {
    const e = f.requestMirror === undefined ? undefined : backend(f.requestMirror.backendRef).error
    if (e !== undefined) {
      // A GRPCRoute returns the mirror's error at once (a hard error); an HTTPRoute keeps going.
      mirror = { ...e, fatal: route.kind === 'GRPCRoute' }
      if (mirror.fatal) {
        return mirror
      }
    }
  }
  let found: RuleError | undefined
  for (const b of backendRefs.filter((r) => r.weight !== 0)) {
    const c = backend(b)
    if (c.error !== undefined) {
      found = { ...c.error, fatal: c.fatal === true }
      if (found.fatal) {
        return found
      }
    }
  }
  if (found === undefined || mirror === undefined) {
    return found ?? mirror
  }
  return { reason: found.reason, message: `${found.message}; ${mirror.message}`, fatal: false }
}
