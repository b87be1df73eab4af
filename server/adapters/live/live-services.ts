// Builds the grading services (checks/types.ts GradingServices) for each way kindlab runs: the
// cluster API and the gateway's Envoy when a cluster is attached, the workspace files offline.
import type { GradingServices } from '../../checks/types.ts'
import { loadKubeConfig, type KubeTarget } from '../kube/kube-config.ts'
import type { ProbeAddress } from '../probe/http-probe.ts'
import { createClusterResourceSource } from './cluster-resource-source.ts'
import { resolveGatewayAddress, resolveGivenGatewayAddress } from './gateway-address.ts'
import { createGatewayProxyCluster, type ProxyAdmin, type ProxyReach } from './gateway-proxy.ts'
import { createLiveCluster, type EnvoyAdminAccess, type TcpPath } from './live-cluster.ts'
import { sharedRead } from './shared-read.ts'
import { createWorkspaceResourceSource } from './workspace-resource-source.ts'

/** The ingress gateway as the blueprint describes it. */
export interface GatewayRef {
  namespace: string
  service: string
  selector: Record<string, string>
  adminPort: number
}

/** Where probes reach the gateway from kindlab's process. */
export type ProbeRoute =
  /** kind: the host ports kind maps; `ports` maps a gateway port to its host port (6379 → 3306). */
  | { type: 'host-ports'; host?: string; ports: Record<number, number> }
  /** kindlab in a container on the kind network: `ports` maps gateway and host ports to node ports. */
  | { type: 'node-ports'; node: string; ports: Record<number, number> }
  /** An existing cluster: the Service's load balancer, its DNS name (`inCluster`), or a node port. */
  | { type: 'service'; gateway: GatewayRef; inCluster: boolean }
  /**
   * `--gateway ADDRESS`: a load balancer (Service ports) or a gateway pod's IP (the Service's
   * targetPorts, where Envoy itself listens), told apart through the API on each probe.
   */
  | { type: 'address'; host: string; gateway: GatewayRef }

/** The routes whose address is known without the API (kind's host or node ports). */
export type FixedProbeRoute = Extract<ProbeRoute, { type: 'host-ports' | 'node-ports' }>

/** Turns a fixed probe route into an address the probe adapters dial. Unknown ports are dialled as they are. */
export function probeAddress(route: FixedProbeRoute): ProbeAddress {
  switch (route.type) {
    case 'host-ports':
      return { host: route.host ?? '127.0.0.1', portFor: (port) => route.ports[port] ?? port }
    case 'node-ports':
      return { host: route.node, portFor: (port) => route.ports[port] ?? port }
  }
}

/**
 * How a TCP probe reaches gateway `port` from kindlab. kind publishes only the blueprint's host
 * (or node) ports, so any other port (a namespace-mode trainee's own TCP port) goes through a
 * port-forward to the gateway pod; an existing cluster's load balancer or Service DNS name, and a
 * given address, carry every port of the Service. Pure.
 */
export function tcpPathFor(route: ProbeRoute, port: number): TcpPath {
  if ((route.type === 'host-ports' || route.type === 'node-ports') && route.ports[port] === undefined) {
    return {
      via: 'port-forward',
      reason:
        route.type === 'host-ports'
          ? `kind maps no host port for gateway port ${port}`
          : `no node port is known for gateway port ${port}`,
    }
  }
  return { via: 'address' }
}

/** How long a looked-up gateway address is reused (a class's simultaneous probes share one lookup). */
export const GATEWAY_ADDRESS_REUSE_MS = 5_000

/**
 * The probe address for any route; an existing cluster's gateway is looked up through the API,
 * and the lookup is reused for {@link GATEWAY_ADDRESS_REUSE_MS} (addresses rarely change; a
 * failed lookup is not reused).
 */
