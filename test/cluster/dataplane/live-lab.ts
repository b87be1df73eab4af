// The flagship lab on the shared data plane (dataplane/global-setup.ts): apply a lab folder's files
// the way a learner does with kubectl, bring the cluster back to the lab's environment between
// cases, predict what the grader predicts from the cluster's own objects, and compare it with the
// real Envoy's /config_dump. Test code only.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { inject } from 'vitest'
import { createClusterResourceSource } from '../../../server/adapters/live/cluster-resource-source.ts'
import type { CheckReport } from '../../../server/checks/grade-files.ts'
import { gradeStep } from '../../../server/cli/commands/check.ts'
import { parseConfigDump } from '../../../server/grader/core/envoy/configdump.ts'
import { diffAgainstDump, type EnvoyDifference } from '../../../server/grader/core/envoy/diff.ts'
import { fromApiObjects } from '../../../server/grader/core/model/index.ts'
import {
  listenerSummaries,
  routeConfigurations,
  translate,
  type Translation,
} from '../../../server/grader/core/translate/translate.ts'
import type { Lab } from '../../../server/labs/lab-model.ts'
import { loadLabs } from '../../../server/labs/load-labs.ts'
import { resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { packageRoot } from '../../../server/paths.ts'
import { poll } from '../poll.ts'
import {
  folderObjects as labFolderObjects,
  parseObjects as parseLabObjects,
  withRealCertificates,
} from './lab-objects.ts'

const labDir = join(packageRoot(), 'labs', 'istio-ingress')
const fieldManager = 'kindlab-dataplane-test'
const istioPlurals = ['virtualservices', 'gateways', 'destinationrules', 'serviceentries'] as const

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

const key = (o: KubernetesObject): string =>
  `${o.apiVersion ?? ''}|${o.kind}/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`

/** The shared sim, the lab and its default variables (solo: localhost, the blueprint's namespace). */
export async function liveLab(): Promise<LiveLab> {
  if (shared) {
    return shared
  }
  const sim = inject('dataplane')
  const kc = new KubeConfig()
  kc.loadFromFile(sim.kubeconfig)
  const lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'istio-ingress')
  if (!lab) {
    throw new Error('labs/istio-ingress did not load')
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
  return shared
}

const ready = (): LiveLab => {
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

export const solutionDir = (slug: string): string => join(labDir, 'solution', slug)

/** Applies objects like `kubectl apply`; a kindlab `Deleted` marker is `kubectl delete` of what it names. */
export async function apply(objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(ready().kc)
  for (const o of objects) {
    if (o.apiVersion === 'kindlab.dev/v1' && o.kind === 'Deleted') {
      const spec = (o as { spec?: { apiVersion?: string; kind?: string } }).spec ?? {}
      const target = { apiVersion: spec.apiVersion ?? 'v1', kind: spec.kind ?? '', metadata: o.metadata ?? {} }
      touched.add(key(target))
      await api.delete(target).catch(() => undefined)
      continue
    }
    touched.add(key(o))
    await api.patch(o, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply)
  }
}

/**
 * Back to the lab's environment: every Istio object deleted (the environment has none), every other
 * object a test applied deleted, and every environment object a test changed or deleted re-applied.
 */
export async function resetLab(): Promise<void> {
  const { kc } = ready()
  const custom = kc.makeApiClient(CustomObjectsApi)
  const api = KubernetesObjectApi.makeApiClient(kc)
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
    } else if (!k.startsWith('networking.istio.io/')) {
      const [apiVersion = 'v1', rest = ''] = k.split('|')
      const [kind = '', namespace = 'default', name = ''] = rest.split('/')
      await api.delete({ apiVersion, kind, metadata: { namespace, name } }).catch(() => undefined)
    }
  }
  touched.clear()
}

