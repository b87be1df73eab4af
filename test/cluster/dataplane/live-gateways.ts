// Kubernetes Gateways' own proxies on the shared data plane (the harness runs one per Gateway pod,
// gateway-proxies.ts): wait for a Gateway's proxy, and compare its real /config_dump with the
// grader's prediction for that proxy. Test code only; call liveLab() first.
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node'
import { parseConfigDump } from '../../../server/grader/core/envoy/configdump.ts'
import { diffAgainstDump, type EnvoyDifference } from '../../../server/grader/core/envoy/diff.ts'
import { analyzeGatewayApi } from '../../../server/grader/core/gateway-api/analyze.ts'
import { gatewayApiFromObjects } from '../../../server/grader/core/gateway-api/model.ts'
import { fromApiObjects } from '../../../server/grader/core/model/index.ts'
import { poll } from '../poll.ts'
import { gatewayNameLabel } from './gateway-proxies.ts'
import { ready } from './live-lab.ts'
import { clusterObjects } from './live-grading.ts'

/** A Kubernetes Gateway's proxy as the data plane runs it. */
export interface KubeGatewayProxy {
  /** The pod's IP: the listeners answer here. */
  address: string
  /** Envoy's admin, relayed to the pod IP. */
  admin: string
  pod: string
}

/**
 * Waits for the proxy of the Kubernetes Gateway `namespace/name`: istiod deployed it, its pod runs
 * (the newest, not terminating) and its real Envoy is ready at the pod IP.
 */
export async function gatewayProxy(gateway: string, timeoutMs = 90_000): Promise<KubeGatewayProxy> {
  const [namespace = '', name = ''] = gateway.split('/')
  const core = ready().kc.makeApiClient(CoreV1Api)
  return poll(
    async () => {
      const pods = (
        await core.listNamespacedPod({ namespace, labelSelector: `${gatewayNameLabel}=${name}` })
      ).items.filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp)
      const pod = pods.sort(
        (a, b) => (b.metadata?.creationTimestamp?.getTime() ?? 0) - (a.metadata?.creationTimestamp?.getTime() ?? 0),
      )[0]
      const address = pod?.status?.podIP ?? ''
      if (address === '') {
        return undefined
      }
      const admin = `http://${address}:15000`
      const ok = await fetch(`${admin}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status === 200,
        () => false,
      )
      return ok ? { address, admin, pod: `${namespace}/${pod?.metadata?.name}` } : undefined
    },
    {
      what: `the proxy of Gateway ${gateway} (its pod Running, Envoy ready at the pod IP)`,
      timeoutMs,
      intervalMs: 500,
    },
  )
}

/**
 * A Kubernetes Gateway's proxy (`namespace/name`): the real /config_dump of its Envoy (`admin`, at its
 * pod IP) against the grader's prediction for that proxy from the cluster's objects, as
 * analyzeGatewayApi predicts it (istiod's conversion, then the classic translation for its pod),
 * from the objects `keep` keeps.
 */
export async function gatewayEnvoyDiff(
  gateway: string,
  admin: string,
  keep: (o: KubernetesObject) => boolean = () => true,
): Promise<EnvoyDifference[]> {
  const objects = (await clusterObjects()).filter((o) => keep(o as KubernetesObject))
  const r = analyzeGatewayApi({
    classic: fromApiObjects(objects),
    gatewayApi: gatewayApiFromObjects(objects),
    gateway,
  })
  if (r.gateway?.key !== gateway) {
    throw new Error(`the grader knows no Kubernetes Gateway ${gateway} handled by Istio`)
  }
  const view = { listeners: r.listeners, routeConfigs: r.routeConfigs, clusters: r.clusters }
  const dump = parseConfigDump(await (await fetch(`${admin}/config_dump`)).json())
  return diffAgainstDump(view, dump)
}
