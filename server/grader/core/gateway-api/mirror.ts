// RequestMirror filters as istiod 1.31 converts them (gateway conversion.go createMirrorFilter):
// each becomes an Istio `mirrors` entry (destination, percentage from `percent` or `fraction`),
// which the classic translator turns into Envoy `request_mirror_policies`. A mirror whose backend
// does not resolve is dropped from an HTTPRoute rule (on a GRPCRoute the error drops the whole
// route: route-refs.ts). Pure.
import type { BackendCheck } from './attach.ts'
import type { BackendObjectReference, HTTPRouteFilter } from './types.ts'

/** An Istio HTTPMirrorPolicy as the internal VirtualService carries it in `mirrors`. */
export interface MirrorPolicy {
  destination: { host: string; port?: { number: number } }
  percentage?: { value: number }
}

/** The `mirrors` of one rule: one per RequestMirror filter whose backend resolved. */
export function mirrorsOf(
  filters: readonly HTTPRouteFilter[],
  backend: (ref: BackendObjectReference) => BackendCheck,
): MirrorPolicy[] {
  const out: MirrorPolicy[] = []
  for (const f of filters) {
    const m = f.requestMirror
    if (m === undefined || backend(m.backendRef).error !== undefined) {
      continue
    }
    const ref = m.backendRef
    const policy: MirrorPolicy = {
      destination: { host: backend(ref).host, ...(ref.port === undefined ? {} : { port: { number: ref.port } }) },
    }
    if (m.fraction !== undefined) {
      // The CRD defaults the denominator to 100.
      policy.percentage = { value: (100 * m.fraction.numerator) / (m.fraction.denominator || 100) }
    } else if (m.percent !== undefined) {
      policy.percentage = { value: m.percent }
    }
    out.push(policy)
  }
  return out
}
