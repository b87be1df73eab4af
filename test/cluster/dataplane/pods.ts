// Keeps the pods' stand-ins in step with the API server: every Running pod with an IP from the data
// plane's range gets that IP in the pods namespace and a listener on each container port (what the
// pod's image would answer there). Pods the learner adds later (a canary Deployment) join within a
// second; deleted ones leave. Pure mapping (standInFor) + one polling loop.
import { request } from 'node:http'
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node'
import type { Log } from '../build.ts'
import type { PodNetwork } from './netns.ts'
import type { StandInPod } from './stand-ins.ts'

/** What a pod's stand-in answers, from its spec; undefined when the pod has no usable IP yet. */
export function standInFor(pod: V1Pod, owns: (ip: string) => boolean): StandInPod | undefined {
  const ip = pod.status?.podIP
  if (!ip || !owns(ip) || pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp) {
    return undefined
  }
  const containers = pod.spec?.containers ?? []
  const frontend = containers.find((c) => (c.image ?? '').includes('microservices-demo/frontend'))
  const ports = containers.flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
      .map((p) => ({
        port: p.containerPort,
        protocol:
          p.containerPort === 6379 || (c.image ?? '').includes('redis') ? ('redis' as const) : ('http' as const),
      })),
  )
  const labels = pod.metadata?.labels ?? {}
  const message = frontend?.env?.find((e) => e.name === 'FRONTEND_MESSAGE')?.value
  return {
    ip,
    app: labels['app'] ?? pod.metadata?.name ?? 'pod',
    version: labels['version'] ?? 'v1',
    ports: [...new Map(ports.map((p) => [p.port, p])).values()],
    shopFrontend: frontend !== undefined,
    ...(message !== undefined ? { message } : {}),
  }
}

function putPods(socketPath: string, pods: StandInPod[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: '/pods', method: 'PUT', headers: { 'content-type': 'application/json' }, timeout: 10_000 },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`stand-ins answered ${res.statusCode}: ${body}`)),
        )
      },
    )
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('stand-ins did not answer in 10 s')))
    req.end(JSON.stringify(pods))
  })
}

/** Polls the pods and syncs the stand-ins until stop(); `skip` excludes pods (the gateway's). */
export function syncStandIns(options: {
  kc: KubeConfig
  net: PodNetwork
  controlSocket: string
  skip: (pod: V1Pod) => boolean
  log: Log
  intervalMs?: number
}): { stop: () => void; synced: () => Promise<void> } {
  const core = options.kc.makeApiClient(CoreV1Api)
  const ips = new Set<string>()
  let last = ''
  let stopped = false
  let lastError = ''
  const once = async (): Promise<void> => {
    const pods = (await core.listPodForAllNamespaces({})).items
      .filter((p) => !options.skip(p))
      .map((p) => standInFor(p, (ip) => options.net.owns(ip)))
      .filter((p): p is StandInPod => p !== undefined)
      .sort((a, b) => a.ip.localeCompare(b.ip))
    const text = JSON.stringify(pods)
    if (text === last) {
      return
    }
    const wanted = new Set(pods.map((p) => p.ip))
    for (const ip of wanted) {
      if (!ips.has(ip)) {
        await options.net.addPodIp(ip)
        ips.add(ip)
      }
    }
    await putPods(options.controlSocket, pods)
    for (const ip of [...ips].filter((i) => !wanted.has(i))) {
      await options.net.removePodIp(ip)
      ips.delete(ip)
    }
    last = text
    options.log(`stand-ins: ${pods.map((p) => `${p.app}@${p.ip}`).join(', ') || 'none'}`)
  }
  let running: Promise<void> = Promise.resolve()
  const tick = (): Promise<void> => {
    running = running.then(once).then(
      () => {
        lastError = ''
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err)
        if (message !== lastError) {
          options.log(`stand-ins: sync failed (will retry): ${message}`)
          lastError = message
        }
      },
    )
    return running
  }
  const timer = setInterval(() => {
    if (!stopped) {
      void tick()
    }
  }, options.intervalMs ?? 500)
  timer.unref()
  return {
    stop: () => {
      stopped = true
      clearInterval(timer)
    },
    synced: tick,
  }
}
