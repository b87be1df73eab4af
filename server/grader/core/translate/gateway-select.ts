// Which Gateways apply to the gateway pod, in istiod's processing order, and on which port each
// server listens: the pod's service targets (Services and ServiceEntries selecting it) and
// istio's resolvePorts (spec §1.3, rules 1-3). Pure.
import { compareByCreation, timeOf } from './order.ts'
import type { Gateway, ResourceModel } from '../model/index.ts'
import { type GatewayEnvironment, selectorMatches } from './env.ts'

/** A (service port → target port) pair of a Service or ServiceEntry that selects the gateway pod. */
export interface ServiceTarget {
  hostname: string
  namespace: string
  port: number
  targetPort: number
  /** The Service opted out of port translation (experimental.istio.io/disable-gateway-port-translation). */
  disableTranslation: boolean
  /** `Service ns/name` or `ServiceEntry ns/name`, for explanations. */
  owner: string
  creationTimestamp?: string
}

/** A Gateway and what the pod's selection made of it. */
export interface GatewaySelection {
  gateway: Gateway
  /** `ns/name`. */
  name: string
  selected: boolean
  /** Label-selector gateway (legacy): ports fall back to the server port when no Service maps them. */
  legacySelector: boolean
  targets: ServiceTarget[]
}

const disableLabel = 'experimental.istio.io/disable-gateway-port-translation'
const gatewayServiceAnnotation = 'internal.istio.io/gateway-service'

/** The service targets of the gateway pod, ordered by creation time then hostname. */
export function serviceTargets(model: ResourceModel, env: GatewayEnvironment): ServiceTarget[] {
  const { pod } = env
  const out: ServiceTarget[] = []
  for (const svc of model.services) {
    const sel = svc.spec.selector
    if (svc.metadata.namespace !== pod.namespace || sel === undefined || !selectorMatches(sel, pod.labels)) {
      continue
    }
    for (const p of svc.spec.ports) {
      if (p.protocol === 'UDP') {
        continue
      }
      const target = p.targetPort ?? p.port
      const targetPort =
        typeof target === 'number' ? target : pod.containerPorts.find((c) => c.name === target)?.containerPort
      if (targetPort === undefined) {
        continue
      }
      out.push(
        target0(
          `${svc.metadata.name}.${svc.metadata.namespace}.svc.${env.domainSuffix}`,
          svc.metadata,
          p.port,
          targetPort,
          `Service ${svc.metadata.namespace}/${svc.metadata.name}`,
        ),
      )
    }
  }
  for (const se of model.serviceEntries) {
    const byEndpoint = (se.spec.endpoints ?? []).find(
      (e) =>
        e.address === pod.ip ||
        (e.labels !== undefined && Object.keys(e.labels).length > 0 && selectorMatches(e.labels, pod.labels)),
    )
    const bySelector =
      se.spec.workloadSelector !== undefined &&
      se.metadata.namespace === pod.namespace &&
      selectorMatches(se.spec.workloadSelector.labels, pod.labels)
    if (byEndpoint === undefined && !bySelector) {
      continue
    }
    for (const host of se.spec.hosts) {
      for (const p of se.spec.ports) {
        const fromEndpoint = p.name === undefined ? undefined : byEndpoint?.ports?.[p.name]
        out.push(
          target0(
            host,
            se.metadata,
            p.number,
            fromEndpoint ?? p.targetPort ?? p.number,
            `ServiceEntry ${se.metadata.namespace}/${se.metadata.name}`,
          ),
        )
      }
    }
  }
  return out.sort((a, b) => timeOf(a.creationTimestamp) - timeOf(b.creationTimestamp) || cmp(a.hostname, b.hostname))
}

function target0(
  hostname: string,
  meta: Gateway['metadata'],
  port: number,
  targetPort: number,
  owner: string,
): ServiceTarget {
  const t: ServiceTarget = {
    hostname,
    namespace: meta.namespace,
    port,
    targetPort,
    disableTranslation: disableLabel in meta.labels,
    owner,
  }
  if (meta.creationTimestamp !== undefined) {
    t.creationTimestamp = meta.creationTimestamp
  }
  return t
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Every Gateway in processing order (creation time, name, namespace), each marked selected or
 * not for the gateway pod (rule 1). Gateways from all namespaces are considered.
 */
export function selectGateways(
  model: ResourceModel,
  env: GatewayEnvironment,
  targets: readonly ServiceTarget[],
): GatewaySelection[] {
  const sorted = [...model.gateways].sort(compareByCreation)
  return sorted.map((gateway) => {
    const name = `${gateway.metadata.namespace}/${gateway.metadata.name}`
    const services = gateway.metadata.annotations[gatewayServiceAnnotation]
    if (services !== undefined) {
      const known = new Set(services.split(','))
      const matching = targets.filter((t) => known.has(t.hostname) && t.namespace === gateway.metadata.namespace)
      return { gateway, name, selected: matching.length > 0, legacySelector: false, targets: matching }
    }
    const selected = selectorMatches(gateway.spec.selector, env.pod.labels)
    return { gateway, name, selected, legacySelector: true, targets: [...targets] }
  })
}

/**
 * istio resolvePorts: the ports a server with port `number` listens on. Label-selector gateways
 * take the first matching Service port's targetPort, else the port itself; service-referencing
 * gateways take every matching targetPort and nothing else.
 */
export function resolvePorts(number: number, selection: GatewaySelection): number[] {
  const ports: number[] = []
  for (const t of selection.targets) {
    if (t.disableTranslation && selection.legacySelector) {
      continue
    }
    if (t.port !== number) {
      continue
    }
    if (selection.legacySelector) {
      return [t.targetPort]
    }
    if (!ports.includes(t.targetPort)) {
      ports.push(t.targetPort)
    }
  }
  if (ports.length === 0 && selection.legacySelector) {
    return [number]
  }
  return ports.sort((a, b) => a - b)
}
