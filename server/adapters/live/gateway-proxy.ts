// The live cluster of a Kubernetes Gateway's own proxy (LiveCluster.proxy): the pods behind the
// Service istiod deploys for the Gateway (`<name>-<gatewayClassName>`, pods labelled
// `gateway.networking.k8s.io/gateway-name=<name>`, Envoy listening on the listener ports), found
// through that Service's selector. Its Envoy's /config_dump comes through a port-forward to the
// newest Ready pod's admin port, or from the pod's IP (`--envoy-admin pod:PORT`); probes take the
// way the ingress gateway's route allows (live-services.ts proxyReach): a port-forward on kind,
// the Service's address on an existing cluster, the pod's IP beside a given ingress pod IP.
import { CoreV1Api, type KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node'
import type { GatewayProxyRef, LiveCluster } from '../../checks/live-services.ts'
import { AppError } from '../../errors.ts'
import { fetchConfigDump } from '../envoy/envoy-admin.ts'
import { apiClient } from '../kube/kube-api.ts'
import { loadKubeConfig, type KubeTarget } from '../kube/kube-config.ts'
import { translateKubeError } from '../kube/kube-errors.ts'
import { httpProbe, type ProbeAddress } from '../probe/http-probe.ts'
import { tcpProbe } from '../probe/tcp-probe.ts'
import { configDumpThroughForward, pollDump } from './envoy-dump.ts'
import { resolveGatewayAddress } from './gateway-address.ts'
import { labelSelector, newestReadyPod, podIp, readGatewayService } from './gateway-pods.ts'
import {
  httpProbeThroughForward,
  podPortFor,
  tcpProbeThroughForward,
  type ForwardTarget,
} from './gateway-tcp-forward.ts'
import { sharedRead } from './shared-read.ts'

/** How probes reach the proxy's ports from kindlab. */
export type ProxyReach =
  /** kind: host ports exist for the ingress gateway only, so a port-forward to the proxy's pod. */
  | { via: 'port-forward'; reason: string }
  /** An existing cluster: the proxy Service's load balancer, DNS name (`inCluster`) or node ports. */
  | { via: 'service'; inCluster: boolean }
  /**
   * `--gateway ADDRESS`: when ADDRESS is an ingress gateway pod's IP (kindlab sits in the pod
   * network), the proxy's own pod IP at the Service's targetPorts; otherwise the proxy's Service.
   */
  | { via: 'address'; host: string; ingress: { namespace: string; selector: Record<string, string> } }

/** How the proxy Envoy's admin API is read. */
export type ProxyAdmin =
  /** A port-forward to the pod's admin port (15000). */
  | { via: 'port-forward'; port: number }
  /** `--envoy-admin pod:PORT`: the pod's own IP at PORT. */
  | { via: 'pod-ip'; port: number }
  /** Not at all, and why (e.g. `--envoy-admin http://…` names the ingress gateway's admin only). */
  | { via: 'none'; why: string; hint: string }

export interface GatewayProxyOptions {
  kube: KubeTarget
  ref: GatewayProxyRef
  reach: ProxyReach
  admin: ProxyAdmin
  /** Between config_dump polls in waitForEnvoy. @default 500 */
  pollMs?: number
  /** As LiveClusterOptions.shareDumpMs. @default 250 */
  shareDumpMs?: number
  /** How long a looked-up Service, pod or address is reused. @default 5000 */
  lookupMs?: number
}

interface Found {
  kc: KubeConfig
  where: string
  service: V1Service
  pod: V1Pod
}

/** Creates the proxy's LiveCluster; nothing touches the cluster until a method is called. */
export function createGatewayProxyCluster(options: GatewayProxyOptions): LiveCluster {
  const { ref } = options
  const namespace = ref.service.namespace
  const what = `Gateway ${ref.gateway}'s proxy`
  const gatewayName = ref.gateway.split('/')[1] ?? ''
  const hint = `istiod deploys it for a Gateway it handles (Deployment and Service ${ref.service.name}); see \`kubectl -n ${namespace} get deploy,svc,pods -l gateway.networking.k8s.io/gateway-name=${gatewayName}\` and the Gateway's status conditions.`
  const freshMs = options.lookupMs ?? 5_000
  // The Service and its newest Ready pod (a class's simultaneous checks share one lookup).
  const find = sharedRead(
    async (): Promise<Found> => {
      const { kc, where } = loadKubeConfig(options.kube)
      const service = await readGatewayService(kc, where, ref.service, what, hint)
      const selector = service.spec?.selector ?? {}
      if (Object.keys(selector).length === 0) {
        throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
          message: `Service ${namespace}/${ref.service.name} of ${what} selects no pods (it has no selector).`,
          hint,
        })
      }
      const pod = await newestReadyPod(kc, where, { namespace, selector, what, hint })
      return { kc, where, service, pod }
    },
    { freshMs },
  )
  const readDump = async (): Promise<unknown> => {
    const admin = options.admin
    if (admin.via === 'none') {
      throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', { message: admin.why, hint: admin.hint })
    }
    const found = await find()
    const name = found.pod.metadata?.name ?? ''
    const owner = {
      what: `The Envoy admin of ${what} (pod ${namespace}/${name})`,
      hint: `Check the pod with \`kubectl -n ${namespace} get pod ${name}\`; it must be Running and Ready.`,
    }
    if (admin.via === 'pod-ip') {
      return fetchConfigDump(podIp(found.pod, what), admin.port, { owner })
    }
    return configDumpThroughForward(found.kc, { namespace, pod: name, port: admin.port }, { owner })
  }
  const dump = sharedRead(readDump, { freshMs: options.shareDumpMs ?? 250 })
  const reach = options.reach
  // kind: each probe through a port-forward to the pod; otherwise an address, looked up and reused.
  const way: { reason: string } | { address: () => Promise<ProbeAddress> } =
    reach.via === 'port-forward'
      ? { reason: reach.reason }
      : { address: sharedRead(() => addressOf(reach, options.kube, ref, find), { freshMs }) }
  const dial = (a: { address: () => Promise<ProbeAddress> }): Promise<ProbeAddress | { error: string }> =>
    a.address().catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }))
  return {
    describe: () => `${what} in ${namespace} (${options.kube.context ?? 'current context'})`,
    configDump: () => dump(),
    httpProbe: async (req) => {
      if ('reason' in way) {
        return httpProbeThroughForward(forwardTarget(options.kube, ref, find), req, way.reason)
      }
      const a = await dial(way)
      return 'error' in a ? { status: undefined, headers: {}, body: '', error: a.error } : httpProbe(a, req)
    },
    tcpProbe: async (req) => {
      if ('reason' in way) {
        return tcpProbeThroughForward(forwardTarget(options.kube, ref, find), req, way.reason)
      }
      const a = await dial(way)
      return 'error' in a ? { connected: false, received: '', error: a.error } : tcpProbe(a, req)
    },
    waitForEnvoy: (ready, timeoutMs) => pollDump(dump, ready, timeoutMs, options.pollMs ?? 500),
  }
}

