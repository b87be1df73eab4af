// Pure: the cluster-mode plan, one kind cluster per trainee for small classes. Each trainee's
// cluster is planned by the same planner as `kindlab up` (server/provision/plan.ts), with its own
// name, kubeconfig and work folder under the data dir, its own block of host ports, and one more
// step that starts the trainee's workspace (the final wait includes it). The executors carry it
// out (cluster/kind-environments.ts).
import { join } from 'node:path'
import { blueprintShopNamespace, type Blueprint } from '../../provision/blueprint.ts'
import { gatewayPortRoutes, shiftHostPorts } from '../../provision/blueprint-facts.ts'
import { planUp, type Plan, type PlanStep } from '../../provision/plan.ts'
import { planClusterTraineeRbac, planGatewaySecretPolicy } from './cluster-rbac.ts'
import { planWorkspacePod, WORKSPACE_APP_LABEL } from './fences.ts'
import { LABEL_ROLE, slotOfTrainee, traineeDomain, traineeLabels, type CohortNames } from './names.ts'
import { POD_SECURITY_LABELS } from './pod-security.ts'
import { DEFAULT_WORKSPACE_IMAGE, type KubeObject } from './types.ts'

/** Beyond this many trainees one laptop cannot hold a kind cluster each. */
export const CLUSTER_MODE_MAX_TRAINEES = 8

/** kind refuses longer cluster names (its node container is `<name>-control-plane`, a host name). */
export const KIND_CLUSTER_NAME_MAX = 50

/** The first host port offset; far above `kindlab up`'s own 80/443/3306. */
export const CLUSTER_PORT_BASE = 10_000
/**
 * Offsets are BASE + k × STRIDE. The blueprint's host ports (80, 443, 3306) differ by 363, 2863
 * and 3226, none a multiple of 10, so no two offsets ever map two ports onto one host port.
 */
export const CLUSTER_PORT_STRIDE = 10
/** Port blocks per cohort: slots 1…8 of a block are k = block × 10 + slot. */
const SLOTS_PER_BLOCK = 10

/** The namespace of the workspace pod inside a trainee's own cluster. */
export const CLUSTER_WORKSPACE_NAMESPACE = 'kindlab-workspace'
/** The trainee's ServiceAccount there: the namespace-mode Role in the shop's namespace (cluster-rbac.ts). */
export const CLUSTER_WORKSPACE_ACCOUNT = 'trainee'
/** The gateway Service's TCP port of the lab's TCP step (clusters/istio/overlay.yaml `tcp-redis`). */
export const BLUEPRINT_TCP_PORT = 6379

/** `kl-<cohort>-<trainee>`: at most 43 characters for valid cohort names, within kind's 50. */
export function traineeClusterName(cohort: CohortNames, traineeId: string): string {
  const name = `kl-${cohort.name}-${traineeId}`
  if (name.length > KIND_CLUSTER_NAME_MAX) {
    throw new Error(`the kind cluster name ${name} is longer than ${KIND_CLUSTER_NAME_MAX} characters`)
  }
  return name
}

/** The cohort and trainee a kind cluster name belongs to, if it is a trainee cluster's name. */
export function parseTraineeClusterName(name: string): { cohort: string; traineeId: string } | undefined {
  const match = /^kl-([a-z][a-z0-9-]*)-(trainee\d{2,3})$/.exec(name)
  return match?.[1] && match[2] ? { cohort: match[1], traineeId: match[2] } : undefined
}

/** True when the kind cluster `name` is one of `cohort`'s trainee clusters. */
export function isClusterOf(cohort: CohortNames, name: string): boolean {
  return parseTraineeClusterName(name)?.cohort === cohort.name
}

/** The host port offset of a trainee: cohort `block` (from the allocator), trainee `slot`. */
export function clusterPortOffset(block: number, slot: number): number {
  if (!Number.isInteger(block) || block < 0 || !Number.isInteger(slot) || slot < 1 || slot >= SLOTS_PER_BLOCK) {
    throw new Error(`no port offset for block ${block}, slot ${slot}`)
  }
  return CLUSTER_PORT_BASE + (block * SLOTS_PER_BLOCK + slot) * CLUSTER_PORT_STRIDE
}

