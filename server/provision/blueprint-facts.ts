// Facts derived from a blueprint: every container image the live lab runs and every port it opens.
// Pure: the dry run, `kindlab images` and the tests read these, never a hand-written list.
import type { Blueprint, KindConfig, KubeObject, ManifestFile } from './blueprint.ts'

/** An image and the part of the lab that runs it. */
export interface ImageRef {
  image: string
  usedBy: string
}

/** A port of the live lab, for the dry run. */
export interface PortFact {
  /** Where the port is: the host, the ingress gateway, or a Service. */
  scope: 'host' | 'gateway' | 'service'
  name: string
  /** e.g. "127.0.0.1:80 → node 30080" or "80 → 8080 (node 30080)". */
  mapping: string
}

type Json = Record<string, unknown>

/** A scalar as text ("" for anything else). */
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')
const asObj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** The pod spec of a workload object (Deployment, StatefulSet, DaemonSet, Job, Pod). */
function podSpecOf(obj: KubeObject): Json | undefined {
  if (obj.kind === 'Pod') {
    return asObj(obj['spec'])
  }
  return asObj(asObj(asObj(obj['spec'])?.['template'])?.['spec'])
}

/** Container and init container images of the objects, in order, with the workload that runs them. */
export function workloadImages(objects: readonly KubeObject[]): ImageRef[] {
  const out: ImageRef[] = []
  for (const obj of objects) {
    const spec = podSpecOf(obj)
    if (!spec) {
      continue
    }
    for (const c of [...asList(spec['initContainers']), ...asList(spec['containers'])]) {
      const image = asObj(c)?.['image']
      if (typeof image === 'string') {
        out.push({ image, usedBy: `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}` })
      }
    }
  }
  return out
}

/** Istio's images for the overlay's hub and tag: istiod (pilot), every Envoy (proxyv2), the CNI agent when on. */
export function istioImages(overlay: KubeObject): ImageRef[] {
  const spec = asObj(overlay['spec']) ?? {}
  const hub = typeof spec['hub'] === 'string' ? spec['hub'] : 'docker.io/istio'
  const tag = typeof spec['tag'] === 'string' || typeof spec['tag'] === 'number' ? String(spec['tag']) : 'latest'
  const cni = asObj(asObj(spec['components'])?.['cni'])?.['enabled'] === true
  return [
    { image: `${hub}/pilot:${tag}`, usedBy: 'istio-system/istiod' },
    {
      image: `${hub}/proxyv2:${tag}`,
      usedBy: 'ingress and egress gateways, the Gateway API gateways istiod deploys, every sidecar',
    },
    ...(cni ? [{ image: `${hub}/install-cni:${tag}`, usedBy: 'the Istio CNI node agent (a DaemonSet)' }] : []),
  ]
}

/** The node images of a kind config. */
export function nodeImages(config: KindConfig): ImageRef[] {
  return config.nodes.flatMap((n) => (n.image ? [{ image: n.image, usedBy: `kind node (${n.role})` }] : []))
}

const objectsOf = (files: readonly ManifestFile[]): KubeObject[] => files.flatMap((f) => f.objects)

/** Every image the lab needs, without duplicates (first use wins), node image first. */
export function blueprintImages(bp: Blueprint, options: { optional?: readonly string[] } = {}): ImageRef[] {
  const optional = (options.optional ?? []).flatMap((name) => (bp.app.optional[name] ? [bp.app.optional[name]] : []))
  const all = [
    ...nodeImages(bp.kind.config),
    ...istioImages(bp.istio.overlay),
    ...workloadImages(objectsOf([...bp.app.manifests, ...optional])),
    ...workloadImages(objectsOf(bp.addons.manifests)),
  ]
  const seen = new Set<string>()
  return all.filter((ref) => (seen.has(ref.image) ? false : (seen.add(ref.image), true)))
}

/** Images that run inside the cluster (everything but the kind node image). */
export function clusterImages(bp: Blueprint, options: { optional?: readonly string[] } = {}): ImageRef[] {
  const nodes = new Set(nodeImages(bp.kind.config).map((r) => r.image))
  return blueprintImages(bp, options).filter((r) => !nodes.has(r.image))
}

