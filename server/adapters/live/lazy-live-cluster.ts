// A LiveCluster built when a check first needs it (a cohort trainee's own kind cluster, whose
// kubeconfig and ports are known only once it exists): every method, Kubernetes Gateway proxies
// included, waits for `load` and forwards. A failed load is retried by the next call (the loader
// decides; see cohorts/session-services.ts).
import type { GatewayProxyRef, LiveCluster } from '../../checks/live-services.ts'
import { AppError } from '../../errors.ts'

/**
 * A LiveCluster that forwards to `load()`'s; `where` names the cluster for describe(), e.g.
 * "your kind cluster kl-class-trainee01".
 */
export function lazyLiveCluster(where: string, load: () => Promise<LiveCluster>): LiveCluster {
  return lazy(`ingress gateway of ${where}`, where, load)
}

function lazy(name: string, where: string, load: () => Promise<LiveCluster>): LiveCluster {
  const proxies = new Map<string, LiveCluster>()
  return {
    describe: () => name,
    configDump: async () => (await load()).configDump(),
    httpProbe: async (req) => (await load()).httpProbe(req),
    tcpProbe: async (req) => (await load()).tcpProbe(req),
    waitForEnvoy: async (ready, timeoutMs) => (await load()).waitForEnvoy(ready, timeoutMs),
    proxy: (ref) => {
      const key = `${ref.gateway} ${ref.service.namespace}/${ref.service.name}`
      let hit = proxies.get(key)
      if (hit === undefined) {
        hit = lazy(`Gateway ${ref.gateway}'s proxy in ${where}`, where, async () => proxyOf(await load(), ref))
        proxies.set(key, hit)
      }
      return hit
    },
  }
}

function proxyOf(cluster: LiveCluster, ref: GatewayProxyRef): LiveCluster {
  if (cluster.proxy === undefined) {
    throw new AppError('LAB_ERR_ENVOY_UNREACHABLE', {
      message: `${cluster.describe()} reaches the istio-ingressgateway proxy only, not Gateway ${ref.gateway}'s.`,
      hint: 'Grade this check against the ingress gateway, or on a server whose cluster reaches Kubernetes Gateways.',
    })
  }
  return cluster.proxy(ref)
}
