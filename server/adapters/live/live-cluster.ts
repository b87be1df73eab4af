// The live cluster for grading: the ingress gateway Envoy's /config_dump through a port-forward to
// the gateway pod's admin port, real HTTP(S)/TCP probes through the gateway (a TCP port the probe
// address does not reach, through a port-forward to the gateway pod), and a bounded poll until
// Envoy has the learner's change. Implements checks/live-services.ts LiveCluster. Checks pressed
// together (a class) share one /config_dump read (shared-read.ts).
import { setTimeout as delay } from 'node:timers/promises'
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node'
import type { LiveCluster } from '../../checks/live-services.ts'
import { AppError, isAppError } from '../../errors.ts'
import { fetchConfigDump } from '../envoy/envoy-admin.ts'
import { openPortForward, type LocalForward } from '../envoy/port-forward.ts'
import { tcpProbeThroughForward } from './gateway-tcp-forward.ts'
import { loadKubeConfig, type KubeTarget } from '../kube/kube-config.ts'
import { apiClient } from '../kube/kube-api.ts'
import { translateKubeError } from '../kube/kube-errors.ts'
import { httpProbe, type ProbeAddress } from '../probe/http-probe.ts'
import { tcpProbe } from '../probe/tcp-probe.ts'
import { sharedRead } from './shared-read.ts'

/** How a TCP probe reaches a gateway port: the probe address, or a port-forward to the gateway pod (and why). */
export type TcpPath = { via: 'address' } | { via: 'port-forward'; reason: string }

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
   * Envoy's admin API reached directly (`--envoy-admin URL`) where a port-forward is not possible;
   * no gateway pod lookup then.
   */
  admin?: { host: string; port: number }
  /**
   * A config_dump read started at most this long ago is shared instead of read again: fifty
   * trainees pressing Check at once cost Envoy one dump, not fifty. Below `pollMs`, so every poll
   * of waitForEnvoy still sees a newer dump. @default 250
   */
  shareDumpMs?: number
}

const isReady = (pod: V1Pod): boolean =>
  pod.status?.phase === 'Running' &&
  !pod.metadata?.deletionTimestamp &&
  (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')

/** The newest Running and Ready gateway pod. */
export async function findGatewayPod(
  kc: KubeConfig,
  where: string,
  gateway: LiveClusterOptions['gateway'],
): Promise<string> {
  const labelSelector = Object.entries(gateway.selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  let pods: V1Pod[]
  try {
    pods = (await apiClient(kc, CoreV1Api).listNamespacedPod({ namespace: gateway.namespace, labelSelector })).items
  } catch (err) {
    throw translateKubeError(err, 'looking for the ingress gateway pod', where)
  }
  const ready = pods
    .filter(isReady)
    .sort((a, b) =>
      String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')),
    )
  const name = ready[0]?.metadata?.name
  if (!name) {
    throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
      message: `No running ingress gateway pod (${labelSelector}) in ${gateway.namespace} on ${where}${pods.length ? `; ${pods.length} found, none ready` : ''}.`,
      hint: `Check it with \`kubectl -n ${gateway.namespace} get pods -l ${labelSelector}\`; \`kindlab up\` reinstalls Istio if it is missing.`,
    })
  }
  return name
}

function forwardFailure(err: unknown, forward: LocalForward, pod: string): AppError {
  const tunnel = forward.lastError()
  if (tunnel === undefined && isAppError(err)) {
    return err
  }
  return new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
    message:
      `The port-forward to ${pod}:15000 failed: ${tunnel instanceof Error ? tunnel.message : isAppError(err) ? err.message : String(err)}`.slice(
        0,
        400,
      ),
    hint: 'Your kubeconfig user needs `create` on pods/portforward in istio-system; check the pod with `kubectl -n istio-system get pods`.',
    cause: tunnel ?? err,
  })
}

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
  const withForward = async <T>(fn: (host: string, port: number) => Promise<T>): Promise<T> => {
    if (options.admin) {
      return fn(options.admin.host, options.admin.port)
    }
    const { kc, where } = loadKubeConfig(options.kube)
    const pod = await findGatewayPod(kc, where, options.gateway)
    const forward = await openPortForward(kc, {
      namespace: options.gateway.namespace,
      pod,
      port: options.gateway.adminPort,
    })
    try {
      return await fn('127.0.0.1', forward.port)
    } catch (err) {
      throw forwardFailure(err, forward, pod)
    } finally {
      await forward.close()
    }
  }
  const dump = sharedRead(() => withForward((host, port) => fetchConfigDump(host, port)), {
    freshMs: options.shareDumpMs ?? 250,
  })
  return {
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
    waitForEnvoy: async (ready, timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const json = await dump()
        if (ready(json)) {
          return { dump: json, ready: true }
        }
        if (Date.now() >= deadline) {
          return { dump: json, ready: false }
        }
        await delay(Math.min(options.pollMs ?? 500, Math.max(0, deadline - Date.now())))
      }
    },
  }
}
