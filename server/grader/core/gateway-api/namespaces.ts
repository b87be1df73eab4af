// Namespaces and their labels, for allowedRoutes `from: Selector` (spec rules 6, 16): the
// Namespace objects in the input plus every namespace an object lives in, each with the
// implicit `kubernetes.io/metadata.name` label the API server adds. Pure.
import type { AllowedRoutes, GatewayApiModel, LabelSelector } from './types.ts'

export class NamespaceIndex {
  private readonly labels = new Map<string, Record<string, string>>()

  constructor(model: GatewayApiModel, extra: Iterable<string> = []) {
    for (const ns of model.namespaces) {
      this.labels.set(ns.metadata.name, { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name })
    }
    const seen = [
      ...model.gateways,
      ...model.httpRoutes,
      ...model.grpcRoutes,
      ...model.tcpRoutes,
      ...model.tlsRoutes,
    ].map((o) => o.metadata.namespace)
    for (const name of [...seen, ...extra]) {
      if (name !== '' && !this.labels.has(name)) {
        this.labels.set(name, { 'kubernetes.io/metadata.name': name })
      }
    }
  }

  /** Known namespace names, sorted. */
  names(): string[] {
    return [...this.labels.keys()].sort()
  }

  labelsOf(name: string): Record<string, string> {
    return this.labels.get(name) ?? { 'kubernetes.io/metadata.name': name }
  }
}

/** metav1.LabelSelector semantics: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) {
      return false
    }
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key)
    const value = labels[e.key]
    const values = e.values ?? []
    const okay =
      e.operator === 'In'
        ? has && values.includes(value ?? '')
        : e.operator === 'NotIn'
          ? !has || !values.includes(value ?? '')
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false
    if (!okay) {
      return false
    }
  }
  return true
}

/** True when a route in `routeNs` may attach to a listener of a Gateway in `gatewayNs`. */
export function namespaceAllowed(
  allowed: AllowedRoutes,
  gatewayNs: string,
  routeNs: string,
  index: NamespaceIndex,
): boolean {
  switch (allowed.from) {
    case 'All':
      return true
    case 'Selector':
      return allowed.selector !== undefined && selectorMatches(allowed.selector, index.labelsOf(routeNs))
    default:
      return routeNs === gatewayNs
  }
}
