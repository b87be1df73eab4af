// A real Istio ingress data plane next to the simulated control plane: Istio installed as `kindlab
// up` installs it (istioctl's manifests for the blueprint's overlay; with a lab also the shop and the
// addons, see istioctl-install.ts), the real pilot-agent + upstream Envoy as the gateway pod, and
// stand-in processes at every other pod's IP. istiod handles the Kubernetes Gateway API and deploys
// a proxy per Gateway, and each such pod gets its own real pilot-agent + Envoy (gateway-proxies.ts).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import { packageRoot } from '../../../server/paths.ts'
import type { Log } from '../build.ts'
import type { ControlPlane } from '../controlplane.ts'
import { emptyInjectionFiles, writeInjectionFiles, type IstiodOptions } from '../istiod.ts'
import { nodeInNamespace, startGatewayProxy, type GatewayProxy } from './gateway.ts'
import { isGatewayApiPod, runGatewayProxies, type GatewayProxies } from './gateway-proxies.ts'
import { upOnSim } from './istioctl-install.ts'
import type { PodNetwork } from './netns.ts'
import { syncStandIns } from './pods.ts'

export const gatewayNamespace = 'istio-system'
export const gatewaySelector = 'istio=ingressgateway'

export interface Dataplane extends GatewayProxy {
  /** Envoy's access log, JSON lines. */
  accessLog: string
  /** Objects `kindlab up`'s plan applied (Istio as istioctl generates it; with a lab the shop and addons). */
  applied: KubernetesObject[]
  /** With a lab: the learner's namespace as `kindlab up` serves the lab (LEARNER_NAMESPACE), the shop's. */
  learnerNamespace?: string
  /** The proxies of the Kubernetes Gateways istiod deployed. */
  gatewayProxies: GatewayProxies
  /** Stops syncing the stand-ins, and every Kubernetes Gateway's proxy with its namespace. */
  stop(): Promise<void>
}

/**
 * istiod for upstream Envoy: no Istio-only filters (metadata exchange, ALPN), the secure gRPC port
 * reachable from the gateway namespace, and a JSON access log. The Kubernetes Gateway API on, with
 * its deployment controller (as in a cluster): its templates are written once istioctl's
 * istio-sidecar-injector ConfigMap is rendered (istiod starts before it exists).
 */
export function dataplaneIstiodOptions(net: PodNetwork, accessLog: string): IstiodOptions {
  return {
    env: {
      PILOT_ENABLE_METADATA_EXCHANGE: 'false',
      PILOT_ENABLE_ALPN_FILTER: 'false',
      PILOT_ENABLE_GATEWAY_API: 'true',
      PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: 'true',
    },
    secureGrpcHost: net.hostIp,
    meshConfig: `accessLogFile: ${JSON.stringify(accessLog)}\naccessLogEncoding: JSON\n`,
    injectionFiles: emptyInjectionFiles,
  }
}

/** The injection templates of the istio-sidecar-injector ConfigMap istioctl rendered. */
function injectionFilesOf(applied: readonly KubernetesObject[]): { config: string; values: string } {
  const cm = applied.find<KubernetesObject & { data?: Record<string, string> }>(
    (o): o is KubernetesObject & { data?: Record<string, string> } =>
      o.kind === 'ConfigMap' && o.metadata?.name === 'istio-sidecar-injector',
  )
  const config = cm?.data?.['config']
  const values = cm?.data?.['values']
  if (config === undefined || values === undefined) {
    throw new Error('istioctl rendered no istio-sidecar-injector ConfigMap with config and values')
  }
  return { config, values }
}

/** Starts the data plane on a running control plane with istiod (started with dataplaneIstiodOptions). */
export async function startDataplane(options: {
  plane: ControlPlane
  net: PodNetwork
  envoy: string
  workDir: string
  accessLog: string
  lab?: string
  log: Log
  abort: () => void
  /** Stops the provisioning steps (Ctrl-C during start-up). */
  signal?: AbortSignal
}): Promise<Dataplane> {
  const { plane, net, log } = options
  if (!plane.istiod) {
    throw new Error('the data plane needs istiod')
  }
  const kc = new KubeConfig()
  kc.loadFromFile(plane.kubeconfig)
  if (options.lab !== undefined) {
    const { labs } = await loadLabs(join(packageRoot(), 'labs'))
    if (!labs.some((l) => l.id === options.lab)) {
      throw new Error(`--lab ${options.lab}: no such lab (known: ${labs.map((l) => l.id).join(', ')})`)
    }
  }
  mkdirSync(options.workDir, { recursive: true })
  // Istio (and with a lab the shop and the addons) exactly as `kindlab up` installs them on kind.
  const up = await upOnSim({
    kubeconfig: plane.kubeconfig,
    istioctl: plane.binaries.istioctl,
    workDir: join(options.workDir, 'up'),
    app: options.lab !== undefined,
    log,
    signal: options.signal ?? new AbortController().signal,
  })
  const applied = up.applied as KubernetesObject[]
  // istiod's deployment controller renders each Gateway's Deployment with these (kube-gateway).
  if (plane.istiod.injectionDir !== undefined) {
    writeInjectionFiles(plane.istiod.injectionDir, injectionFilesOf(applied))
    log('istiod: injection templates of istio-sidecar-injector written (kube-gateway, for Gateway API deployments)')
  }

  const controlSocket = join(options.workDir, 'stand-ins.sock')
  const [command, args] = nodeInNamespace(net.podsNs, join(packageRoot(), 'test/cluster/dataplane/stand-ins.ts'), [
    'pods',
    controlSocket,
  ])
  plane.supervisor.start('stand-ins', command, args, { cwd: packageRoot() })
  // Gateway pods get real proxies, never stand-ins.
  const isGateway = (pod: V1Pod): boolean =>
    (pod.metadata?.namespace === gatewayNamespace && pod.metadata.labels?.['istio'] === 'ingressgateway') ||
    isGatewayApiPod(pod)
  const sync = syncStandIns({ kc, net, controlSocket, skip: isGateway, log })
  const proxyOptions = {
    supervisor: plane.supervisor,
    kc,
    istiod: plane.istiod,
    pilotAgent: plane.binaries.pilotAgent,
    envoy: options.envoy,
    abort: options.abort,
  }
  let gatewayProxies: GatewayProxies | undefined
  try {
    const proxy = await startGatewayProxy({
      ...proxyOptions,
      net,
      workDir: options.workDir,
      namespace: gatewayNamespace,
      selector: gatewaySelector,
    })
    gatewayProxies = runGatewayProxies({ ...proxyOptions, net, workDir: options.workDir, log })
    await sync.synced()
    await gatewayProxies.synced()
    const proxies = gatewayProxies
    return {
      ...proxy,
      accessLog: options.accessLog,
      applied,
      ...(options.lab !== undefined ? { learnerNamespace: up.learnerNamespace } : {}),
      gatewayProxies: proxies,
      stop: async () => {
        sync.stop()
        await proxies.stop()
      },
    }
  } catch (err) {
    sync.stop()
    await gatewayProxies?.stop()
    throw err
  }
}
