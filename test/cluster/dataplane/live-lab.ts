// A lab on the shared data plane (dataplane/global-setup.ts; istio-ingress unless a file names
// another): apply a lab folder's files the way a learner does with kubectl and bring the cluster
// back to the lab's environment between cases. Grading the cluster and comparing the prediction
// with the real Envoy is live-grading.ts. Test code only.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { inject } from 'vitest'
import type { Lab } from '../../../server/labs/lab-model.ts'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import { resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import { poll } from '../poll.ts'
import { gatewayNameLabel } from './gateway-proxies.ts'
import {
  folderObjects as labFolderObjects,
  parseObjects as parseLabObjects,
  withRealCertificates,
} from './lab-objects.ts'

const fieldManager = 'kindlab-dataplane-test'
const istioPlurals = ['virtualservices', 'gateways', 'destinationrules', 'serviceentries'] as const
/** The Gateway API kinds a lab may create (group gateway.networking.k8s.io). */
const gatewayApiPlurals = [
  { version: 'v1', plural: 'httproutes' },
  { version: 'v1', plural: 'grpcroutes' },
  { version: 'v1', plural: 'tcproutes' },
  { version: 'v1', plural: 'tlsroutes' },
  { version: 'v1beta1', plural: 'referencegrants' },
  { version: 'v1', plural: 'gateways' },
] as const
const gatewayApiGroup = 'gateway.networking.k8s.io'

export interface LiveLab {
  sim: ReturnType<typeof inject<'dataplane'>>
  kc: KubeConfig
  lab: Lab
  vars: Record<string, string>
  domain: string
}

let shared: LiveLab | undefined
/** Environment objects by identity; anything else a test applied is deleted by resetLab. */
let environment = new Map<string, KubernetesObject>()
/** Identities a test applied or deleted since the last reset. */
const touched = new Set<string>()
/** Namespaces that existed before a test applied one (only labels were added). */
const labelledNamespaces = new Set<string>()
/** Environment objects the sim's `kindlab up` did not deploy (e.g. a shared Gateway), created by liveLab. */
let added: KubernetesObject[] = []

const key = (o: KubernetesObject): string =>
  `${o.apiVersion ?? ''}|${o.kind}/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`

/**
 * The shared sim, the lab and its default variables (solo: localhost, the blueprint's namespace).
 * Environment objects the cluster lacks (the sim deploys the shop and the addons, not a lab's own
 * extras such as a shared Gateway) are created, Pods excepted; leaveLab() removes them again.
 */
export async function liveLab(labId = 'istio-ingress'): Promise<LiveLab> {
  if (shared) {
    if (shared.lab.id !== labId) {
      throw new Error(`this file already uses lab ${shared.lab.id}`)
    }
    return shared
  }
  const sim = inject('dataplane')
  const kc = new KubeConfig()
  kc.loadFromFile(sim.kubeconfig)
  const lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === labId)
  if (!lab) {
    throw new Error(`labs/${labId} did not load`)
  }
  // The shop runs where `kindlab up` puts it (the blueprint's namespace), which the sim names.
  const vars = resolveVariables(lab.variables, { LEARNER_NAMESPACE: sim.learnerNamespace })
  shared = { sim, kc, lab, vars, domain: vars['TRAINEE_DOMAIN'] ?? 'localhost' }
  environment = new Map()
  for (const file of lab.environment) {
    for (const o of parseObjects(await readFile(join(lab.dir, file), 'utf8'))) {
      environment.set(key(o), o)
    }
  }
  const api = KubernetesObjectApi.makeApiClient(kc)
  added = []
  // Not the environment's Pods: they model offline the pods of the Deployments `kindlab up` runs here.
  for (const o of [...environment.values()].filter((x) => x.kind !== 'Pod')) {
    const exists = await api.read(o as { kind: string; metadata: { name: string; namespace: string } }).then(
      () => true,
      (err: unknown) => {
        if ((err as { code?: number }).code === 404) {
          return false
        }
        throw err
      },
    )
    if (!exists) {
      await api.patch(o, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply)
      added.push(o)
    }
  }
  return shared
}

