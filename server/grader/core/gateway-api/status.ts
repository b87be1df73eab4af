// Status as istiod 1.31 writes it on Gateway API objects: conditions (type, status, reason,
// message), listener status with supportedKinds and attachedRoutes, route parent status. The
// messages are Istio's own (goldens under pilot/pkg/config/kube/gateway/testdata). Pure.
import type { ResourceRef } from '../findings.ts'
import type { ParentReference, RouteGroupKind } from './types.ts'

export const controllerName = 'istio.io/gateway-controller'

export interface Condition {
  type: string
  status: 'True' | 'False'
  reason: string
  message: string
}

export interface ListenerStatus {
  name: string
  supportedKinds: RouteGroupKind[]
  attachedRoutes: number
  conditions: Condition[]
}

export interface GatewayStatus {
  resource: ResourceRef
  conditions: Condition[]
  listeners: ListenerStatus[]
}

export interface RouteParentStatus {
  parentRef: ParentReference
  controllerName: string
  conditions: Condition[]
}

export interface RouteStatus {
  resource: ResourceRef
  /** Only the parents istiod handles; a parent it does not know gets no entry (spec rule 18). */
  parents: RouteParentStatus[]
}

export interface GatewayClassStatus {
  resource: ResourceRef
  conditions: Condition[]
}

/** Every status istiod would write, per object. */
export interface StatusReport {
  gatewayClasses: GatewayClassStatus[]
  gateways: GatewayStatus[]
  routes: RouteStatus[]
}

export function ok(type: string, reason: string, message: string): Condition {
  return { type, status: 'True', reason, message }
}

export function fail(type: string, reason: string, message: string): Condition {
  return { type, status: 'False', reason, message }
}

const noErrors = 'No errors found'

/** The four listener conditions with istiod's defaults, overridden per type. */
export function listenerConditions(
  over: Partial<Record<string, Condition>> = {},
  withResolvedRefs = true,
): Condition[] {
  return [
    over['Accepted'] ?? ok('Accepted', 'Accepted', noErrors),
    over['Conflicted'] ?? fail('Conflicted', 'NoConflicts', noErrors),
    over['Programmed'] ?? ok('Programmed', 'Programmed', noErrors),
    ...(withResolvedRefs ? [over['ResolvedRefs'] ?? ok('ResolvedRefs', 'ResolvedRefs', noErrors)] : []),
  ]
}

/** The condition of `type` in a list, if any. */
export function conditionOf(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type)
}
