// A TCP or HTTP(S) probe that reaches a gateway pod's port through a Kubernetes port-forward (the
// API server, then the pod's kubelet), for gateway ports the probe address does not reach: on kind
// only the blueprint's host ports are mapped, so a namespace-mode trainee's own TCP port
// (`${TRAINEE_TCP_PORT}`, 20001…) has no way in from the host, and neither has any port of a
// Kubernetes Gateway's own proxy (gateway-proxy.ts). The tunnel goes to the port Envoy
// listens on in the pod (the Service port's targetPort), which is where a Gateway server opens
// its listener. Never throws: every failure, translated, is the probe's result.
import { CoreV1Api, type KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node'
import type { HttpProbeRequest, HttpProbeResult, TcpProbeRequest, TcpProbeResult } from '../../checks/live-services.ts'
import { AppError, isAppError } from '../../errors.ts'
import { openPortForward, PodPortError } from '../envoy/port-forward.ts'
import { apiClient } from '../kube/kube-api.ts'
import { translateKubeError } from '../kube/kube-errors.ts'
import { httpProbe, type ProbeAddress } from '../probe/http-probe.ts'
import { tcpProbe } from '../probe/tcp-probe.ts'

export interface ForwardTarget {
  kc: KubeConfig
  /** The cluster, for messages (kube-config.ts `where`). */
  where: string
  namespace: string
  /** The gateway Service, whose port entry names the pod port (targetPort). */
  service: string
  /** Finds the Running gateway pod (gateway-pods.ts findGatewayPod). */
  findPod: () => Promise<string>
  /**
   * The pod and its Service already looked up (a Kubernetes Gateway proxy's shared lookup, reused
   * by a class's many probes); when absent, each probe reads them through the API after findPod.
   */
  lookup?: () => Promise<{ pod: V1Pod; service: V1Service }>
}

/** The gateway pod's name and the pod port behind Service port `port`. */
async function podPortOf(target: ForwardTarget, port: number): Promise<{ pod: string; podPort: number | undefined }> {
  if (target.lookup !== undefined) {
    const found = await target.lookup()
    return { pod: found.pod.metadata?.name ?? '', podPort: podPortFor(found.service, found.pod, port) }
  }
  const pod = await target.findPod()
  const core = apiClient(target.kc, CoreV1Api)
  const [service, podObject] = await Promise.all([
    core.readNamespacedService({ name: target.service, namespace: target.namespace }),
    core.readNamespacedPod({ name: pod, namespace: target.namespace }),
  ])
  return { pod, podPort: podPortFor(service, podObject, port) }
}

/**
 * The pod port behind gateway Service port `port`: its numeric targetPort, a named one looked up
 * in the pod's containers, or the port itself when the entry gives none (Kubernetes' default).
 */
export function podPortFor(service: V1Service, pod: V1Pod | undefined, port: number): number | undefined {
  const entry = (service.spec?.ports ?? []).find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP')
  if (!entry) {
    return undefined
  }
  const target = entry.targetPort
  if (target === undefined || target === null) {
    return port
  }
  if (typeof target === 'number' || /^\d+$/.test(String(target))) {
    return Number(target)
  }
  const named = (pod?.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === target)
  return named?.containerPort
}

/** The HTTP status of a refused websocket upgrade (ws: "Unexpected server response: 403"), if that is what `err` is. */
function upgradeStatus(err: unknown): number | undefined {
  const message = (err as { message?: unknown } | null)?.message
  const match = typeof message === 'string' ? /Unexpected server response: (\d{3})/.exec(message) : null
  return match?.[1] ? Number(match[1]) : undefined
}

/**
 * Translates what a port-forward tunnel reported (client-node's websocket error event, the
 * kubelet's error channel, a network error) into an AppError naming the pod and port.
 */
export function translateForwardError(
  err: unknown,
  where: string,
  namespace: string,
  pod: string,
  port: number,
): AppError {
  const target = `${namespace}/${pod} port ${port}`
  const status = upgradeStatus(err)
  if (status === 401 || status === 403) {
    return new AppError('LAB_ERR_KUBE_FORBIDDEN', {
      message: `The cluster ${where} refused the port-forward to ${target} (HTTP ${status}).`,
      hint: `kindlab's kubeconfig user needs \`create\` on pods/portforward in ${namespace}.`,
      cause: err,
    })
  }
  if (status !== undefined) {
    return new AppError('LAB_ERR_PROBE_FAILED', {
      message: `The cluster ${where} could not open a port-forward to ${target} (HTTP ${status}): the API server did not reach the kubelet of the pod's node.`,
      hint: `Check the node with \`kubectl -n ${namespace} get pod ${pod} -o wide\` and \`kubectl get nodes\`; \`kubectl -n ${namespace} port-forward pod/${pod} ${port}\` shows the same path.`,
      cause: err,
    })
  }
  if (err instanceof PodPortError) {
    // The kubelet's error channel: the pod itself refused (nothing listens on the port).
    return new AppError('LAB_ERR_PROBE_FAILED', {
      message: `The port-forward reached ${target}, but the pod refused: ${err.message.slice(0, 200)}`,
      hint: 'Nothing listens on that port in the gateway pod: does a Gateway server (or a Kubernetes Gateway listener) open it?',
      cause: err,
    })
  }
  return translateKubeError(err, `opening a port-forward to ${target}`, where)
}

/** How a probe's result is made and marked (TCP or HTTP). */
interface ProbeKind<R> {
  /** The probe itself, dialling the forward's loopback port. */
  run(address: ProbeAddress): Promise<R>
  /** A probe that did not get through. */
  failed(error: string, via: string): R
}

/**
 * One probe of gateway Service port `port` through a port-forward to the gateway pod, at the pod
 * port the Service entry names. `reason`: why not through the gateway's usual address.
 */
async function probeThroughForward<R extends object>(
  target: ForwardTarget,
  port: number,
  reason: string,
  kind: ProbeKind<R>,
): Promise<R> {
  const found = await podPortOf(target, port).catch((err: unknown) =>
    isAppError(err) ? err : translateKubeError(err, 'looking up the gateway pod for a port-forward', target.where),
  )
  if (found instanceof Error) {
    return kind.failed(found.message, `a port-forward to the gateway pod (${reason})`)
  }
  const { pod, podPort } = found
  if (podPort === undefined) {
    return kind.failed(
      `port ${port} is not a TCP port of Service ${target.namespace}/${target.service}, so no traffic reaches it`,
      `a port-forward to ${target.namespace}/${pod} (${reason})`,
    )
  }
  const via = `a port-forward to ${target.namespace}/${pod} port ${podPort} (${reason})`
  let forward
  try {
    forward = await openPortForward(target.kc, { namespace: target.namespace, pod, port: podPort })
  } catch (err) {
    return kind.failed(translateForwardError(err, target.where, target.namespace, pod, podPort).message, via)
  }
  try {
    const local = forward.port
    const result = await kind.run({ host: '127.0.0.1', portFor: () => local })
    const tunnel = forward.lastError()
    // The local end always accepts: only the tunnel tells whether the pod was reached.
    if (tunnel !== undefined) {
      return kind.failed(translateForwardError(tunnel, target.where, target.namespace, pod, podPort).message, via)
    }
    if (forward.opened() === 0) {
      return kind.failed(
        `the API server did not open the port-forward to ${target.namespace}/${pod} port ${podPort} in time`,
        via,
      )
    }
    return { ...result, via }
  } finally {
    await forward.close()
  }
}

/** One TCP exchange with gateway port `req.port`, through a port-forward to the gateway pod. */
export function tcpProbeThroughForward(
  target: ForwardTarget,
  req: TcpProbeRequest,
  reason: string,
): Promise<TcpProbeResult> {
  return probeThroughForward(target, req.port, reason, {
    run: (address) => tcpProbe(address, req),
    failed: (error, via) => ({ connected: false, received: '', error, via }),
  })
}

/**
 * One HTTP(S) request to gateway port `req.port`, through a port-forward to the gateway pod; the
 * request keeps its Host header and SNI (the loopback address is only where the bytes go).
 */
export function httpProbeThroughForward(
  target: ForwardTarget,
  req: HttpProbeRequest,
  reason: string,
): Promise<HttpProbeResult> {
  return probeThroughForward(target, req.port, reason, {
    run: (address) => httpProbe(address, req),
    failed: (error, via) => ({ status: undefined, headers: {}, body: '', error, via }),
  })
}
