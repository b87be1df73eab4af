// The provisioning planner: blueprint + target in, an ordered list of steps (data) out. Pure.
// The dry run prints the plan; `kindlab up` hands the same plan to the executors (run-plan.ts).
import type { Blueprint, GatewayApiPin, KindConfig, KubeObject } from './blueprint.ts'
import { installUrl } from './gateway-api-crds.ts'
import { blueprintImages, blueprintPorts, shiftHostPorts, type ImageRef, type PortFact } from './blueprint-facts.ts'

/** Where the lab goes: a kind cluster kindlab owns, or an existing cluster's kubeconfig context. */
export type PlanTarget =
  | {
      type: 'kind'
      clusterName: string
      /** Host address kind binds the lab's ports to. @default the blueprint's (127.0.0.1) */
      listenAddress?: string
      /** kindlab runs in a container on the kind network: use `kind get kubeconfig --internal`. */
      internalKubeconfig?: boolean
      /** Added to every host port of the blueprint (one kind cluster per cohort trainee). @default 0 */
      hostPortOffset?: number
    }
  | { type: 'context'; context: string }

export interface PlanOptions {
  target: PlanTarget
  /** The kubeconfig kindlab writes (kind); for a context, undefined means the user's default (KUBECONFIG, ~/.kube/config). */
  kubeconfigPath: string | undefined
  /** Where rendered files go (the kind config, the Istio overlay). */
  workDir: string
  /** Optional app parts to add, e.g. ["loadgenerator"]. */
  optional?: readonly string[]
  /** How long to wait for every Deployment to become available. @default 1_200_000 */
  readyTimeoutMs?: number
}

/** A Deployment to wait for. */
export interface DeploymentRef {
  namespace: string
  name: string
}

export type PlanStep =
  | {
      id: 'cluster'
      action: 'kind-cluster'
      title: string
      clusterName: string
      config: KindConfig
      configPath: string
      kubeconfigPath: string
      internalKubeconfig: boolean
    }
  | { id: 'context'; action: 'check-context'; title: string; context: string; kubeconfigPath: string | undefined }
  | {
      id: 'istio'
      action: 'istio'
      title: string
      version: string
      overlay: KubeObject
      overlayPath: string
      namespace: string
      ingressService: string
      /** Fixed node ports the ingress Service must have (kind only). */
      nodePorts: number[]
      /** An existing Istio of another version is kept (context) or replaced (kind). */
      keepExisting: boolean
    }
  | {
      /** `workspace`: a cohort trainee's workspace pod, added by the cohort planner (server/cohorts). */
      id: 'app' | 'addons' | 'workspace'
      action: 'apply'
      title: string
      objects: KubeObject[]
      marker?: { namespace: string; key: string; value: string }
    }
  | { id: 'ready'; action: 'wait'; title: string; deployments: DeploymentRef[]; timeoutMs: number }
  | {
      /** The pinned Kubernetes Gateway API CRDs, each file checked against its SHA-256 (kind only). */
      id: 'gateway-api'
      action: 'gateway-api-crds'
      title: string
      url: string
      pin: GatewayApiPin
    }

export interface Plan {
  target: PlanTarget
  /** kubeconfig context the lab uses (kind-<name> for kind). */
  context: string
  kubeconfigPath: string | undefined
  steps: PlanStep[]
  images: ImageRef[]
  ports: PortFact[]
}

/** The annotation marking the app as applied; re-runs skip the app so a learner's edits survive. */
export const appMarkerKey = 'kindlab.dev/app-applied'

function kindConfigFor(
  bp: Blueprint,
  target: { clusterName: string; listenAddress?: string; hostPortOffset?: number },
): KindConfig {
  const config = shiftHostPorts(bp.kind.config, target.hostPortOffset ?? 0)
  return {
    ...config,
    name: target.clusterName,
    nodes: config.nodes.map((node) => ({
      ...node,
      ...(node.extraPortMappings
        ? {
            extraPortMappings: node.extraPortMappings.map((m) => ({
              ...m,
              ...(target.listenAddress ? { listenAddress: target.listenAddress } : {}),
            })),
          }
        : {}),
    })),
  }
}

/** The overlay for an existing cluster: the ingress Service keeps its default type and free node ports. */
function overlayForContext(overlay: KubeObject, gateway: string): KubeObject {
  const copy = structuredClone(overlay)
  const components = (copy['spec'] as Record<string, unknown> | undefined)?.['components'] as
    Record<string, unknown> | undefined
  const gateways = (components?.['ingressGateways'] ?? []) as Array<Record<string, unknown>>
  for (const gw of gateways.filter((g) => g['name'] === gateway)) {
    const service = (gw['k8s'] as Record<string, unknown> | undefined)?.['service'] as
      Record<string, unknown> | undefined
    if (service) {
      delete service['type']
      service['ports'] = ((service['ports'] ?? []) as Array<Record<string, unknown>>).map(
        ({ nodePort: _drop, ...rest }) => rest,
      )
    }
  }
  return copy
}

function deploymentsOf(objects: readonly KubeObject[]): DeploymentRef[] {
  return objects
    .filter((o) => o.kind === 'Deployment')
    .map((o) => ({ namespace: o.metadata.namespace ?? 'default', name: o.metadata.name }))
}

