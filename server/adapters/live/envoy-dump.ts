// Reading a gateway Envoy's /config_dump: through a port-forward to its pod's admin port, and
// polling it until Envoy has a change (LiveCluster.waitForEnvoy). Shared by the ingress gateway's
// live cluster and a Kubernetes Gateway's proxy.
import { setTimeout as delay } from 'node:timers/promises'
import type { KubeConfig } from '@kubernetes/client-node'
import { AppError, isAppError } from '../../errors.ts'
import { type AdminGetOptions, fetchConfigDump } from '../envoy/envoy-admin.ts'
import { openPortForward, type LocalForward, type PodPort } from '../envoy/port-forward.ts'

function forwardFailure(err: unknown, forward: LocalForward, target: PodPort): AppError {
  const tunnel = forward.lastError()
  if (tunnel === undefined && isAppError(err)) {
    return err
  }
  return new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
    message:
      `The port-forward to ${target.pod}:${target.port} failed: ${tunnel instanceof Error ? tunnel.message : isAppError(err) ? err.message : String(err)}`.slice(
        0,
        400,
      ),
    hint: `Your kubeconfig user needs \`create\` on pods/portforward in ${target.namespace}; check the pod with \`kubectl -n ${target.namespace} get pods\`.`,
    cause: tunnel ?? err,
  })
}

/** /config_dump of the Envoy whose admin API listens on `target` (a pod port), through a port-forward. */
export async function configDumpThroughForward(
  kc: KubeConfig,
  target: PodPort,
  options: AdminGetOptions = {},
): Promise<unknown> {
  const forward = await openPortForward(kc, target)
  try {
    return await fetchConfigDump('127.0.0.1', forward.port, options)
  } catch (err) {
    throw forwardFailure(err, forward, target)
  } finally {
    await forward.close()
  }
}

/** LiveCluster.waitForEnvoy over a dump reader: polls every `pollMs` until `ready` or the time is up. */
export async function pollDump(
  dump: () => Promise<unknown>,
  ready: (dump: unknown) => boolean,
  timeoutMs: number,
  pollMs: number,
): Promise<{ dump: unknown; ready: boolean }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const json = await dump()
    if (ready(json)) {
      return { dump: json, ready: true }
    }
    if (Date.now() >= deadline) {
      return { dump: json, ready: false }
    }
    await delay(Math.min(pollMs, Math.max(0, deadline - Date.now())))
  }
}
