// Which proxy a request's live layers (Envoy, traffic) talk to: the ingress gateway, or with
// `gateway: ns/name` the Kubernetes Gateway's own proxy, found through the Service the grader's
// conversion names for it (istiod's `<name>-<gatewayClassName>`, or the Service an unmanaged
// Gateway's address names). Pure: the adapters behind LiveCluster do the reaching.
import type { GraderInput } from '../../grader-input.ts'
import type { LiveCluster } from '../../live-services.ts'
import { gatewayInfo } from '../../../grader/judge/gateway-api.ts'
import type { GatewayRequest } from '../../../grader/judge/request.ts'

/** The live cluster for `req`, or why its live layers cannot run (the layers' message). */
export function liveClusterFor(input: GraderInput, req: GatewayRequest): { cluster: LiveCluster } | { why: string } {
  const cluster = input.cluster
  if (cluster === undefined) {
    return { why: 'needs the live cluster' }
  }
  if (req.gateway === undefined) {
    return { cluster }
  }
  const info = gatewayInfo(input, req.gateway)
  if (info === undefined) {
    return { why: `not run: Istio deploys no proxy for Gateway ${req.gateway}` }
  }
  if (cluster.proxy === undefined) {
    return {
      why: `not run: ${cluster.describe()} reaches the istio-ingressgateway proxy only, not Gateway ${req.gateway}'s`,
    }
  }
  // serviceFqdn is `<service>.<namespace>.svc.<domain>`.
  const [name = '', namespace = ''] = info.serviceFqdn.split('.')
  return { cluster: cluster.proxy({ gateway: req.gateway, service: { namespace, name } }) }
}
