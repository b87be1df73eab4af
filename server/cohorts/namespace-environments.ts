// Namespace-mode environments in a real cluster: applies the planner's objects with server-side
// apply, waits for the workspace pod, and deletes by ownership label (teardown, reset, orphans).
// Each trainee's TCP port on the shared gateway Service is added and released under a field
// manager of its own (plan/gateway-port.ts). What trainees wrote in Istio's namespace themselves
// (their TLS Secret and shared Gateway, named after their namespace) goes with them. Where the
// cluster serves the Gateway API, each cohort's listener on the shared Gateway infra/public is
// applied and released under a field manager of its own too (plan/class-gateway.ts). The cluster is
// reached through the ClusterObjects port (KubeOps implements it, server/adapters/kube).
import { AppError } from '../errors.ts'
import { blueprintShopNamespace } from '../provision/blueprint.ts'
import type { EnvironmentBackend } from './environments.ts'
import {
  LABEL_COHORT,
  LABEL_MANAGED_BY,
  LABEL_OWNER,
  LABEL_TRAINEE,
  SHARED_GATEWAY_SUFFIX,
  TLS_SECRET_SUFFIX,
  type CohortNames,
} from './plan/names.ts'
import { createClassGatewayOps } from './class-gateway-ops.ts'
import { CLASS_GATEWAY } from './plan/class-gateway.ts'
import { gatewayPortManager, planGatewayPort, releaseGatewayPort } from './plan/gateway-port.ts'
import { cohortPrefix } from './plan/names.ts'
import { planCohortShared, planTrainee } from './plan/namespace-plan.ts'
import type { ApiServerEndpoints, KubeObject, NamespacePlanOptions } from './plan/types.ts'

/** Which object: what list returns and remove and read take. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

/** The class cluster's objects, one at a time (server/adapters/kube/kube-objects.ts). */
export interface ClusterObjects {
  /** Server-side apply as `manager` (default `kindlab`): a manager owns exactly what it last applied. */
  applyAs(object: KubeObject, manager?: string): Promise<void>
  /** Deletes; a missing object is not an error. */
  remove(ref: ObjectRef): Promise<void>
  list(apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string }): Promise<ObjectRef[]>
  /** The object, or undefined when it does not exist. */
  read(ref: ObjectRef): Promise<Record<string, unknown> | undefined>
}

export interface KubeEnvironmentOptions extends NamespacePlanOptions {
  /** How long to wait for a workspace pod to be ready. @default 90_000 */
  readyTimeoutMs?: number
  /** Skip waiting for the workspace pod (tests of RBAC only). @default true */
  waitForWorkspace?: boolean
  /** This installation's id: labelled on every object; only such objects count as its orphans. */
  owner?: string
  /** The ingress gateway Service (in `istioNamespace`) that gets each trainee's TCP port. @default 'istio-ingressgateway' */
  gatewayService?: string
}

const CLUSTER_SCOPED: Array<[string, string]> = [
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding'],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
]
const OUTSIDE_NAMESPACED: Array<[string, string]> = [
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  // The trainees' dashboards grants in Istio's namespace (none listed where the kind is not served).
  ['gateway.networking.k8s.io/v1', 'ReferenceGrant'],
]

