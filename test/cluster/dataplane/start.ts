// A real Istio ingress data plane next to the simulated control plane: Istio installed as `kindlab
// up` installs it (istioctl's manifests for the blueprint's overlay; with a lab also the shop and the
// addons, see istioctl-install.ts), the real pilot-agent + upstream Envoy as the gateway pod, and
// stand-in processes at every other pod's IP.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import { packageRoot } from '../../../server/paths.ts'
import type { Log } from '../build.ts'
import type { ControlPlane } from '../controlplane.ts'
import type { IstiodOptions } from '../istiod.ts'
import { nodeInNamespace, startGatewayProxy, type GatewayProxy } from './gateway.ts'
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
  stop(): void
}

/**
 * istiod for upstream Envoy: no Istio-only filters (metadata exchange, ALPN), the secure gRPC port
 * reachable from the gateway namespace, and a JSON access log.
 */
export function dataplaneIstiodOptions(net: PodNetwork, accessLog: string): IstiodOptions {
  return {
    env: { PILOT_ENABLE_METADATA_EXCHANGE: 'false', PILOT_ENABLE_ALPN_FILTER: 'false' },
    secureGrpcHost: net.hostIp,
    meshConfig: `accessLogFile: ${JSON.stringify(accessLog)}\naccessLogEncoding: JSON\n`,
  }
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

  const controlSocket = join(options.workDir, 'stand-ins.sock')
  const [command, args] = nodeInNamespace(net.podsNs, join(packageRoot(), 'test/cluster/dataplane/stand-ins.ts'), [
    'pods',
    controlSocket,
  ])
  plane.supervisor.start('stand-ins', command, args, { cwd: packageRoot() })
  const isGateway = (pod: V1Pod): boolean =>
    pod.metadata?.namespace === gatewayNamespace && pod.metadata.labels?.['istio'] === 'ingressgateway'
  const sync = syncStandIns({ kc, net, controlSocket, skip: isGateway, log })
  try {
    const proxy = await startGatewayProxy({
      supervisor: plane.supervisor,
      kc,
      net,
      istiod: plane.istiod,
      pilotAgent: plane.binaries.pilotAgent,
      envoy: options.envoy,
      workDir: options.workDir,
      namespace: gatewayNamespace,
      selector: gatewaySelector,
      abort: options.abort,
    })
    await sync.synced()
    return {
      ...proxy,
      accessLog: options.accessLog,
      applied,
      ...(options.lab !== undefined ? { learnerNamespace: up.learnerNamespace } : {}),
      stop: sync.stop,
    }
  } catch (err) {
    sync.stop()
    throw err
  }
}