/** The port-forward to the proxy's newest Ready pod, at the pod port behind each Service port. */
function forwardTarget(kube: KubeTarget, ref: GatewayProxyRef, find: () => Promise<Found>): ForwardTarget {
  const { kc, where } = loadKubeConfig(kube)
  return {
    kc,
    where,
    namespace: ref.service.namespace,
    service: ref.service.name,
    findPod: async () => (await find()).pod.metadata?.name ?? '',
    lookup: find,
  }
}

/** Where probes dial the proxy when not through a port-forward. */
async function addressOf(
  reach: Exclude<ProxyReach, { via: 'port-forward' }>,
  kube: KubeTarget,
  ref: GatewayProxyRef,
  find: () => Promise<Found>,
): Promise<ProbeAddress> {
  const service = { namespace: ref.service.namespace, service: ref.service.name }
  const { kc, where } = loadKubeConfig(kube)
  if (reach.via === 'service') {
    return resolveGatewayAddress(kc, where, service, reach.inCluster)
  }
  if (!(await podIps(kc, where, reach.ingress)).includes(reach.host)) {
    // A load balancer in front of the ingress gateway says nothing of this proxy: its own Service.
    return resolveGatewayAddress(kc, where, service, false)
  }
  // kindlab reaches pod IPs: the proxy's pod, where Envoy listens on the Service's targetPorts.
  const found = await find()
  const host = podIp(found.pod, `Gateway ${ref.gateway}'s proxy`)
  return { host, portFor: (port) => podPortFor(found.service, found.pod, port) ?? port }
}

async function podIps(
  kc: KubeConfig,
  where: string,
  pods: { namespace: string; selector: Record<string, string> },
): Promise<string[]> {
  try {
    const list = await apiClient(kc, CoreV1Api).listNamespacedPod({
      namespace: pods.namespace,
      labelSelector: labelSelector(pods.selector),
    })
    return list.items.flatMap((p) => (p.status?.podIPs ?? []).map((i) => i.ip))
  } catch (err) {
    throw translateKubeError(err, `listing the ingress gateway pods in ${pods.namespace}`, where)
  }
}