function nodePortsOf(overlay: KubeObject, gateway: string): number[] {
  const spec = overlay['spec'] as {
    components?: {
      ingressGateways?: Array<{ name?: string; k8s?: { service?: { ports?: Array<{ nodePort?: number }> } } }>
    }
  }
  const gw = spec.components?.ingressGateways?.find((g) => g.name === gateway)
  return (gw?.k8s?.service?.ports ?? []).flatMap((p) => (typeof p.nodePort === 'number' ? [p.nodePort] : []))
}

function clusterStep(bp: Blueprint, options: PlanOptions): PlanStep {
  const t = options.target
  if (t.type === 'context') {
    return {
      id: 'context',
      action: 'check-context',
      title: `Use the existing cluster (context ${t.context})`,
      context: t.context,
      kubeconfigPath: options.kubeconfigPath,
    }
  }
  if (!options.kubeconfigPath) {
    throw new Error('planUp: a kind target needs the kubeconfig path kindlab writes')
  }
  const config = kindConfigFor(bp, t)
  const image = config.nodes[0]?.image ?? 'kind default image'
  return {
    id: 'cluster',
    action: 'kind-cluster',
    title: `Create the kind cluster "${t.clusterName}" (${image.split('@')[0] ?? image})`,
    clusterName: t.clusterName,
    config,
    configPath: `${options.workDir}/kind-cluster.yaml`,
    kubeconfigPath: options.kubeconfigPath,
    internalKubeconfig: t.internalKubeconfig ?? false,
  }
}

function istioStep(bp: Blueprint, options: PlanOptions): PlanStep {
  const isKind = options.target.type === 'kind'
  const overlay = isKind ? bp.istio.overlay : overlayForContext(bp.istio.overlay, bp.istio.ingress.service)
  const tag = (bp.istio.overlay['spec'] as Record<string, unknown> | undefined)?.['tag']
  const version = typeof tag === 'string' || typeof tag === 'number' ? String(tag) : 'unknown'
  return {
    id: 'istio',
    action: 'istio',
    title: `Install Istio ${version} (demo profile${isKind ? ', ingress on node ports' : ''})`,
    version,
    overlay,
    overlayPath: `${options.workDir}/istio-overlay.yaml`,
    namespace: bp.istio.namespace,
    ingressService: bp.istio.ingress.service,
    nodePorts: isKind ? nodePortsOf(bp.istio.overlay, bp.istio.ingress.service) : [],
    keepExisting: !isKind,
  }
}

/**
 * Plans `kindlab up`: cluster, the Gateway API CRDs (kind), Istio, the app, the addons, then wait
 * until everything is ready.
 */
export function planUp(bp: Blueprint, options: PlanOptions): Plan {
  const optional = (options.optional ?? []).flatMap((name) => (bp.app.optional[name] ? [bp.app.optional[name]] : []))
  const appObjects = [...bp.app.manifests, ...optional].flatMap((f) => f.objects)
  const addonObjects = bp.addons.manifests.flatMap((f) => f.objects)
  const waitFor = [
    ...bp.istio.deployments.map((name) => ({ namespace: bp.istio.namespace, name })),
    ...deploymentsOf(appObjects),
    ...deploymentsOf(addonObjects),
  ]
  const istio = istioStep(bp, options)
  // An existing cluster keeps the Gateway API CRDs its owner installed (or not): kindlab does not upgrade them.
  const pin = options.target.type === 'kind' ? bp.gatewayApi : undefined
  const steps: PlanStep[] = [
    clusterStep(bp, options),
    ...(pin === undefined
      ? []
      : [
          {
            id: 'gateway-api' as const,
            action: 'gateway-api-crds' as const,
            title: `Install the Kubernetes Gateway API ${pin.version} CRDs (standard channel)`,
            url: installUrl(pin),
            pin,
          },
        ]),
    istio,
    {
      id: 'app',
      action: 'apply',
      title: `Deploy ${bp.app.name} into namespace ${bp.app.namespace}`,
      objects: appObjects,
      marker: { namespace: bp.app.namespace, key: appMarkerKey, value: bp.app.name },
    },
    {
      id: 'addons',
      action: 'apply',
      title: 'Deploy the dashboards (Kiali, Prometheus, Jaeger)',
      objects: addonObjects,
    },
    {
      id: 'ready',
      action: 'wait',
      title: `Wait until ${waitFor.length} deployments are ready`,
      deployments: waitFor,
      timeoutMs: options.readyTimeoutMs ?? 1_200_000,
    },
  ]
  const t = options.target
  return {
    target: t,
    context: t.type === 'kind' ? `kind-${t.clusterName}` : t.context,
    kubeconfigPath: options.kubeconfigPath,
    steps,
    images: blueprintImages(bp, { optional: options.optional ?? [] }).filter(
      (r) => t.type === 'kind' || !r.usedBy.startsWith('kind node'),
    ),
    ports: blueprintPorts({
      ...bp,
      ...(t.type === 'kind' && t.hostPortOffset
        ? { kind: { ...bp.kind, config: shiftHostPorts(bp.kind.config, t.hostPortOffset) } }
        : {}),
      ...(istio.action === 'istio' ? { istio: { ...bp.istio, overlay: istio.overlay } } : {}),
    }).filter((p) => t.type === 'kind' || p.scope !== 'host'),
  }
}
