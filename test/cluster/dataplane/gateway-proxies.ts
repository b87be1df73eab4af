// A real proxy for every Kubernetes Gateway istiod deploys: istiod's deployment controller creates
// `<gateway>-istio` (a Deployment whose pods carry gateway.networking.k8s.io/gateway-name), the
// sim's controller-manager and kwok make its pod Running with an IP, and this loop starts
// pilot-agent + Envoy as that pod (startPodProxy) in a network namespace of its own, since its
// Envoy binds the listener ports and 15000/15020/15021/15090 on 0.0.0.0. When the pod goes away
// (its Gateway was deleted) the proxy and its namespace go too. Pure mapping (wantedProxies) + one
// polling loop.
import { join } from 'node:path'
import { ApiException, CoreV1Api, type V1Pod } from '@kubernetes/client-node'
import type { Log } from '../build.ts'
import { startPodProxy, type PodProxy, type ProxyOptions } from './gateway.ts'
import type { PodNetwork, ProxyNamespace } from './netns.ts'

/** The label the kube-gateway template puts on a Gateway's pods (and its Service selects). */
export const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name'

/** A pod of a Kubernetes Gateway's deployment: the stand-ins leave it to its proxy. */
export const isGatewayApiPod = (pod: V1Pod): boolean => pod.metadata?.labels?.[gatewayNameLabel] !== undefined

/** One proxy to run: the pod (by uid, so a re-created pod with the same name gets a new proxy). */
export interface WantedProxy {
  key: string
  ip: string
  gateway: string
  pod: V1Pod
}

/** The Gateway pods that should have a proxy: Running, not terminating, with an IP of the data plane. */
export function wantedProxies(pods: readonly V1Pod[], owns: (ip: string) => boolean): WantedProxy[] {
  return pods
    .filter(
      (p) =>
        isGatewayApiPod(p) &&
        p.status?.phase === 'Running' &&
        owns(p.status.podIP ?? '') &&
        p.metadata?.deletionTimestamp === undefined,
    )
    .map((pod) => ({
      key: `${pod.metadata?.namespace}/${pod.metadata?.name}/${pod.metadata?.uid}/${pod.status?.podIP}`,
      ip: pod.status?.podIP ?? '',
      gateway: `${pod.metadata?.namespace}/${pod.metadata?.labels?.[gatewayNameLabel]}`,
      pod,
    }))
}

/** An error in one line: the API server's own message for an ApiException (a pod deleted meanwhile). */
function oneLine(err: unknown): string {
  if (err instanceof ApiException) {
    try {
      return `API ${err.code}: ${(JSON.parse(String(err.body)) as { message?: string }).message ?? ''}`
    } catch {
      return `API ${err.code}`
    }
  }
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
}

export interface GatewayProxies {
  /** The proxies running now, by Gateway (`namespace/name`). */
  running(): Array<{ gateway: string; pod: string; address: string; admin: string }>
  /** One round now (waits for a round in progress). */
  synced(): Promise<void>
  /** Stops the loop, every proxy and its namespace. */
  stop(): Promise<void>
}

interface Running {
  wanted: WantedProxy
  proxy: PodProxy
  netns: ProxyNamespace
}

/** Keeps one proxy per Running Gateway pod until stop(). */
export function runGatewayProxies(
  options: ProxyOptions & { net: PodNetwork; workDir: string; log: Log; intervalMs?: number },
): GatewayProxies {
  const core = options.kc.makeApiClient(CoreV1Api)
  const running = new Map<string, Running>()
  let stopped = false
  let lastError = ''
  let count = 0

  const startOne = async (w: WantedProxy): Promise<void> => {
    const pod = `${w.pod.metadata?.namespace}/${w.pod.metadata?.name}`
    const netns = await options.net.addProxyNamespace(w.ip)
    count += 1
    try {
      const proxy = await startPodProxy({
        ...options,
        pod: w.pod,
        netns: netns.name,
        cwd: join(options.workDir, 'gateways', `${count}-${w.pod.metadata?.name}`),
        name: `gateway-${count}-${w.pod.metadata?.name}`,
      })
      running.set(w.key, { wanted: w, proxy, netns })
      options.log(
        `gateway proxy started: Gateway ${w.gateway}, pod ${pod}, Envoy at ${w.ip} (network namespace ${netns.name}), admin ${proxy.admin}`,
      )
    } catch (err) {
      await netns.remove()
      throw err
    }
  }

  const stopOne = async (r: Running, why: string): Promise<void> => {
    running.delete(r.wanted.key)
    await r.proxy.stop()
    await r.netns.remove()
    options.log(
      `gateway proxy stopped: Gateway ${r.wanted.gateway}, pod ${r.proxy.pod.namespace}/${r.proxy.pod.name} (${why}); network namespace ${r.netns.name} removed`,
    )
  }

  const once = async (): Promise<void> => {
    const pods = (await core.listPodForAllNamespaces({ labelSelector: gatewayNameLabel })).items
    const wanted = wantedProxies(pods, (ip) => options.net.owns(ip))
    const keys = new Set(wanted.map((w) => w.key))
    for (const r of [...running.values()].filter((x) => !keys.has(x.wanted.key))) {
      await stopOne(r, 'its pod is gone')
    }
    for (const w of wanted.filter((x) => !running.has(x.key))) {
      if (stopped) {
        return
      }
      await startOne(w)
    }
  }

  let round: Promise<void> = Promise.resolve()
  const tick = (): Promise<void> => {
    round = round.then(once).then(
      () => {
        lastError = ''
      },
      (err: unknown) => {
        const message = oneLine(err)
        if (message !== lastError) {
          options.log(`gateway proxies: sync failed (will retry): ${message}`)
          lastError = message
        }
      },
    )
    return round
  }
  const timer = setInterval(() => {
    if (!stopped) {
      void tick()
    }
  }, options.intervalMs ?? 1_000)
  timer.unref()
  return {
    running: () =>
      [...running.values()].map((r) => ({
        gateway: r.wanted.gateway,
        pod: `${r.proxy.pod.namespace}/${r.proxy.pod.name}`,
        address: r.proxy.address,
        admin: r.proxy.admin,
      })),
    synced: tick,
    async stop() {
      stopped = true
      clearInterval(timer)
      await round
      for (const r of [...running.values()]) {
        await stopOne(r, 'the data plane stops')
      }
    },
  }
}