/** The lowest port block not in `taken` (blocks of cohorts whose clusters may still run). */
export function freePortBlock(taken: Iterable<number>): number {
  const used = new Set(taken)
  let block = 0
  while (used.has(block)) {
    block++
  }
  return block
}

/** Cluster mode's folder in the data dir: it exists while any cohort has trainee clusters. */
export function clusterModeDir(dataDir: string): string {
  return join(dataDir, 'cohort-clusters')
}

/** Where a cohort's trainee clusters keep their files, under the data dir. */
export function cohortClustersDir(dataDir: string, cohort: CohortNames): string {
  return join(clusterModeDir(dataDir), cohort.name)
}

/** Where the kind cluster `clusterName`'s kubeconfig is (undefined for a name that is no trainee cluster's). */
export function traineeClusterKubeconfig(dataDir: string, clusterName: string): string | undefined {
  const parsed = parseTraineeClusterName(clusterName)
  return parsed
    ? traineeClusterFiles(dataDir, { name: parsed.cohort, domain: '' }, parsed.traineeId).kubeconfigPath
    : undefined
}

/** A trainee cluster's folder: its kubeconfig (0600), the rendered kind config and Istio overlay. */
export function traineeClusterFiles(
  dataDir: string,
  cohort: CohortNames,
  traineeId: string,
): { dir: string; kubeconfigPath: string } {
  const dir = join(cohortClustersDir(dataDir, cohort), traineeId)
  return { dir, kubeconfigPath: join(dir, 'kubeconfig') }
}

/** The session variables of a cluster-mode trainee (their shell and the lab's `${VARS}`). */
export function clusterTraineeVars(
  cohort: CohortNames,
  traineeId: string,
  shopNamespace = blueprintShopNamespace(),
): Record<string, string> {
  return {
    TRAINEE_DOMAIN: traineeDomain(cohort, traineeId),
    TRAINEE_ID: traineeId,
    TRAINEE_CLUSTER: traineeClusterName(cohort, traineeId),
    // The workspace pod's namespace in the trainee's own cluster (the terminal opens it).
    TRAINEE_NAMESPACE: CLUSTER_WORKSPACE_NAMESPACE,
    // Their own gateway: the TCP step uses the port the blueprint's gateway Service forwards.
    TRAINEE_TCP_PORT: String(BLUEPRINT_TCP_PORT),
    // The whole shop runs in their cluster, where `kindlab up` puts it.
    LEARNER_NAMESPACE: shopNamespace,
  }
}

/** The workspace Deployment's pods carry this label; the terminal finds the pod by it. */
export const CLUSTER_WORKSPACE_SELECTOR = { app: WORKSPACE_APP_LABEL }

/**
 * The trainee's workspace in their own cluster: a namespace, an identity limited to the shop's
 * namespace (not cluster-admin: cluster-rbac.ts says why), Pod Security `baseline` where the
 * trainee can make pods, and the workspace as a one-replica Deployment (the plan's `ready` step
 * waits for it like for the shop, and a deleted pod comes back).
 */
export function planClusterWorkspace(
  cohort: CohortNames,
  traineeId: string,
  image: string,
  vars: Record<string, string>,
  cluster: { shopNamespace: KubeObject; istioNamespace: string },
): KubeObject[] {
  const labels = traineeLabels(cohort, traineeId)
  const ns = CLUSTER_WORKSPACE_NAMESPACE
  const pod = planWorkspacePod(ns, labels, image, CLUSTER_WORKSPACE_ACCOUNT, vars)
  const shop = cluster.shopNamespace
  const names = { workspaceNamespace: ns, shopNamespace: shop.metadata.name, istioNamespace: cluster.istioNamespace }
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { ...labels, ...POD_SECURITY_LABELS, [LABEL_ROLE]: 'workspace' } },
    },
    // The shop's namespace as the blueprint applies it (same field manager, so no label is lost) plus the level.
    { ...shop, metadata: { ...shop.metadata, labels: { ...shop.metadata.labels, ...labels, ...POD_SECURITY_LABELS } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: CLUSTER_WORKSPACE_ACCOUNT, namespace: ns, labels } },
    ...planClusterTraineeRbac(names, labels),
    ...planGatewaySecretPolicy(names, labels),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'workspace', namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: CLUSTER_WORKSPACE_SELECTOR },
        template: { metadata: pod.metadata, spec: pod['spec'] },
      },
    },
  ]
}