export function probeFor(route: ProbeRoute, kube: KubeTarget): ProbeAddress | (() => Promise<ProbeAddress>) {
  if (route.type !== 'service' && route.type !== 'address') {
    return probeAddress(route)
  }
  return sharedRead(
    () => {
      const { kc, where } = loadKubeConfig(kube)
      return route.type === 'address'
        ? resolveGivenGatewayAddress(kc, where, route.gateway, route.host)
        : resolveGatewayAddress(kc, where, route.gateway, route.inCluster)
    },
    { freshMs: GATEWAY_ADDRESS_REUSE_MS },
  )
}

/**
 * How probes reach a Kubernetes Gateway's own proxy, given how they reach the ingress gateway:
 * kind maps host (and node) ports for istio-ingressgateway only, so a port-forward to the proxy's
 * pod; an existing cluster, the proxy's own Service; a given address, the proxy's pod IP or
 * Service (gateway-proxy.ts). Pure.
 */
export function proxyReach(route: ProbeRoute): ProxyReach {
  switch (route.type) {
    case 'host-ports':
      return { via: 'port-forward', reason: 'kind maps host ports for the istio-ingressgateway only' }
    case 'node-ports':
      return { via: 'port-forward', reason: 'node ports are known for the istio-ingressgateway only' }
    case 'service':
      return { via: 'service', inCluster: route.inCluster }
    case 'address':
      return {
        via: 'address',
        host: route.host,
        ingress: { namespace: route.gateway.namespace, selector: route.gateway.selector },
      }
  }
}

/**
 * How a Kubernetes Gateway's Envoy admin is read: a port-forward to its pod's `adminPort`, the
 * pod's IP with `--envoy-admin pod:PORT`, and not at all with `--envoy-admin http://…` (that
 * address is the ingress gateway's admin). Pure.
 */
export function proxyAdmin(adminPort: number, envoyAdmin?: EnvoyAdminAccess): ProxyAdmin {
  if (envoyAdmin === undefined) {
    return { via: 'port-forward', port: adminPort }
  }
  if ('podPort' in envoyAdmin) {
    return { via: 'pod-ip', port: envoyAdmin.podPort }
  }
  return {
    via: 'none',
    why: `--envoy-admin http://${envoyAdmin.host.includes(':') ? `[${envoyAdmin.host}]` : envoyAdmin.host}:${envoyAdmin.port} is the istio-ingressgateway's Envoy admin only, not a Kubernetes Gateway's.`,
    hint: "Give --envoy-admin pod:PORT when Envoy's admin API is reachable on each gateway pod's own IP at PORT, or leave --envoy-admin out to read it through a port-forward.",
  }
}

/** The grading services of a live cluster: both the resource source and the cluster are there. */
export type LiveServices = GradingServices & Required<Pick<GradingServices, 'cluster'>>

/** Live mode: resources from the cluster API, Envoy and traffic through the gateway. */
export function createLiveServices(options: {
  kube: KubeTarget
  gateway: GatewayRef
  probe: ProbeRoute
  namespaces?: readonly string[]
  /** `--envoy-admin`: read /config_dump there (or at each gateway pod's IP) instead of through a port-forward. */
  envoyAdmin?: EnvoyAdminAccess
}): LiveServices {
  const reach = proxyReach(options.probe)
  const admin = proxyAdmin(options.gateway.adminPort, options.envoyAdmin)
  return {
    resources: createClusterResourceSource({
      kube: options.kube,
      ...(options.namespaces ? { namespaces: options.namespaces } : {}),
    }),
    cluster: createLiveCluster({
      kube: options.kube,
      gateway: options.gateway,
      probe: probeFor(options.probe, options.kube),
      tcpPath: (port) => tcpPathFor(options.probe, port),
      ...(options.envoyAdmin ? { admin: options.envoyAdmin } : {}),
      proxy: (ref) => createGatewayProxyCluster({ kube: options.kube, ref, reach, admin }),
    }),
  }
}

/** Offline mode: resources from one workspace folder, no cluster. Build it per session (each has its own workspace). */
export function createOfflineServices(workspaceDir: string): GradingServices {
  return { resources: createWorkspaceResourceSource({ dir: workspaceDir }) }
}
