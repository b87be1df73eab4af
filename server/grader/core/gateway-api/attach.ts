// Route attachment as istiod decides it (spec rules 15-18): each parentRef of a route is checked
// against every listener of its Gateway in Istio's order (port, sectionName, hostname,
// namespace, kind), the results merged into one Accepted condition per parentRef; plus how one
// backendRef resolves (rules 32-35; the route's ResolvedRefs is route-refs.ts). Pure.
import { hostsMatch } from '../hosts.ts'
import type { ResourceModel } from '../model/index.ts'
import type { GatewayInfo, ListenerInfo } from './gateways.ts'
import { namespaceAllowed, type NamespaceIndex } from './namespaces.ts'
import { referenceGranted } from './reference-grant.ts'
import { type Condition, fail, ok } from './status.ts'
import {
  type AnyRoute,
  type BackendObjectReference,
  type GatewayApiModel,
  gatewayApiGroup,
  type ParentReference,
} from './types.ts'

/** One parentRef of a route, evaluated. */
export interface ParentEvaluation {
  parentRef: ParentReference
  parentIndex: number
  /** Undefined when istiod does not handle the parent (no status entry at all). */
  gateway?: GatewayInfo
  /** Listeners the route attached to. */
  listeners: ListenerInfo[]
  accepted: Condition
  /** Per listener that refused the route, why (for explanations). */
  refusals: Array<{ listener: ListenerInfo; reason: string; message: string }>
}

/** A backend reference checked against the registry and ReferenceGrants. */
export interface BackendCheck {
  /** `outbound` host, or '' when the reference is refused (RefNotPermitted, InvalidKind). */
  host: string
  error?: { reason: string; message: string }
  /** A hard conversion error: the whole route is dropped (spec rule 35). */
  fatal?: boolean
}

const reasonOrder = ['NotAllowedByListeners', 'NoMatchingListenerHostname', 'NoMatchingParent']

/** Route hostnames; TCPRoute has none. */
export function routeHostnames(route: AnyRoute): string[] {
  return route.kind === 'TCPRoute' ? [] : route.spec.hostnames
}

/** Evaluates every parentRef of `route` against the handled Gateways (keyed `ns/name`). */
export function evaluateParents(
  route: AnyRoute,
  gateways: ReadonlyMap<string, GatewayInfo>,
  namespaces: NamespaceIndex,
): ParentEvaluation[] {
  return route.spec.parentRefs.map((parentRef, parentIndex) => {
    const out: ParentEvaluation = {
      parentRef,
      parentIndex,
      listeners: [],
      accepted: fail('Accepted', 'NoMatchingParent', 'parent not found'),
      refusals: [],
    }
    if (parentRef.group !== gatewayApiGroup || parentRef.kind !== 'Gateway') {
      return out
    }
    const gw = gateways.get(`${parentRef.namespace ?? route.metadata.namespace}/${parentRef.name}`)
    if (gw === undefined) {
      return out
    }
    out.gateway = gw
    for (const li of gw.listeners) {
      if (li.conflicted) {
        continue
      }
      const refusal = checkListener(route, parentRef, gw, li, namespaces)
      if (refusal === undefined) {
        out.listeners.push(li)
      } else {
        out.refusals.push({ listener: li, ...refusal })
      }
    }
    out.accepted = mergeAccepted(out, parentRef)
    return out
  })
}

function checkListener(
  route: AnyRoute,
  ref: ParentReference,
  gw: GatewayInfo,
  li: ListenerInfo,
  namespaces: NamespaceIndex,
): { reason: string; message: string } | undefined {
  const l = li.listener
  if (ref.port !== undefined && ref.port !== l.port) {
    return { reason: 'NoMatchingParent', message: `port ${ref.port} not found` }
  }
  if (ref.sectionName !== undefined && ref.sectionName !== l.name) {
    return { reason: 'NoMatchingParent', message: `sectionName "${ref.sectionName}" not found` }
  }
  const hostnames = routeHostnames(route)
  if (l.hostname !== undefined && hostnames.length > 0 && !hostnames.some((h) => hostsMatch(h, l.hostname!))) {
    return { reason: 'NoMatchingListenerHostname', message: `no hostnames matched parent hostname "${l.hostname}"` }
  }
  if (!namespaceAllowed(l.allowedRoutes, gw.gateway.metadata.namespace, route.metadata.namespace, namespaces)) {
    return {
      reason: 'NotAllowedByListeners',
      message: `hostnames matched parent hostname "${l.hostname ?? ''}", but namespace "${route.metadata.namespace}" is not allowed by the parent`,
    }
  }
  if (!li.supportedKinds.some((k) => k.kind === route.kind && k.group === gatewayApiGroup)) {
    // istiod names the kind by the version it watches (v1 for every route kind in 1.31), not the one written.
    return {
      reason: 'NotAllowedByListeners',
      message: `kind ${gatewayApiGroup}/v1/${route.kind} is not allowed`,
    }
  }
  return undefined
}

function mergeAccepted(ev: ParentEvaluation, ref: ParentReference): Condition {
  const n = ev.listeners.length
  if (n > 0) {
    return ok('Accepted', 'Accepted', n > 1 ? `Route was valid, bound to ${n} parents` : 'Route was valid')
  }
  for (const reason of reasonOrder) {
    // One message per refusing listener, repeats included (istiod 1.31 writes them all).
    const messages = ev.refusals.filter((r) => r.reason === reason).map((r) => r.message)
    if (messages.length > 0) {
      return fail('Accepted', reason, messages.join('; '))
    }
  }
  // A Gateway whose every listener lost a conflict.
  return fail(
    'Accepted',
    'NoMatchingParent',
    ref.sectionName === undefined ? 'no listeners found' : `sectionName "${ref.sectionName}" not found`,
  )
}

/** Checks one backendRef (or mirror backendRef) of a route. */
export function checkBackend(
  route: AnyRoute,
  ref: BackendObjectReference,
  model: GatewayApiModel,
  classic: ResourceModel,
  domainSuffix: string,
): BackendCheck {
  const ns = ref.namespace ?? route.metadata.namespace
  if (ref.group !== '' || ref.kind !== 'Service') {
    return {
      host: '',
      error: {
        reason: 'InvalidKind',
        message: `referencing unsupported backendRef: group "${ref.group}" kind "${ref.kind}"`,
      },
    }
  }
  if (ref.name.includes('.')) {
    return {
      host: '',
      fatal: true,
      error: {
        reason: 'InvalidDestination',
        message: 'service name invalid; the name of the Service must be used, not the hostname.',
      },
    }
  }
  const host = `${ref.name}.${ns}.svc.${domainSuffix}`
  if (
    !referenceGranted(
      model,
      { group: gatewayApiGroup, kind: route.kind, namespace: route.metadata.namespace },
      { group: '', kind: 'Service', namespace: ns, name: ref.name },
    )
  ) {
    return {
      host: '',
      error: {
        reason: 'RefNotPermitted',
        message: `backendRef ${ref.name}/${ns} not accessible to a ${route.kind} in namespace "${route.metadata.namespace}" (missing a ReferenceGrant?)`,
      },
    }
  }
  if (!classic.services.some((s) => s.metadata.name === ref.name && s.metadata.namespace === ns)) {
    return { host, error: { reason: 'BackendNotFound', message: `backend(${host}) not found` } }
  }
  return { host }
}