/** What a trainee writes in Istio's namespace (rbac.ts platformRules), by name, not label. */
const PLATFORM_KINDS: Array<[string, string]> = [
  ['v1', 'Secret'],
  ['networking.istio.io/v1', 'Gateway'],
]

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const show = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`

export function createKubeEnvironments(kube: ClusterObjects, options: KubeEnvironmentOptions = {}): EnvironmentBackend {
  const istioNs = options.istioNamespace ?? 'istio-system'
  const shopNs = options.shopNamespace ?? blueprintShopNamespace()
  const selector = (cohort: CohortNames, trainee?: string) =>
    `${LABEL_MANAGED_BY}=kindlab,${LABEL_COHORT}=${cohort.name}${trainee ? `,${LABEL_TRAINEE}=${trainee}` : ''}`
  const owned = (cohort: CohortNames): CohortNames => (options.owner ? { ...cohort, owner: options.owner } : cohort)
  const anyCohort = `${LABEL_MANAGED_BY}=kindlab,${LABEL_COHORT}${options.owner ? `,${LABEL_OWNER}=${options.owner}` : ''}`
  const gateway = { namespace: istioNs, service: options.gatewayService ?? 'istio-ingressgateway' }
  const gatewayRef = { apiVersion: 'v1', kind: 'Service', name: gateway.service, namespace: gateway.namespace }
  /** Outside the trainee namespaces, where a cohort's namespaced objects live. */
  const outsideNamespaces = [istioNs, shopNs, CLASS_GATEWAY.namespace]

  const classGateway = createClassGatewayOps(kube, options.gatewayApi, istioNs)

  /** The port managers of `cohort` (or of one trainee) on the gateway Service, if it exists. */
  async function portManagers(cohort: CohortNames, trainee?: string): Promise<string[]> {
    const svc = (await kube.read(gatewayRef)) as
      { metadata?: { managedFields?: Array<{ manager?: string }> } } | undefined
    const mine = new RegExp(`^${cohortPrefix(cohort)}-port-trainee\\d{2,3}$`)
    const managers = (svc?.metadata?.managedFields ?? []).flatMap((f) => (f.manager ? [f.manager] : []))
    return [...new Set(managers)].filter((m) => (trainee ? m === gatewayPortManager(cohort, trainee) : mine.test(m)))
  }
  /** Takes the ports of `cohort` (or of one trainee) off the gateway Service again. */
  async function releasePorts(cohort: CohortNames, trainee?: string): Promise<void> {
    for (const manager of await portManagers(cohort, trainee)) {
      await kube.applyAs(releaseGatewayPort(gateway), manager)
    }
  }

  /** The trainees' own objects in Istio's namespace (all of the cohort's, or one trainee's). */
  async function platformObjects(cohort: CohortNames, trainee?: string): Promise<ObjectRef[]> {
    const mine = new RegExp(
      `^kl-${cohort.name}-${trainee ?? 'trainee\\d{2,3}'}(${TLS_SECRET_SUFFIX}|${SHARED_GATEWAY_SUFFIX})$`,
    )
    const found: ObjectRef[] = []
    for (const [apiVersion, kind] of PLATFORM_KINDS) {
      const refs = await kube.list(apiVersion, kind, { namespace: istioNs })
      found.push(...refs.filter((r) => mine.test(r.name)))
    }
    return found
  }

  /**
   * Where pods reach the API server, for the workspace pod's egress policy: the `kubernetes`
   * Service's EndpointSlice (what the policy sees once kube-proxy has translated the address) and
   * its cluster IP (for network plugins that match before). Looked up once.
   */
  let apiServer: Promise<ApiServerEndpoints | undefined> | undefined
  async function findApiServer(): Promise<ApiServerEndpoints | undefined> {
    const ref = { name: 'kubernetes', namespace: 'default' }
    // An identity that may not read them gets the documented fallback (any address, API ports only).
    const [slice, service] = await Promise.all([
      kube.read({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ...ref }).catch(() => undefined),
      kube.read({ apiVersion: 'v1', kind: 'Service', ...ref }).catch(() => undefined),
    ])
    const s = slice as { endpoints?: Array<{ addresses?: string[] }>; ports?: Array<{ port?: number }> } | undefined
    const svc = service as { spec?: { clusterIP?: string; ports?: Array<{ port?: number }> } } | undefined
    const addresses = [...(s?.endpoints ?? []).flatMap((e) => e.addresses ?? []), svc?.spec?.clusterIP ?? '']
    const ports = [...(s?.ports ?? []), ...(svc?.spec?.ports ?? [])].flatMap((p) => (p.port ? [p.port] : []))
    const found = { addresses: [...new Set(addresses.filter(Boolean))], ports: [...new Set(ports)] }
    return found.addresses.length > 0 && found.ports.length > 0 ? found : undefined
  }
  const planOptions = async (): Promise<NamespacePlanOptions> => {
    const gatewayApi = await classGateway.servesGatewayApi()
    if (options.apiServer) {
      return { ...options, gatewayApi }
    }
    apiServer ??= findApiServer()
    const found = await apiServer
    return found ? { ...options, apiServer: found, gatewayApi } : { ...options, gatewayApi }
  }

  async function waitForPod(namespace: string): Promise<void> {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000)
    while (Date.now() < deadline) {
      const pod = (await kube.read({ apiVersion: 'v1', kind: 'Pod', name: 'workspace', namespace })) as
        { status?: { conditions?: Array<{ type: string; status: string }> } } | undefined
      if (pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
        return
      }
      await sleep(150)
    }
    throw new AppError('LAB_ERR_KUBE_TIMEOUT', {
      message: `The workspace pod in ${namespace} did not become ready in time.`,
      hint: 'Check `kubectl -n ' + namespace + ' describe pod workspace` (image pull, quota).',
    })
  }

  /** A fresh ResourceQuota refuses pods until the quota controller has computed it: retry that. */
  async function applyPod(pod: KubeObject): Promise<void> {
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        await kube.applyAs(pod)
        return
      } catch (err) {
        const text = err instanceof Error ? err.message : ''
        if (!/status unknown for quota|serviceaccount .* not found/i.test(text) || Date.now() > deadline) {
          throw err
        }
        await sleep(200)
      }
    }
  }

  async function deleteOutside(cohort: CohortNames, trainee?: string): Promise<void> {
    const sel = selector(cohort, trainee)
    for (const [apiVersion, kind] of CLUSTER_SCOPED) {
      const refs = await kube.list(apiVersion, kind, { labelSelector: sel })
      await Promise.all(refs.map((r) => kube.remove(r)))
    }
    for (const ns of outsideNamespaces) {
      for (const [apiVersion, kind] of OUTSIDE_NAMESPACED) {
        const refs = await kube.list(apiVersion, kind, { namespace: ns, labelSelector: sel })
        await Promise.all(refs.map((r) => kube.remove(r)))
      }
    }
  }

  return {
    live: true,
    async prepareShared(cohort) {
      for (const ns of [istioNs, shopNs]) {
        if (!(await kube.read({ apiVersion: 'v1', kind: 'Namespace', name: ns }))) {
          throw new AppError('LAB_ERR_KUBE_API', {
            message: `The namespace ${ns} is missing, so trainees cannot be given access to it.`,
            hint: 'Provision the class cluster first (`kindlab up`), which installs Istio and the shop.',
          })
        }
      }
      const gatewayApi = await classGateway.servesGatewayApi()
      for (const object of planCohortShared(owned(cohort), { ...options, gatewayApi })) {
        await kube.applyAs(object)
      }
      if (gatewayApi) {
        await classGateway.apply(cohort)
      }
    },
    async provision(cohort, traineeId) {
      const plan = planTrainee(owned(cohort), traineeId, await planOptions())
      const [namespace, ...rest] = plan.objects
      if (namespace) {
        await kube.applyAs(namespace)
      }
      const pod = rest.filter((o) => o.kind === 'Pod')
      await Promise.all(rest.filter((o) => o.kind !== 'Pod').map((o) => kube.applyAs(o)))
      await Promise.all(pod.map((o) => applyPod(o)))
      // The lab's TCP step: the trainee's port on the gateway Service (a cluster without Istio has none).
      if (await kube.read(gatewayRef)) {
        await kube.applyAs(planGatewayPort(owned(cohort), traineeId, gateway), gatewayPortManager(cohort, traineeId))
      }
      if (options.waitForWorkspace ?? true) {
        await waitForPod(plan.namespace)
      }
    },
    async destroy(cohort, traineeId) {
      const plan = planTrainee(cohort, traineeId, options)
      const ref = { apiVersion: 'v1', kind: 'Namespace', name: plan.namespace }
      await kube.remove(ref)
      await deleteOutside(cohort, traineeId)
      await Promise.all((await platformObjects(cohort, traineeId)).map((r) => kube.remove(r)))
      await releasePorts(cohort, traineeId)
      // The same namespace is rebuilt next: wait until the old one is really gone.
      const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000)
      while ((await kube.read(ref)) && Date.now() < deadline) {
        await sleep(250)
      }
    },
    async teardown(cohort) {
      const namespaces = await kube.list('v1', 'Namespace', { labelSelector: selector(cohort) })
      await Promise.all(namespaces.map((r) => kube.remove(r)))
      await deleteOutside(cohort)
      await Promise.all((await platformObjects(cohort)).map((r) => kube.remove(r)))
      await releasePorts(cohort)
      await classGateway.release(cohort)
    },
    async leftovers(cohort) {
      const sel = selector(cohort)
      const found: ObjectRef[] = []
      found.push(...(await kube.list('v1', 'Namespace', { labelSelector: sel })))
      found.push(...(await kube.list('v1', 'Pod', { labelSelector: sel })))
      for (const [apiVersion, kind] of CLUSTER_SCOPED) {
        found.push(...(await kube.list(apiVersion, kind, { labelSelector: sel })))
      }
      for (const ns of outsideNamespaces) {
        for (const [apiVersion, kind] of OUTSIDE_NAMESPACED) {
          found.push(...(await kube.list(apiVersion, kind, { namespace: ns, labelSelector: sel })))
        }
      }
      found.push(...(await platformObjects(cohort)))
      const ports = (await portManagers(cohort)).map((m) => `gateway port of ${m} on ${show(gatewayRef)}`)
      return [...found.map(show), ...ports, ...(await classGateway.leftovers(cohort))]
    },
    async cohortsInCluster() {
      const namespaces = await kube.list('v1', 'Namespace', { labelSelector: anyCohort })
      const names = new Set<string>()
      for (const ns of namespaces) {
        const full = (await kube.read(ns)) as { metadata?: { labels?: Record<string, string> } } | undefined
        const name = full?.metadata?.labels?.[LABEL_COHORT]
        if (name) {
          names.add(name)
        }
      }
      for (const [apiVersion, kind] of CLUSTER_SCOPED) {
        for (const ref of await kube.list(apiVersion, kind, { labelSelector: anyCohort })) {
          const full = (await kube.read(ref)) as { metadata?: { labels?: Record<string, string> } } | undefined
          const name = full?.metadata?.labels?.[LABEL_COHORT]
          if (name) {
            names.add(name)
          }
        }
      }
      return [...names]
    },
  }
}
