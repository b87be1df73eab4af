// The grading services for a live target (`check`, `serve` and `up` with --kubeconfig/--context,
// --gateway, --envoy-admin): the learner's objects from the API, the gateway's Envoy, real traffic.
// Lazy: nothing connects until a check runs.
import {
  createLiveServices,
  type GatewayRef,
  type LiveServices,
  type ProbeRoute,
} from '../adapters/live/live-services.ts'
import type { Blueprint } from '../provision/blueprint.ts'
import type { LiveTarget } from './live-flags.ts'

/** The ingress gateway as the blueprint describes it. */
export function gatewayRef(bp: Blueprint): GatewayRef {
  return {
    namespace: bp.istio.namespace,
    service: bp.istio.ingress.service,
    selector: bp.istio.ingress.selector,
    adminPort: bp.istio.ingress.adminPort,
  }
}

/**
 * How probes reach the gateway: the given --gateway address, else `fallback` (for an existing
 * cluster: its load balancer, its DNS name in a pod, or a node port).
 */
export function givenProbeRoute(
  target: Pick<LiveTarget, 'gateway'>,
  gateway: GatewayRef,
  fallback: ProbeRoute,
): ProbeRoute {
  return target.gateway !== undefined ? { type: 'address', host: target.gateway, gateway } : fallback
}

/** The services for grading `target` live. `inCluster`: kindlab runs in a pod (Services resolve by name). */
export function liveTargetServices(target: LiveTarget, bp: Blueprint, inCluster: boolean): LiveServices {
  const gateway = gatewayRef(bp)
  return createLiveServices({
    kube: target.kube,
    gateway,
    probe: givenProbeRoute(target, gateway, { type: 'service', gateway, inCluster }),
    ...(target.envoyAdmin ? { envoyAdmin: target.envoyAdmin } : {}),
  })
}