/** The gateway Service ports the overlay sets (k8s.service.ports of the ingress gateway). */
export function gatewayPorts(overlay: KubeObject, gatewayName: string): Json[] {
  const gateways = asList(asObj(asObj(overlay['spec'])?.['components'])?.['ingressGateways'])
  const gateway = gateways.map(asObj).find((g) => g?.['name'] === gatewayName)
  return asList(asObj(asObj(gateway?.['k8s'])?.['service'])?.['ports']).flatMap((p) =>
    asObj(p) ? [asObj(p) as Json] : [],
  )
}

function servicePorts(objects: readonly KubeObject[]): PortFact[] {
  return objects
    .filter((o) => o.kind === 'Service')
    .flatMap((svc) => {
      const spec = asObj(svc['spec']) ?? {}
      const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP'
      return asList(spec['ports']).map((raw) => {
        const p = asObj(raw) ?? {}
        const target =
          p['targetPort'] !== undefined && p['targetPort'] !== p['port'] ? ` → ${str(p['targetPort'])}` : ''
        return {
          scope: 'service' as const,
          name: `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name} ${str(p['name'])}`.trim(),
          mapping: `${str(p['port'])}${target}${type === 'ClusterIP' ? '' : ` (${type})`}`,
        }
      })
    })
}

/** One gateway port and where it is reachable: its node port and, on kind, the host port mapped to it. */
export interface GatewayPortRoute {
  servicePort: number
  nodePort: number
  hostPort?: number
}

/** The gateway's fixed node ports and the kind host ports that reach them (e.g. 6379 → 30306 → host 3306). */
export function gatewayPortRoutes(bp: Blueprint): GatewayPortRoute[] {
  const hostByNode = new Map(
    bp.kind.config.nodes.flatMap((n) => (n.extraPortMappings ?? []).map((m) => [m.containerPort, m.hostPort] as const)),
  )
  return gatewayPorts(bp.istio.overlay, bp.istio.ingress.service).flatMap((p) => {
    const servicePort = Number(p['port'])
    const nodePort = Number(p['nodePort'])
    if (!Number.isInteger(servicePort) || !Number.isInteger(nodePort)) {
      return []
    }
    const hostPort = hostByNode.get(nodePort)
    return [{ servicePort, nodePort, ...(hostPort === undefined ? {} : { hostPort }) }]
  })
}

/**
 * The kind config with every host port moved up by `offset` (cohorts in cluster mode give each
 * trainee's cluster its own block of host ports). 0 returns the config unchanged.
 */
export function shiftHostPorts(config: KindConfig, offset: number): KindConfig {
  if (offset === 0) {
    return config
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new Error(`host port offset must be a whole number ≥ 0, not ${offset}`)
  }
  return {
    ...config,
    nodes: config.nodes.map((node) =>
      node.extraPortMappings
        ? {
            ...node,
            extraPortMappings: node.extraPortMappings.map((m) => {
              const hostPort = m.hostPort + offset
              if (hostPort > 65_535) {
                throw new Error(`host port ${m.hostPort} + offset ${offset} is beyond 65535`)
              }
              return { ...m, hostPort }
            }),
          }
        : node,
    ),
  }
}

/** Host ports, gateway ports and Service ports of the lab, in that order. */
export function blueprintPorts(bp: Blueprint): PortFact[] {
  const host = bp.kind.config.nodes.flatMap((n) =>
    (n.extraPortMappings ?? []).map((m) => ({
      scope: 'host' as const,
      name: `host ${m.hostPort}/${m.protocol ?? 'TCP'}`,
      mapping: `${m.listenAddress ?? '0.0.0.0'}:${m.hostPort} → node port ${m.containerPort}`,
    })),
  )
  const gateway = gatewayPorts(bp.istio.overlay, bp.istio.ingress.service).map((p) => ({
    scope: 'gateway' as const,
    name: `${bp.istio.namespace}/${bp.istio.ingress.service} ${str(p['name'])}`,
    mapping: `${str(p['port'])} → ${str(p['targetPort'] ?? p['port'])}${p['nodePort'] ? ` (node port ${str(p['nodePort'])})` : ''}`,
  }))
  return [...host, ...gateway, ...servicePorts(objectsOf([...bp.app.manifests, ...bp.addons.manifests]))]
}
