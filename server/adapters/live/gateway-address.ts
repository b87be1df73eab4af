// Where the ingress gateway of an existing cluster can be reached from kindlab: its load balancer
// address, the Service's cluster DNS name when kindlab runs inside the cluster, or a node address
// with the node ports. Read from the Service and Nodes each time (addresses change).
import { CoreV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node'
import { AppError } from '../../errors.ts'
import { apiClient } from '../kube/kube-api.ts'
import { translateKubeError } from '../kube/kube-errors.ts'
import type { ProbeAddress } from '../probe/http-probe.ts'

export interface GatewayService {
  namespace: string
  service: string
  /** The gateway pods' labels (to recognise a pod IP given as the address). */
  selector?: Record<string, string>
}

async function nodeAddress(kc: KubeConfig): Promise<string | undefined> {
  const nodes = (await apiClient(kc, CoreV1Api).listNode()).items
  const addresses = nodes.flatMap((n) => n.status?.addresses ?? [])
  return (addresses.find((a) => a.type === 'ExternalIP') ?? addresses.find((a) => a.type === 'InternalIP'))?.address
}

/** Service port → node port of a NodePort or LoadBalancer Service. */
function nodePorts(svc: V1Service): Record<number, number> {
  return Object.fromEntries(
    (svc.spec?.ports ?? []).flatMap((p): Array<[number, number]> => (p.nodePort ? [[p.port, p.nodePort]] : [])),
  )
}

/**
 * Probes for an address the user gave (`--gateway`): a gateway pod's IP takes the Service's
 * targetPorts (Envoy listens there: 8080, 8443), any other address (a load balancer) the Service ports.
 */
export async function resolveGivenGatewayAddress(
  kc: KubeConfig,
  where: string,
  gateway: GatewayService,
  host: string,
): Promise<ProbeAddress> {
  const core = apiClient(kc, CoreV1Api)
  const labelSelector = Object.entries(gateway.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  let svc: V1Service
  let podIps: string[]
  try {
    svc = await core.readNamespacedService({ name: gateway.service, namespace: gateway.namespace })
    const pods = labelSelector
      ? (await core.listNamespacedPod({ namespace: gateway.namespace, labelSelector })).items
      : []
    podIps = pods.flatMap((p) => (p.status?.podIPs ?? []).map((i) => i.ip))
  } catch (err) {
    throw translateKubeError(err, `reading the gateway ${gateway.namespace}/${gateway.service}`, where)
  }
  if (!podIps.includes(host)) {
    return { host, portFor: (port) => port }
  }
  const targets = Object.fromEntries(
    (svc.spec?.ports ?? []).flatMap((p): Array<[number, number]> =>
      typeof p.targetPort === 'number' ? [[p.port, p.targetPort]] : [],
    ),
  )
  return { host, portFor: (port) => targets[port] ?? port }
}

/**
 * The address probes should dial for `gateway`, in order of preference: the load balancer, the
 * Service DNS name (`inCluster`), a node with the node ports.
 */
export async function resolveGatewayAddress(
  kc: KubeConfig,
  where: string,
  gateway: GatewayService,
  inCluster: boolean,
): Promise<ProbeAddress> {
  let svc: V1Service
  try {
    svc = await apiClient(kc, CoreV1Api).readNamespacedService({ name: gateway.service, namespace: gateway.namespace })
  } catch (err) {
    throw translateKubeError(err, `reading Service ${gateway.namespace}/${gateway.service}`, where)
  }
  const lb = svc.status?.loadBalancer?.ingress?.[0]
  const lbHost = lb?.ip ?? lb?.hostname
  if (lbHost) {
    return { host: lbHost, portFor: (port) => port }
  }
  if (inCluster) {
    return { host: `${gateway.service}.${gateway.namespace}.svc.cluster.local`, portFor: (port) => port }
  }
  const ports = nodePorts(svc)
  const node = Object.keys(ports).length ? await nodeAddress(kc).catch(() => undefined) : undefined
  if (node) {
    return { host: node, portFor: (port) => ports[port] ?? port }
  }
  throw new AppError('LAB_ERR_PROBE_FAILED', {
    message: `The gateway Service ${gateway.namespace}/${gateway.service} has no address kindlab can reach from here (no load balancer address, no node address).`,
    hint: `Give the Service a load balancer (or run kindlab inside the cluster); \`kubectl -n ${gateway.namespace} get svc ${gateway.service}\` shows its EXTERNAL-IP.`,
  })
}
