// IST0171 NegativeConditionStatus as `istioctl analyze` reports it against a live cluster (spec
// rule 38): one Warning per False Accepted, Programmed or ResolvedRefs condition of a Gateway (top
// level only) or of an HTTPRoute/GRPCRoute parent; never for TCPRoute or TLSRoute. Each finding
// points at the field to change (sectionName, port, hostnames, the backendRef) with its line, and
// says in its hint what would fix it: the common "why is my route missing" answers. Pure.
import { messages } from '../../analyzers/messages.ts'
import type { Finding, SourceLocation } from '../findings.ts'
import type { ResourceModel } from '../model/index.ts'
import { checkBackend, type ParentEvaluation } from './attach.ts'
import type { GatewayApiConversion } from './convert.ts'
import type { GatewayInfo } from './gateways.ts'
import type { Condition } from './status.ts'
import type { AnyRoute, GatewayApiModel } from './types.ts'

const reported = new Set(['Accepted', 'Programmed', 'ResolvedRefs'])

/** The IST0171 findings of a conversion, with field pointers and hints. */
export function statusFindings(
  conversion: GatewayApiConversion,
  model: GatewayApiModel,
  classic: ResourceModel,
  domainSuffix = 'cluster.local',
): Finding[] {
  const out: Finding[] = []
  for (const g of conversion.gateways) {
    for (const c of g.conditions) {
      if (c.status === 'False' && reported.has(c.type)) {
        out.push(finding(g.gateway, c, undefined, gatewayHint(g, c)))
      }
    }
  }
  for (const rc of conversion.routes) {
    const route = rc.route
    if (route.kind !== 'HTTPRoute' && route.kind !== 'GRPCRoute') {
      continue
    }
    const status = conversion.status.routes.find(
      (s) =>
        s.resource.kind === route.kind &&
        s.resource.name === route.metadata.name &&
        s.resource.namespace === route.metadata.namespace,
    )
    for (const p of rc.parents) {
      if (p.gateway === undefined) {
        continue
      }
      if (p.accepted.status === 'False') {
        const at = acceptedPointer(route, p)
        out.push(finding(route, p.accepted, at.path, at.hint))
      }
    }
    const resolved = status?.parents[0]?.conditions.find((c) => c.type === 'ResolvedRefs')
    if (resolved?.status === 'False') {
      const at = backendPointer(route, model, classic, domainSuffix, resolved.message)
      out.push(finding(route, resolved, at.path, at.hint))
    }
  }
  return out
}

function finding(
  res: {
    kind: string
    metadata: { namespace: string; name: string }
    source: SourceLocation
    fieldLines?: Record<string, number>
  },
  c: Condition,
  path: string | undefined,
  hint: string,
): Finding {
  const line = path === undefined ? undefined : lineOf(res.fieldLines, path)
  const f: Finding = {
    code: messages.NegativeConditionStatus.code,
    level: messages.NegativeConditionStatus.level,
    resource: { kind: res.kind, namespace: res.metadata.namespace, name: res.metadata.name },
    message: `${c.type} is False (${c.reason}): ${c.message}`,
    hint,
    source: line === undefined ? { ...res.source } : { ...res.source, line },
  }
  if (path !== undefined) {
    f.path = path
  }
  return f
}