/** The blueprint's Namespace object of the shop (`kindlab up` applies it in the app step). */
function shopNamespaceOf(bp: Blueprint): KubeObject {
  const found = bp.app.manifests
    .flatMap((f) => f.objects)
    .find((o) => o.kind === 'Namespace' && o.metadata.name === bp.app.namespace)
  return found ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: bp.app.namespace } }
}

export interface TraineeClusterOptions {
  dataDir: string
  /** The cohort's port block (see freePortBlock). */
  block: number
  /** Host address kind binds the ports to. @default the blueprint's (127.0.0.1) */
  listenAddress?: string
  workspaceImage?: string
  /** How long the `ready` step waits for the Deployments. @default planUp's */
  readyTimeoutMs?: number
}

export interface TraineeClusterPlan {
  traineeId: string
  clusterName: string
  /** kubeconfig context: `kind-<clusterName>`. */
  context: string
  kubeconfigPath: string
  dir: string
  domain: string
  hostPortOffset: number
  /** The gateway's ports and the host ports that reach them on this trainee's cluster. */
  hostPorts: Array<{ servicePort: number; hostPort: number }>
  /** `kindlab up`'s plan for this cluster, plus the workspace step; the final wait includes it. */
  plan: Plan
}

/** One trainee's cluster: `planUp` for kind with the trainee's name, files and ports. */
export function planTraineeCluster(
  bp: Blueprint,
  cohort: CohortNames,
  traineeId: string,
  options: TraineeClusterOptions,
): TraineeClusterPlan {
  const clusterName = traineeClusterName(cohort, traineeId)
  const { dir, kubeconfigPath } = traineeClusterFiles(options.dataDir, cohort, traineeId)
  const hostPortOffset = clusterPortOffset(options.block, slotOfTrainee(traineeId))
  const plan = planUp(bp, {
    target: {
      type: 'kind',
      clusterName,
      hostPortOffset,
      ...(options.listenAddress ? { listenAddress: options.listenAddress } : {}),
    },
    kubeconfigPath,
    workDir: dir,
    ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
  })
  const vars = clusterTraineeVars(cohort, traineeId, bp.app.namespace)
  const workspace: PlanStep = {
    id: 'workspace',
    action: 'apply',
    title: 'Start the trainee workspace pod (kubectl, istioctl, curl)',
    objects: planClusterWorkspace(cohort, traineeId, options.workspaceImage ?? DEFAULT_WORKSPACE_IMAGE, vars, {
      shopNamespace: shopNamespaceOf(bp),
      istioNamespace: bp.istio.namespace,
    }),
  }
  // The workspace goes in before the final wait, which then waits for it too.
  const steps = plan.steps.flatMap((step): PlanStep[] => {
    if (step.action !== 'wait') {
      return [step]
    }
    const deployments = [...step.deployments, { namespace: CLUSTER_WORKSPACE_NAMESPACE, name: 'workspace' }]
    return [workspace, { ...step, title: `Wait until ${deployments.length} deployments are ready`, deployments }]
  })
  const shifted = { ...bp, kind: { ...bp.kind, config: shiftHostPorts(bp.kind.config, hostPortOffset) } }
  return {
    traineeId,
    clusterName,
    context: plan.context,
    kubeconfigPath,
    dir,
    domain: traineeDomain(cohort, traineeId),
    hostPortOffset,
    hostPorts: gatewayPortRoutes(shifted).flatMap((r) =>
      r.hostPort === undefined ? [] : [{ servicePort: r.servicePort, hostPort: r.hostPort }],
    ),
    plan: { ...plan, steps },
  }
}

export interface ClusterModePlan {
  mode: 'cluster'
  clusters: TraineeClusterPlan[]
}

/** Every trainee's cluster of a cohort (the instructor's dry-run view). */
export function planClusterCohort(
  bp: Blueprint,
  cohort: CohortNames,
  trainees: readonly string[],
  options: TraineeClusterOptions,
): ClusterModePlan {
  return { mode: 'cluster', clusters: trainees.map((t) => planTraineeCluster(bp, cohort, t, options)) }
}