/** `Kind namespace/name` of what liveLab created because the cluster lacked it. */
export const environmentAdded = (): string[] =>
  added.map((o) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`)

/** Back to the lab's environment, then removes what liveLab added (the next file may use another lab). */
export async function leaveLab(): Promise<void> {
  await resetLab()
  const api = KubernetesObjectApi.makeApiClient(ready().kc)
  for (const o of [...added].reverse()) {
    await api.delete(o).catch(() => undefined)
  }
  // Until they are gone: a Namespace terminates for a while, and the next file may create it again.
  for (const o of added) {
    await poll(
      () =>
        api.read(o as { kind: string; metadata: { name: string; namespace: string } }).then(
          () => undefined,
          (err: unknown) => ((err as { code?: number }).code === 404 ? true : undefined),
        ),
      { what: `${o.kind} ${o.metadata?.name} to be deleted`, timeoutMs: 90_000, intervalMs: 500 },
    )
  }
  added = []
}

/** The lab liveLab() loaded (for helpers in other modules). */
export const ready = (): LiveLab => {
  if (!shared) {
    throw new Error('call liveLab() first')
  }
  return shared
}

/** YAML text (lab variables filled in) as API objects, in the learner's namespace unless they name one. */
export function parseObjects(text: string): KubernetesObject[] {
  const { vars } = ready()
  return parseLabObjects(text, vars, vars['LEARNER_NAMESPACE'] ?? 'default')
}

/** Every YAML file of a folder, in name order, as objects. */
export function folderObjects(dir: string): Promise<KubernetesObject[]> {
  const { vars } = ready()
  return labFolderObjects(dir, vars, vars['LEARNER_NAMESPACE'] ?? 'default')
}

export const solutionDir = (slug: string): string => join(ready().lab.dir, 'solution', slug)

/**
 * Applies objects like `kubectl apply`; a kindlab `Deleted` marker is `kubectl delete` of what it
 * names. An object the API server refuses (422, e.g. a kubernetes.io/tls Secret without tls.key)
 * throws, unless `refused` is given: then, as kubectl does, the others are still applied and the
 * refusal is added there.
 */
export async function apply(objects: readonly KubernetesObject[], refused?: string[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(ready().kc)
  for (const o of objects) {
    if (o.apiVersion === 'kindlab.dev/v1' && o.kind === 'Deleted') {
      const spec = (o as { spec?: { apiVersion?: string; kind?: string } }).spec ?? {}
      const target = { apiVersion: spec.apiVersion ?? 'v1', kind: spec.kind ?? '', metadata: o.metadata ?? {} }
      touched.add(key(target))
      await api.delete(target).catch(() => undefined)
      continue
    }
    const k = key(o)
    // A learner labels an existing Namespace (`kubectl label`): reset takes the labels back, never the namespace.
    if (o.kind === 'Namespace' && !touched.has(k) && !environment.has(k)) {
      const exists = await api
        .read({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: o.metadata?.name ?? '' } })
        .catch(() => undefined)
      if (exists !== undefined) {
        labelledNamespaces.add(k)
      }
    }
    touched.add(k)
    await api
      .patch(o, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply)
      .catch((err: unknown) => {
        const what = `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`
        if (refused !== undefined && err instanceof ApiException && err.code === 422) {
          refused.push(`${what}: ${apiMessage(err)}`)
          return
        }
        throw new Error(`applying ${what}: ${String(err)}`)
      })
  }
}

/**
 * Back to the lab's environment: every Istio object deleted (the environment has none), every
 * Gateway API object deleted but the environment's, every other object a test applied deleted, and
 * every environment object a test changed or deleted re-applied.
 */
export async function resetLab(): Promise<void> {
  const { kc } = ready()
  const custom = kc.makeApiClient(CustomObjectsApi)
  const api = KubernetesObjectApi.makeApiClient(kc)
  let deletedGateways = false
  for (const { version, plural } of gatewayApiPlurals) {
    const list = (await custom.listClusterCustomObject({ group: gatewayApiGroup, version, plural })) as {
      items?: KubernetesObject[]
    }
    for (const o of list.items ?? []) {
      if (environment.has(key({ ...o, apiVersion: `${gatewayApiGroup}/${version}` }))) {
        continue
      }
      deletedGateways ||= plural === 'gateways'
      await custom
        .deleteNamespacedCustomObject({
          group: gatewayApiGroup,
          version,
          plural,
          namespace: o.metadata?.namespace ?? 'default',
          name: o.metadata?.name ?? '',
        })
        .catch(() => undefined)
    }
  }
  for (const plural of istioPlurals) {
    const list = (await custom.listClusterCustomObject({ group: 'networking.istio.io', version: 'v1', plural })) as {
      items?: KubernetesObject[]
    }
    for (const o of list.items ?? []) {
      await custom
        .deleteNamespacedCustomObject({
          group: 'networking.istio.io',
          version: 'v1',
          plural,
          namespace: o.metadata?.namespace ?? 'default',
          name: o.metadata?.name ?? '',
        })
        .catch(() => undefined)
    }
  }
  for (const k of touched) {
    const original = environment.get(k)
    if (original) {
      await api.patch(original, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply)
    } else if (labelledNamespaces.has(k)) {
      // Applying it again with no labels drops the ones this field manager set.
      const name = k.split('/').at(-1) ?? ''
      await api.patch(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        undefined,
        undefined,
        fieldManager,
        true,
        PatchStrategy.ServerSideApply,
      )
    } else if (!k.startsWith('networking.istio.io/') && !k.startsWith(`${gatewayApiGroup}/`)) {
      const [apiVersion = 'v1', rest = ''] = k.split('|')
      const [kind = '', namespace = 'default', name = ''] = rest.split('/')
      await api.delete({ apiVersion, kind, metadata: { namespace, name } }).catch(() => undefined)
    }
  }
  touched.clear()
  labelledNamespaces.clear()
  if (deletedGateways) {
    // Their Deployments are garbage-collected: wait until their pods (and so their proxies) are gone,
    // so a Gateway of the same name created next is never served by the old proxy.
    const core = kc.makeApiClient(CoreV1Api)
    const kept = new Set([...environment.values()].filter(isGatewayApiGateway).map((g) => gatewayKey(g)))
    await poll(
      async () => {
        const pods = (await core.listPodForAllNamespaces({ labelSelector: gatewayNameLabel })).items
        return pods.every((p) => kept.has(`${p.metadata?.namespace}/${p.metadata?.labels?.[gatewayNameLabel]}`))
          ? true
          : undefined
      },
      { what: 'the deleted Gateways to lose their pods', timeoutMs: 60_000, intervalMs: 300 },
    )
  }
}

const isGatewayApiGateway = (o: KubernetesObject): boolean =>
  o.kind === 'Gateway' && (o.apiVersion ?? '').startsWith(`${gatewayApiGroup}/`)
const gatewayKey = (o: KubernetesObject): string => `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`

/**
 * A learner's cluster at step `number` holding `objects` (one lab file): the environment (for
 * istio-ingress with frontend-external deleted from step 4 on: step 3 did it), then the file applied
 * with kubectl's semantics. TLS Secrets get a real certificate for hipster.<domain> (the files hold
 * placeholders). Returns what the API server refused (the rest is applied, as kubectl does).
 */
export async function learnerAt(number: number, objects: readonly KubernetesObject[]): Promise<string[]> {
  await resetLab()
  if (ready().lab.id === 'istio-ingress' && number >= 4) {
    await apply(await folderObjects(solutionDir('03-remove-the-load-balancer')))
  }
  const refused: string[] = []
  await apply(await withRealCertificates(objects, `hipster.${ready().domain}`), refused)
  return refused
}

/** The API server's own message of a refusal. */
function apiMessage(err: ApiException<unknown>): string {
  try {
    return (JSON.parse(String(err.body)) as { message?: string }).message ?? `refused (${err.code})`
  } catch {
    return `refused (${err.code})`
  }
}

/** A lab folder's YAML files (mistakes/NN-slug, variants/NN-slug) with their text, variables filled in. */
export async function labFiles(
  kind: 'mistakes' | 'variants',
  slug: string,
): Promise<Array<{ file: string; text: string }>> {
  const dir = join(ready().lab.dir, kind, slug)
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.yaml')).sort()
  return Promise.all(
    names.map(async (file) => ({
      file,
      text: substituteVariables(await readFile(join(dir, file), 'utf8'), ready().vars),
    })),
  )
}
