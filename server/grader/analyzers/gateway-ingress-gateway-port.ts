// gateway.IngressGatewayPortAnalyzer: a Gateway selects at least one Pod (IST0101 selector), and each
// server port is a port or targetPort of a TCP Service selecting those Pods (IST0162). Needs Pods,
// so it runs only when the model was read from a live cluster. Pure.
import type { Finding } from '../core/findings.ts'
import type { Gateway, Pod, Service } from '../core/model/index.ts'
import type { Analyzer } from './analyzer.ts'
import { messages, report } from './messages.ts'
import { selectorMatches, selectorNotFound, selectorString } from './selectors.ts'

/** Reproduces istioctl's gateway.IngressGatewayPortAnalyzer. */
export const ingressGatewayPort: Analyzer = {
  meta: {
    id: 'gateway.ingress-gateway-port',
    istioName: 'gateway.IngressGatewayPortAnalyzer',
    description: "Checks a Gateway's ports against the ports of the Services in front of its Pods",
    inputs: ['gateways', 'pods', 'services'],
    codes: ['IST0101', 'IST0162'],
    requiresPods: true,
  },
  analyze(model) {
    return model.gateways.flatMap((gw) => analyzeGateway(gw, model.pods, model.services))
  },
}

function analyzeGateway(gw: Gateway, pods: readonly Pod[], services: readonly Service[]): Finding[] {
  const selected = pods.filter((p) => selectorMatches(gw.spec.selector, p.metadata.labels))
  if (selected.length === 0) {
    return [selectorNotFound(gw)]
  }
  const reachable = reachablePorts(selected, services)
  return gw.spec.servers.flatMap((server, i) =>
    reachable.has(server.port.number)
      ? []
      : [
          report(messages.GatewayPortNotDefinedOnService, gw, {
            path: `spec.servers[${i}].port.number`,
            message: `The Gateway listens on port ${server.port.number}, but no Service in front of its Pods (selector ${selectorString(gw.spec.selector)}) exposes that port, so clients cannot reach it through the gateway Service.`,
            hint: 'Use a port the gateway Service exposes (istio-ingressgateway: 80 and 443 in a stock install), or add the port to that Service.',
          }),
        ],
  )
}

/** Service ports and their numeric target ports, for TCP ports of Services selecting any of the Pods. */
function reachablePorts(pods: readonly Pod[], services: readonly Service[]): Set<number> {
  const ports = new Set<number>()
  for (const pod of pods) {
    for (const svc of services) {
      if (
        svc.metadata.namespace !== pod.metadata.namespace ||
        !selectorMatches(svc.spec.selector, pod.metadata.labels)
      ) {
        continue
      }
      for (const port of svc.spec.ports) {
        if (port.protocol !== 'TCP') {
          continue
        }
        const target = numericTarget(port.targetPort)
        ports.add(port.port)
        if (target !== 0) {
          ports.add(target)
        }
      }
    }
  }
  return ports
}

/** intstr.IntValue: a number, or a numeric string; 0 for a named port or none. */
function numericTarget(targetPort: number | string | undefined): number {
  if (typeof targetPort === 'number') {
    return targetPort
  }
  return targetPort !== undefined && /^\d+$/.test(targetPort) ? Number(targetPort) : 0
}
