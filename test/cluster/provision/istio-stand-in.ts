// Test code only. What `istioctl install` leaves in istio-system, as far as kindlab reads it: the
// istiod and gateway Deployments (the blueprint's images) and the ingress Service with the
// overlay's ports. Used because istioctl cannot run here (see README.md in this folder); the
// objects are built from the blueprint, so the API server validates the overlay's node ports.
import type { KubeObject } from '../../../server/provision/blueprint.ts'
import type { Blueprint } from '../../../server/provision/blueprint.ts'
import { gatewayPorts, istioImages } from '../../../server/provision/blueprint-facts.ts'

function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  image: string,
  port: number,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: name === 'istiod' ? 'discovery' : 'istio-proxy', image, ports: [{ containerPort: port }] },
          ],
        },
      },
    },
  }
}

/** Istio as installed, with the ingress Service NodePort (kind) or LoadBalancer (existing cluster). */
export function istioStandIn(bp: Blueprint, options: { tag?: string; nodePorts: boolean }): KubeObject[] {
  const ns = bp.istio.namespace
  const [pilot, proxy] = istioImages(bp.istio.overlay).map((r) =>
    options.tag ? r.image.replace(/:[^:]+$/, `:${options.tag}`) : r.image,
  )
  const ports = gatewayPorts(bp.istio.overlay, bp.istio.ingress.service).map((p) => {
    const { nodePort, ...rest } = p
    return options.nodePorts && nodePort !== undefined ? { ...rest, nodePort } : rest
  })
  const ingressLabels = { app: 'istio-ingressgateway', ...bp.istio.ingress.selector }
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    deployment(ns, 'istiod', { app: 'istiod', istio: 'pilot' }, pilot ?? '', 15010),
    deployment(ns, 'istio-ingressgateway', ingressLabels, proxy ?? '', 8080),
    deployment(ns, 'istio-egressgateway', { app: 'istio-egressgateway', istio: 'egressgateway' }, proxy ?? '', 8080),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: bp.istio.ingress.service, namespace: ns, labels: ingressLabels },
      spec: { type: options.nodePorts ? 'NodePort' : 'LoadBalancer', selector: ingressLabels, ports },
    },
  ]
}
