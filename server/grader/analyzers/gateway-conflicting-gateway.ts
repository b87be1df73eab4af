// gateway.ConflictingGatewayAnalyzer: two Gateways that select the same workload must not both
// serve the same literal host on the same port and bind (IST0145). Pure. Unlike istioctl, hosts of
// all servers on a port are kept (istioctl keeps the last server's) and the known-host lists are
// not mutated while comparing, so the result does not depend on map iteration order.
import type { Finding } from '../core/findings.ts'
import type { Gateway, Pod, Server } from '../core/model/index.ts'
import type { Analyzer } from './analyzer.ts'
import { messages, report } from './messages.ts'
import { selectorMatches, selectorNotFound, selectorString } from './selectors.ts'

/** The servers of one Gateway on one port: host → bind. */
interface PortClaim {
  gateway: string
  selector: Readonly<Record<string, string>>
  selectorText: string
  port: number
  hosts: Map<string, string>
}

/** Reproduces istioctl's gateway.ConflictingGatewayAnalyzer, including its Pod-based sub-selector path. */
export const conflictingGateway: Analyzer = {
  meta: {
    id: 'gateway.conflicting-gateway',
    istioName: 'gateway.ConflictingGatewayAnalyzer',
    description: 'Checks that Gateways on the same workload do not claim the same port, host and bind',
    inputs: ['gateways', 'pods'],
    codes: ['IST0101', 'IST0145'],
  },
  analyze(model) {
    const claims = model.gateways.flatMap(claimsOf)
    return model.gateways.flatMap((gw) => analyzeGateway(gw, claims, model.pods))
  },
}

function claimsOf(gw: Gateway): PortClaim[] {
  const byPort = new Map<number, PortClaim>()
  const selector = gw.spec.selector ?? {}
  for (const server of gw.spec.servers) {
    const port = server.port.number
    const claim = byPort.get(port) ?? {
      gateway: fullName(gw),
      selector,
      selectorText: selectorString(selector),
      port,
      hosts: new Map(),
    }
    server.hosts.forEach((h) => claim.hosts.set(h, server.bind ?? ''))
    byPort.set(port, claim)
  }
  return [...byPort.values()]
}

function analyzeGateway(gw: Gateway, claims: readonly PortClaim[], pods: readonly Pod[]): Finding[] {
  const selector = gw.spec.selector ?? {}
  const text = selectorString(selector)
  const sameWorkload = claims.filter(
    (c) => c.selectorText === text || (overlaps(c.selectorText, text) && shareAPod(selector, c.selector, pods)),
  )
  if (text !== '' && sameWorkload.length === 0) {
    return [selectorNotFound(gw)]
  }
  const findings: Finding[] = []
  gw.spec.servers.forEach((server, i) => {
    const others = sameWorkload.filter(
      (c) => c.port === server.port.number && c.gateway !== fullName(gw) && sharesHost(server, c),
    )
    if (others.length > 0) {
      findings.push(conflict(gw, server, i, text, [...new Set(others.map((c) => c.gateway))].sort()))
    }
  })
  return findings
}

/** istioctl compares selector strings by substring before asking the Pods. */
function overlaps(a: string, b: string): boolean {
  return a.includes(b) || b.includes(a)
}

function shareAPod(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
  pods: readonly Pod[],
): boolean {
  return pods.some((p) => selectorMatches(a, p.metadata.labels) && selectorMatches(b, p.metadata.labels))
}

function sharesHost(server: Server, claim: PortClaim): boolean {
  return server.hosts.some((h) => claim.hosts.get(h) === (server.bind ?? ''))
}

function conflict(gw: Gateway, server: Server, index: number, selector: string, others: readonly string[]): Finding {
  const hosts = server.hosts.join(',')
  return report(messages.ConflictingGateways, gw, {
    path: `spec.servers[${index}]`,
    message: `Server ${index} (port ${server.port.number}, hosts ${hosts}) conflicts with Gateway ${others.join(', ')}: both select the same workload (${selector || 'every gateway'}) and serve the same host on that port.`,
    hint: 'Serve each host on a port from one Gateway only: move the servers into one Gateway, or remove the duplicate host.',
  })
}

function fullName(gw: Gateway): string {
  return `${gw.metadata.namespace}/${gw.metadata.name}`
}
