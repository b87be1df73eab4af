// The explicit, sorted registry of the grader's Istio analyzers (istioctl analyze equivalents).
// Add a new analyzer here, keeping the list sorted by id; a meta-test checks order and uniqueness.
import type { Analyzer } from './analyzer.ts'
import { conflictingGateway } from './gateway-conflicting-gateway.ts'
import { ingressGatewayPort } from './gateway-ingress-gateway-port.ts'
import { schemaGateway } from './schema-gateway.ts'
import { schemaVirtualService } from './schema-virtualservice.ts'
import { virtualServiceDestinationHost } from './virtualservice-destination-host.ts'
import { virtualServiceGateway } from './virtualservice-gateway.ts'

/**
 * Every analyzer, sorted by id.
 * @example for (const a of allAnalyzers) console.log(a.meta.id, a.meta.codes)
 */
export const allAnalyzers: readonly Analyzer[] = [
  conflictingGateway, // gateway.conflicting-gateway
  ingressGatewayPort, // gateway.ingress-gateway-port
  schemaGateway, // schema.gateway
  schemaVirtualService, // schema.virtualservice
  virtualServiceDestinationHost, // virtualservice.destination-host
  virtualServiceGateway, // virtualservice.gateway
]