/** The line of `path` or of its nearest recorded parent. */
function lineOf(lines: Record<string, number> | undefined, path: string): number | undefined {
  for (let p = path; p !== ''; p = p.replace(/(\.[^.[]+|\[\d+\])$/, '')) {
    const line = lines?.[p]
    if (line !== undefined) {
      return line
    }
    if (!/(\.[^.[]+|\[\d+\])$/.test(p)) {
      break
    }
  }
  return undefined
}

function gatewayHint(g: GatewayInfo, c: Condition): string {
  if (c.type === 'Programmed') {
    const ports = g.service?.spec.ports.map((p) => p.port).join(', ') ?? ''
    return g.service === undefined
      ? `Create the Service ${g.serviceFqdn} the Gateway names in spec.addresses, or remove the address so Istio deploys one.`
      : `Use ports of the Service ${g.serviceFqdn} (${ports}) as listener ports; a pod's targetPort is not a Gateway port.`
  }
  return 'Fix the listeners whose own conditions are False (kubectl get gateway -o yaml shows them).'
}

function acceptedPointer(route: AnyRoute, p: ParentEvaluation): { path: string; hint: string } {
  const base = `spec.parentRefs[${p.parentIndex}]`
  const gw = p.gateway!
  const gwName = `Gateway ${gw.gateway.metadata.namespace}/${gw.gateway.metadata.name}`
  const listeners = gw.listeners.filter((l) => !l.conflicted).map((l) => l.listener)
  switch (p.accepted.reason) {
    case 'NoMatchingParent':
      if (p.parentRef.port !== undefined && !listeners.some((l) => l.port === p.parentRef.port)) {
        return {
          path: `${base}.port`,
          hint: `${gwName} listens on ${listeners.map((l) => l.port).join(', ')}; use one of these ports or leave port out.`,
        }
      }
      return {
        path: `${base}.sectionName`,
        hint: `sectionName names a listener of ${gwName}: ${listeners.map((l) => `"${l.name}"`).join(', ')}.`,
      }
    case 'NoMatchingListenerHostname': {
      const hosts = listeners.map((l) => l.hostname ?? '*')
      return {
        path: 'spec.hostnames',
        hint: `The listeners of ${gwName} accept ${hosts.join(', ')}; a route hostname must fall inside one (*.example.com covers shop.example.com, not example.com).`,
      }
    }
    case 'NotAllowedByListeners':
      if (p.accepted.message.startsWith('kind ')) {
        return {
          path: base,
          hint: `The listener's allowedRoutes.kinds (or its protocol) does not take a ${route.kind}; attach it to a listener that does, or add the kind in ${gwName}.`,
        }
      }
      return {
        path: base,
        hint: `${gwName} accepts routes only from ${listeners.map((l) => l.allowedRoutes.from).join('/')} namespaces; change the listener's allowedRoutes.namespaces (Same, All or a Selector matching namespace "${route.metadata.namespace}"), or put the route in ${gw.gateway.metadata.namespace}.`,
      }
    default:
      return { path: base, hint: `Check ${gwName} and this parentRef.` }
  }
}

function backendPointer(
  route: AnyRoute,
  model: GatewayApiModel,
  classic: ResourceModel,
  domainSuffix: string,
  message: string,
): { path: string; hint: string } {
  const rules: ReadonlyArray<{ backendRefs: AnyRoute['spec']['rules'][number]['backendRefs'] }> = route.spec.rules
  // The backendRef istiod reported: its message leads the condition's (route-refs.ts).
  const reported = message.split('; ')[0]
  const pick = rules
    .flatMap((rule, i) =>
      rule.backendRefs.map((ref, j) => ({ i, j, ref, c: checkBackend(route, ref, model, classic, domainSuffix) })),
    )
    .find((b) => b.c.error?.message === reported)
  if (pick?.c.error === undefined) {
    return { path: 'spec.rules', hint: 'A mirror backend is missing or not permitted; fix its backendRef.' }
  }
  const { i, j, ref } = pick
  const ns = ref.namespace ?? route.metadata.namespace
  const path = `spec.rules[${i}].backendRefs[${j}]`
  switch (pick.c.error.reason) {
    case 'RefNotPermitted':
      return {
        path,
        hint: `Create a ReferenceGrant in namespace ${ns} from ${route.kind} in namespace ${route.metadata.namespace} to Service${ref.name === '' ? '' : ` ${ref.name}`}; until then requests for this backend get 500.`,
      }
    case 'BackendNotFound':
      return {
        path: `${path}.name`,
        hint: `There is no Service ${ref.name} in namespace ${ns}; requests for it get 500.`,
      }
    case 'InvalidKind':
      return {
        path: `${path}.kind`,
        hint: 'Istio routes to Services: leave group and kind out, or use kind: Service.',
      }
    default:
      return {
        path: `${path}.name`,
        hint: 'Name the Service, not its hostname (no dots): istiod drops the whole route until then.',
      }
  }
}
