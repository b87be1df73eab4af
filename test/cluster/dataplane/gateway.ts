// A gateway pod's proxy: the real pilot-agent (SDS for the workload secrets, xDS proxy) running
// upstream Envoy, in a network namespace holding the pod's IP, as that pod: the ingress gateway's
// (startGatewayProxy) or a Kubernetes Gateway's deployment (startPodProxy, gateway-proxies.ts). The agent reaches istiod as
// istiod.istio-system.svc (the name on istiod's certificate) through a private hosts file bound over
// /etc/hosts in its own mount namespace; the machine's /etc/hosts is never touched.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { packageRoot } from '../../../server/paths.ts'
import { istioModule, moduleFile } from '../gomod.ts'
import type { IstiodEndpoints } from '../istiod.ts'
import { poll } from '../poll.ts'
import type { Supervisor } from '../procs.ts'
import type { PodNetwork } from './netns.ts'

/** Envoy's admin port (127.0.0.1 only, as in istio-proxy) and the agent's status port (Envoy serves 15021). */
export const adminPort = 15000
export const statusPort = 15020

export interface GatewayProxy {
  /** The gateway pod's IP: Envoy's listeners (8080, 8443, 6379, ...) answer here. */
  address: string
  /** Envoy's admin API, relayed from the namespace's loopback to the pod IP. */
  admin: string
  pod: { namespace: string; name: string }
}

/** A running proxy that can be stopped on its own (its pod went away). */
export interface PodProxy extends GatewayProxy {
  /** Stops pilot-agent (and so Envoy) and the admin relay; the namespace is the caller's. */
  stop(): Promise<void>
}

export interface ProxyOptions {
  supervisor: Supervisor
  kc: KubeConfig
  istiod: IstiodEndpoints
  pilotAgent: string
  envoy: string
  abort: () => void
}

/** Where a process started inside a namespace runs `node` with tsx (for stand-ins.ts). */
export function nodeInNamespace(ns: string, script: string, args: string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', script, ...args]]
}

/** The newest Running gateway pod (selector labels) with an IP from the data plane's range. */
async function gatewayPod(core: CoreV1Api, net: PodNetwork, namespace: string, selector: string): Promise<V1Pod> {
  return poll(
    async () => {
      const pods = (await core.listNamespacedPod({ namespace, labelSelector: selector })).items
      return pods.find((p) => p.status?.phase === 'Running' && net.owns(p.status.podIP ?? ''))
    },
    { what: `a Running gateway pod (${selector}) in ${namespace} with a pod IP`, timeoutMs: 60_000 },
  )
}

export async function startGatewayProxy(
  options: ProxyOptions & { net: PodNetwork; workDir: string; namespace: string; selector: string },
): Promise<GatewayProxy> {
  const core = options.kc.makeApiClient(CoreV1Api)
  const pod = await gatewayPod(core, options.net, options.namespace, options.selector)
  await options.net.addGatewayIp(pod.status?.podIP ?? '')
  const { address, admin } = await startPodProxy({
    ...options,
    pod,
    netns: options.net.gatewayNs,
    cwd: join(options.workDir, 'gateway'),
    name: 'gateway',
  })
  return { address, admin, pod: { namespace: options.namespace, name: pod.metadata?.name ?? '' } }
}

/**
 * Runs pilot-agent + Envoy as `pod` (its ServiceAccount, labels and IP) in network namespace
 * `netns`, where the pod's IP is already local; working folder `cwd`, process names `<name>-proxy`
 * and `<name>-admin-relay`. Resolves once Envoy is ready (certificates from SDS, config from istiod).
 */
