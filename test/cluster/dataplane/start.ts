// A real Istio ingress data plane next to the simulated control plane: the lab environment's
// objects (the istio-ingressgateway Service and pod, and with a lab its shop and addons), the real
// pilot-agent + upstream Envoy as the gateway pod, and stand-in processes at every other pod's IP.
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import { resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import type { Log } from '../build.ts'
import type { ControlPlane } from '../controlplane.ts'
import type { IstiodOptions } from '../istiod.ts'
import { poll } from '../poll.ts'
import { nodeInNamespace, startGatewayProxy, type GatewayProxy } from './gateway.ts'
import type { PodNetwork } from './netns.ts'
import { syncStandIns } from './pods.ts'

export const gatewayNamespace = 'istio-system'
export const gatewaySelector = 'istio=ingressgateway'
/** Without --lab: the flagship lab's gateway manifest (the Service and pod as `kindlab up` makes them). */
const defaultGatewayManifest = 'labs/istio-ingress/manifests/istio-ingressgateway.yaml'
const fieldManager = 'kindlab-dataplane'

export interface Dataplane extends GatewayProxy {
  /** Envoy's access log, JSON lines. */
  accessLog: string
  /** Objects the harness applied (the lab environment plus stand-in pods). */
  applied: KubernetesObject[]
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

async function environmentObjects(labId: string | undefined): Promise<KubernetesObject[]> {
  const root = packageRoot()
  let texts: string[]
  let vars: Record<string, string> = {}
  if (labId === undefined) {
    texts = [await readFile(join(root, defaultGatewayManifest), 'utf8')]
  } else {
    const { labs } = await loadLabs(join(root, 'labs'))
    const lab = labs.find((l) => l.id === labId)
    if (!lab) {
      throw new Error(`--lab ${labId}: no such lab (known: ${labs.map((l) => l.id).join(', ')})`)
    }
    vars = resolveVariables(lab.variables, {})
    texts = await Promise.all(lab.environment.map((f) => readFile(join(lab.dir, f), 'utf8')))
  }
  const namespace = vars['LEARNER_NAMESPACE'] ?? 'default'
  return texts
    .flatMap((t) => parseAllDocuments(substituteVariables(t, vars)).map((d) => d.toJS() as KubernetesObject | null))
    .filter((o): o is KubernetesObject => o !== null && typeof o === 'object' && o.apiVersion !== 'kindlab.dev/v1')
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? namespace } }))
}

/** A Pod answering for each Service whose selector no environment Pod matches (the addons' Services). */
export function standInPods(objects: readonly KubernetesObject[]): V1Pod[] {
  const pods = objects.filter((o): o is V1Pod => o.kind === 'Pod')
  const services = objects.filter((o): o is V1Service => o.kind === 'Service')
  const out: V1Pod[] = []
  for (const svc of services) {
    const selector = svc.spec?.selector ?? {}
    const namespace = svc.metadata?.namespace ?? 'default'
    const matches = (labels: Record<string, string> = {}): boolean =>
      Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v)
    if (
      Object.keys(selector).length === 0 ||
      [...pods, ...out].some((p) => p.metadata?.namespace === namespace && matches(p.metadata?.labels))
    ) {
      continue
    }
    const ports = [
      ...new Set((svc.spec?.ports ?? []).map((p) => (typeof p.targetPort === 'number' ? p.targetPort : p.port))),
    ]
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${svc.metadata?.name ?? 'svc'}-stand-in`,
        namespace,
        labels: { ...selector, 'kindlab.dev/stand-in': 'true' },
      },
      spec: {
        containers: [
          { name: 'stand-in', image: 'registry.k8s.io/pause:3.10', ports: ports.map((p) => ({ containerPort: p })) },
        ],
      },
    })
  }
  return out
}

/**
 * What istioctl installs next to the gateway so istiod may hand it `credentialName` Secrets: a Role
 * reading Secrets in its namespace, bound to the gateway pods' ServiceAccount. Without it istiod
 * refuses ("is not authorized to read secrets") and Envoy opens no HTTPS listener.
 */
export function gatewaySdsRbac(objects: readonly KubernetesObject[]): KubernetesObject[] {
  const pod = objects.find(
    (o): o is V1Pod =>
      o.kind === 'Pod' &&
      o.metadata?.namespace === gatewayNamespace &&
      o.metadata.labels?.['istio'] === 'ingressgateway',
  )
  if (!pod) {
    return []
  }
  const name = 'istio-ingressgateway-sds'
  const namespace = gatewayNamespace
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
  }
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name: pod.spec?.serviceAccountName ?? 'default', namespace }],
  }
  return [role, binding]
}

async function apply(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  const core = kc.makeApiClient(CoreV1Api)
  for (const ns of new Set(objects.map((o) => o.metadata?.namespace ?? 'default'))) {
    await core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined)
    // The ServiceAccount admission plugin refuses pods until the namespace's `default` SA exists.
    await poll(() => core.readNamespacedServiceAccount({ name: 'default', namespace: ns }), {
      what: `ServiceAccount default in ${ns}`,
    })
  }
  for (const o of objects) {
    await api.patch(o, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply)
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
}): Promise<Dataplane> {
  const { plane, net, log } = options
  if (!plane.istiod) {
    throw new Error('the data plane needs istiod')
  }
  const kc = new KubeConfig()
  kc.loadFromFile(plane.kubeconfig)
  const env = await environmentObjects(options.lab)
  const applied = [...env, ...standInPods(env), ...gatewaySdsRbac(env)]
  await apply(kc, applied)
  log(`applied ${applied.length} environment objects${options.lab ? ` of lab ${options.lab}` : ''}`)

  mkdirSync(options.workDir, { recursive: true })
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
    return { ...proxy, accessLog: options.accessLog, applied, stop: sync.stop }
  } catch (err) {
    sync.stop()
    throw err
  }
}