/** The cluster's objects as the live grader reads them (cluster-resource-source, all namespaces). */
export async function clusterObjects(): Promise<unknown[]> {
  const source = createClusterResourceSource({ kube: { kubeconfigPath: ready().sim.kubeconfig } })
  return (await source.list()).objects
}

/** The grader's translation of the cluster as it is now (of the objects `keep` keeps). */
export async function predicted(keep: (o: KubernetesObject) => boolean = () => true): Promise<Translation> {
  return translate(fromApiObjects((await clusterObjects()).filter((o) => keep(o as KubernetesObject))))
}

/** The real Envoy's /config_dump against the grader's prediction from the cluster's objects. */
export async function envoyDiff(keep?: (o: KubernetesObject) => boolean): Promise<EnvoyDifference[]> {
  const t = await predicted(keep)
  const view = { listeners: listenerSummaries(t), routeConfigs: routeConfigurations(t), clusters: t.clusters }
  const dump = parseConfigDump(await (await fetch(`${ready().sim.admin}/config_dump`)).json())
  return diffAgainstDump(view, dump)
}

/** Waits for Envoy to converge on the prediction; returns the differences left at the deadline. */
export async function settledDiff(timeoutMs = 20_000): Promise<string[]> {
  let last: EnvoyDifference[] = []
  await poll(
    async () => {
      last = await envoyDiff()
      return last.length === 0 ? true : undefined
    },
    { what: 'Envoy to match the prediction', timeoutMs, intervalMs: 400 },
  ).catch(() => undefined)
  return last.map((d) => d.message)
}

/** `kindlab check istio-ingress --step N --kubeconfig K --gateway G --envoy-admin A` (the CLI's own path). */
export function liveCheck(stepNumber: number): Promise<CheckReport> {
  const { sim, vars } = ready()
  return gradeStep('istio-ingress', {
    step: String(stepNumber),
    resources: [],
    var: [`LEARNER_NAMESPACE=${vars['LEARNER_NAMESPACE']}`],
    kubeconfig: sim.kubeconfig,
    gateway: sim.gateway,
    envoyAdmin: sim.admin,
  })
}

/** Each layer of each check that did not pass, as `check layer failed|did not run: message`. */
export function notPassed(report: CheckReport): string[] {
  return report.checks.flatMap((c) => [
    ...(c.status === 'passed' ? [] : [`${c.id} is ${c.status}: ${c.message}`]),
    ...c.layers
      .filter((l) => l.passed !== true)
      .map((l) => `${c.id} ${l.layer} ${l.passed === undefined ? 'did not run' : 'failed'}: ${l.message}`),
  ])
}

/** `check:layer` for every layer that ran and passed. */
export const passedLayers = (report: CheckReport): string[] =>
  report.checks.flatMap((c) => c.layers.filter((l) => l.passed === true).map((l) => `${c.id}:${l.layer}`))

/**
 * A learner's cluster at step `number` holding `objects` (one lab file): the environment, with
 * frontend-external deleted from step 4 on (step 3 did it), then the file applied with kubectl's
 * semantics. TLS Secrets get a real certificate for hipster.<domain> (the files hold placeholders).
 */
export async function learnerAt(number: number, objects: readonly KubernetesObject[]): Promise<void> {
  await resetLab()
  if (number >= 4) {
    await apply(await folderObjects(solutionDir('03-remove-the-load-balancer')))
  }
  await apply(await withRealCertificates(objects, `hipster.${ready().domain}`))
}

/** A lab folder's YAML files (mistakes/NN-slug, variants/NN-slug) with their text, variables filled in. */
export async function labFiles(
  kind: 'mistakes' | 'variants',
  slug: string,
): Promise<Array<{ file: string; text: string }>> {
  const dir = join(labDir, kind, slug)
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.yaml')).sort()
  return Promise.all(
    names.map(async (file) => ({
      file,
      text: substituteVariables(await readFile(join(dir, file), 'utf8'), ready().vars),
    })),
  )
}