export async function startPodProxy(
  options: ProxyOptions & { pod: V1Pod; netns: string; cwd: string; name: string },
): Promise<PodProxy> {
  const { kc, pod, cwd } = options
  const core = kc.makeApiClient(CoreV1Api)
  const namespace = pod.metadata?.namespace ?? 'default'
  const name = pod.metadata?.name ?? ''
  const address = pod.status?.podIP ?? ''
  const serviceAccount = pod.spec?.serviceAccountName ?? 'default'
  for (const dir of ['var/run/secrets/tokens', 'var/run/secrets/istio', 'etc/istio/proxy']) {
    mkdirSync(join(cwd, dir), { recursive: true })
  }
  // istiod publishes its root certificate in every namespace (istio-ca-root-cert).
  const root = await poll(
    async () => (await core.readNamespacedConfigMap({ name: 'istio-ca-root-cert', namespace })).data?.['root-cert.pem'],
    { what: `ConfigMap ${namespace}/istio-ca-root-cert from istiod`, timeoutMs: 60_000, abort: options.abort },
  )
  writeFileSync(join(cwd, 'var/run/secrets/istio/root-cert.pem'), root)
  const token = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: {
      spec: {
        audiences: ['istio-ca'],
        expirationSeconds: 24 * 3600,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name, uid: pod.metadata?.uid ?? '' },
      },
    },
  })
  writeFileSync(join(cwd, 'var/run/secrets/tokens/istio-token'), token.status?.token ?? '', { mode: 0o600 })

  const [istiodHost = '', istiodPort = ''] = options.istiod.secureGrpc.split(':')
  const hostsFile = join(cwd, 'hosts')
  writeFileSync(
    hostsFile,
    `127.0.0.1 localhost\n${istiodHost} istiod.istio-system.svc istiod.istio-system.svc.cluster.local\n`,
  )
  const discovery = `istiod.istio-system.svc:${istiodPort}`
  const proxyConfig = {
    binaryPath: options.envoy,
    configPath: './etc/istio/proxy',
    discoveryAddress: discovery,
    proxyAdminPort: adminPort,
    statusPort,
    concurrency: 2,
    drainDuration: '1s',
    terminationDrainDuration: '1s',
  }
  const template = await moduleFile(istioModule, 'tools/packaging/common/envoy_bootstrap.json')
  const agent = options.supervisor.start(
    `${options.name}-proxy`,
    'ip',
    [
      'netns',
      'exec',
      options.netns,
      'unshare',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount --bind "$0" /etc/hosts && exec "$@"',
      hostsFile,
      options.pilotAgent,
      'proxy',
      'router',
      '--domain',
      `${namespace}.svc.cluster.local`,
      '--templateFile',
      template,
      '--proxyLogLevel',
      'warning',
    ],
    {
      cwd,
      env: {
        ...process.env,
        PROXY_CONFIG: JSON.stringify(proxyConfig),
        CA_ADDR: discovery,
        POD_NAME: name,
        POD_NAMESPACE: namespace,
        INSTANCE_IP: address,
        SERVICE_ACCOUNT: serviceAccount,
        JWT_POLICY: 'third-party-jwt',
        ISTIO_META_CLUSTER_ID: 'Kubernetes',
        ISTIO_METAJSON_LABELS: JSON.stringify(pod.metadata?.labels ?? {}),
        ISTIO_META_WORKLOAD_NAME: name,
      },
    },
  )
  const [command, args] = nodeInNamespace(options.netns, join(packageRoot(), 'test/cluster/dataplane/stand-ins.ts'), [
    'relay',
    address,
    String(adminPort),
    '127.0.0.1',
    String(adminPort),
  ])
  const relay = options.supervisor.start(`${options.name}-admin-relay`, command, args, { cwd: packageRoot() })
  const stop = async (): Promise<void> => {
    await options.supervisor.stopOne(relay, 5_000)
    await options.supervisor.stopOne(agent, 10_000)
  }
  const admin = `http://${address}:${adminPort}`
  try {
    await poll(async () => ((await fetch(`${admin}/ready`)).status === 200 ? true : undefined), {
      what: `Envoy ${admin}/ready (pilot-agent: SDS certificates, xDS from istiod)`,
      timeoutMs: 90_000,
      abort: options.abort,
    })
  } catch (err) {
    await stop()
    throw err
  }
  return { address, admin, pod: { namespace, name }, stop }
}
