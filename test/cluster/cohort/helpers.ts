// Helpers for the cohort cluster tests: the namespaces a class cluster already has (Istio's and
// the shop's), a ServiceAccount token as a KubeConfig, a unique cohort, and a dry-run create that
// reports whether admission let an object in. Test code only.
import { randomBytes } from 'node:crypto'
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { createKubeEnvironments } from '../../../server/cohorts/namespace-environments.ts'
import type { EnvironmentBackend } from '../../../server/cohorts/environments.ts'
import { eventually } from '../cluster-client.ts'

/** Creates istio-system and hipster when missing (a class cluster has them; the sim does not). */
export async function ensureClassNamespaces(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api)
  for (const name of ['istio-system', 'hipster']) {
    await core
      .readNamespace({ name })
      .catch(() => core.createNamespace({ body: { metadata: { name } } }).catch(() => undefined))
  }
}

export function cohortName(prefix: string): { name: string; domain: string } {
  const name = `${prefix}-${randomBytes(2).toString('hex')}`
  return { name, domain: `${name}.example` }
}

export function backend(kc: KubeConfig, owner?: string): { envs: EnvironmentBackend } {
  const kube = createKubeOps({ kc, context: kc.getCurrentContext(), where: 'the class cluster' })
  return { envs: createKubeEnvironments(kube, { readyTimeoutMs: 90_000, ...(owner ? { owner } : {}) }) }
}

/** A KubeConfig for the same cluster authenticated as `namespace/serviceAccount`. */
export async function serviceAccountConfig(
  admin: KubeConfig,
  namespace: string,
  serviceAccount: string,
): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api)
  const request = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  })
  const cluster = admin.getCurrentCluster()
  if (!cluster || !request.status?.token) {
    throw new Error('no cluster or token')
  }
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'sa', token: request.status.token }],
    contexts: [{ name: 'sa', cluster: cluster.name, user: 'sa' }],
    currentContext: 'sa',
  })
  return kc
}

/** Polls until nothing of the cohort is left in the cluster. */
export function untilGone(envs: EnvironmentBackend, cohort: { name: string; domain: string }): Promise<true> {
  return eventually(
    `nothing left of cohort ${cohort.name}`,
    async () => ((await envs.leftovers(cohort)).length === 0 ? true : undefined),
    { timeoutMs: 90_000 },
  )
}

export type Outcome = { admitted: true } | { admitted: false; code: number; message: string }

/** Creates `object` as `kc` with dry-run (the whole admission chain runs, nothing is stored). */
export function attempt(kc: KubeConfig, object: KubernetesObject): Promise<Outcome> {
  return outcome(KubernetesObjectApi.makeApiClient(kc).create(object, undefined, 'All'))
}

/** Whether an API call went through, or its status code and the API server's message. */
export async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call
    return { admitted: true }
  } catch (err) {
    if (!(err instanceof ApiException)) {
      throw err
    }
    const body = String((err as ApiException<string>).body)
    const message = (() => {
      try {
        const parsed = (JSON.parse(body) as { message?: unknown }).message
        return typeof parsed === 'string' ? parsed : body
      } catch {
        return body
      }
    })()
    return { admitted: false, code: err.code, message }
  }
}
