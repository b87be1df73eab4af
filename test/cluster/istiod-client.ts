// Test helpers for istiod: hold an ADS stream as a gateway proxy (through the xdsprobe binary) and
// read istiod's /debug/config_dump for that proxy. Test code only.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { IstiodEndpoints } from './istiod.ts'

/** One line printed by xdsprobe per xDS response. */
export interface XdsResponse {
  type: string
  version: string
  resources: number
  routes?: string[]
}

export interface XdsStream {
  /** Node id, e.g. router~10.244.0.9~istio-ingressgateway-x.istio-system~istio-system.svc.cluster.local */
  nodeId: string
  /** `<pod>.<namespace>`, the proxyID that /debug/config_dump expects. */
  proxyId: string
  responses: XdsResponse[]
  stop(): void
}

/** Connects as an ingress gateway (router) proxy in istiod's namespace with the given pod labels. */
export function holdGatewayStream(istiod: IstiodEndpoints, pod: string, labels: Record<string, string>): XdsStream {
  return holdProxyStream(istiod, { pod, namespace: istiod.namespace, ip: '10.244.0.99', labels })
}

/** Connects as a router proxy for a given pod (name, namespace, IP, labels), e.g. a real Pod's. */
export function holdProxyStream(
  istiod: IstiodEndpoints,
  proxy: { pod: string; namespace: string; ip: string; labels: Record<string, string> },
): XdsStream {
  const { pod, labels } = proxy
  const ns = proxy.namespace
  const nodeId = `router~${proxy.ip}~${pod}.${ns}~${ns}.svc.cluster.local`
  const meta = { ISTIO_VERSION: istiod.version, NAMESPACE: ns, CLUSTER_ID: 'Kubernetes', LABELS: labels }
  const child = spawn(istiod.xdsprobe, ['-addr', istiod.grpc, '-node', nodeId, '-meta', JSON.stringify(meta)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const responses: XdsResponse[] = []
  createInterface({ input: child.stdout }).on('line', (line) => responses.push(JSON.parse(line) as XdsResponse))
  return { nodeId, proxyId: `${pod}.${ns}`, responses, stop: () => child.kill('SIGTERM') }
}

/** Envoy-style config dump that istiod generates for a connected proxy. */
export interface ConfigDump {
  configs: Array<{ '@type': string; dynamicRouteConfigs?: Array<{ routeConfig: RouteConfig }> }>
}

export interface RouteConfig {
  name: string
  virtualHosts?: Array<{
    name: string
    domains: string[]
    routes: Array<{
      route?: { cluster?: string }
      metadata?: { filterMetadata?: { istio?: { config?: string } } }
    }>
  }>
}

export async function configDump(istiod: IstiodEndpoints, proxyId: string): Promise<ConfigDump> {
  const res = await fetch(`${istiod.http}/debug/config_dump?proxyID=${encodeURIComponent(proxyId)}`)
  if (!res.ok) {
    throw new Error(`config_dump ${res.status}: ${await res.text()}`)
  }
  return (await res.json()) as ConfigDump
}

/** The route configurations (RDS) in a config dump. */
export function routeConfigs(dump: ConfigDump): RouteConfig[] {
  return dump.configs.flatMap((c) => c.dynamicRouteConfigs?.map((r) => r.routeConfig) ?? [])
}
