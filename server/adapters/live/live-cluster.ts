// The live cluster for grading: the ingress gateway Envoy's /config_dump through a port-forward to
// the gateway pod's admin port (or at an admin address given with --envoy-admin), real HTTP(S)/TCP
// probes through the gateway (a TCP port the probe address does not reach, through a port-forward
// to the gateway pod), a bounded poll until Envoy has the learner's change, and a Kubernetes
// Gateway's own proxy (gateway-proxy.ts). Implements checks/live-services.ts LiveCluster. Checks
// pressed together (a class) share one /config_dump read (shared-read.ts).
import type { GatewayProxyRef, LiveCluster } from '../../checks/live-services.ts'
import { fetchConfigDump } from '../envoy/envoy-admin.ts'
import { configDumpThroughForward, pollDump } from './envoy-dump.ts'
import { findGatewayPod, newestReadyPod, podIp } from './gateway-pods.ts'
import { tcpProbeThroughForward } from './gateway-tcp-forward.ts'
import { loadKubeConfig, type KubeTarget } from '../kube/kube-config.ts'
import { httpProbe, type ProbeAddress } from '../probe/http-probe.ts'
import { tcpProbe } from '../probe/tcp-probe.ts'
import { sharedRead } from './shared-read.ts'

/** How a TCP probe reaches a gateway port: the probe address, or a port-forward to the gateway pod (and why). */
export type TcpPath = { via: 'address' } | { via: 'port-forward'; reason: string }

/**
 * `--envoy-admin`: an admin address of the ingress gateway's Envoy (`http://host:port`), or
 * `pod:PORT`, Envoy's admin API on each gateway pod's own IP at PORT (every gateway's, Kubernetes
 * Gateways' too).
 */
export type EnvoyAdminAccess = { host: string; port: number } | { podPort: number }

export interface LiveClusterOptions {
  kube: KubeTarget
  /** The ingress gateway: its namespace, the pod labels, Envoy's admin port, its Service. */
  gateway: { namespace: string; selector: Record<string, string>; adminPort: number; service?: string }
  /**
   * Which TCP ports the probe address does not reach (live-services.ts tcpPathFor); those are
   * probed through a port-forward to the gateway pod. @default every port through the address
   */
  tcpPath?: (port: number) => TcpPath
  /** Where probes go: fixed (kind's host ports) or looked up per probe (an existing cluster's gateway). */
  probe: ProbeAddress | (() => Promise<ProbeAddress>)
  /** Between config_dump polls in waitForEnvoy. @default 500 */
  pollMs?: number
  /**
   * Envoy's admin API reached directly (`--envoy-admin`) where a port-forward is not possible: at
   * a given address (no gateway pod lookup then), or at the gateway pod's IP.
   */
  admin?: EnvoyAdminAccess
  /**
   * A config_dump read started at most this long ago is shared instead of read again: fifty
   * trainees pressing Check at once cost Envoy one dump, not fifty. Below `pollMs`, so every poll
   * of waitForEnvoy still sees a newer dump. @default 250
   */
  shareDumpMs?: number
  /**
   * Builds the live cluster of a Kubernetes Gateway's proxy (live-services.ts); LiveCluster.proxy
   * is absent without it. A Gateway whose proxy is this ingress gateway (an unmanaged Gateway
   * naming its Service) gets this cluster itself.
   */
  proxy?: (ref: GatewayProxyRef) => LiveCluster
}

export { findGatewayPod }

/** The probe address, or why there is none (probes report failures as results, never throw). */
async function addressOf(probe: LiveClusterOptions['probe']): Promise<ProbeAddress | { error: string }> {
  try {
    return typeof probe === 'function' ? await probe() : probe
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) }
  }
}

/** Creates the LiveCluster; nothing touches the cluster until a method is called. */
export function createLiveCluster(options: LiveClusterOptions): LiveCluster {
  const readDump = async (): Promise<unknown> => {
    const admin = options.admin
    if (admin !== undefined && !('podPort' in admin)) {
      return fetchConfigDump(admin.host, admin.port)
    }
    const { kc, where } = loadKubeConfig(options.kube)
    if (admin !== undefined) {
      return fetchConfigDump(podIp(await newestReadyPod(kc, where, options.gateway), 'ingress gateway'), admin.podPort)
    }
    const pod = await findGatewayPod(kc, where, options.gateway)
    return configDumpThroughForward(kc, { namespace: options.gateway.namespace, pod, port: options.gateway.adminPort })
  }
  const dump = sharedRead(readDump, { freshMs: options.shareDumpMs ?? 250 })
  const proxies = new Map<string, LiveCluster>()
  const ingressService = `${options.gateway.namespace}/${options.gateway.service ?? 'istio-ingressgateway'}`
  const proxy = (factory: (ref: GatewayProxyRef) => LiveCluster) => (ref: GatewayProxyRef) => {
    const service = `${ref.service.namespace}/${ref.service.name}`
    if (service === ingressService) {
      return cluster
    }
    const key = `${ref.gateway} ${service}`
    let hit = proxies.get(key)
    if (hit === undefined) {
      hit = factory(ref)
      proxies.set(key, hit)
    }
    return hit
  }
  const cluster: LiveCluster = {
    describe: () => `ingress gateway in ${options.gateway.namespace} (${options.kube.context ?? 'current context'})`,
    configDump: () => dump(),
    httpProbe: async (req) => {
      const address = await addressOf(options.probe)
      return 'error' in address
        ? { status: undefined, headers: {}, body: '', error: address.error }
        : httpProbe(address, req)
    },
    tcpProbe: async (req) => {
      const path = options.tcpPath?.(req.port) ?? { via: 'address' }
      if (path.via === 'port-forward' && !options.admin) {
        const { kc, where } = loadKubeConfig(options.kube)
        return tcpProbeThroughForward(
          {
            kc,
            where,
            namespace: options.gateway.namespace,
            service: options.gateway.service ?? 'istio-ingressgateway',
            findPod: () => findGatewayPod(kc, where, options.gateway),
          },
          req,
          path.reason,
        )
      }
      const address = await addressOf(options.probe)
      return 'error' in address ? { connected: false, received: '', error: address.error } : tcpProbe(address, req)
    },
    waitForEnvoy: (ready, timeoutMs) => pollDump(dump, ready, timeoutMs, options.pollMs ?? 500),
    ...(options.proxy === undefined ? {} : { proxy: proxy(options.proxy) }),
  }
  return cluster
}
