// Grading the shared data plane's cluster as it is now (live-lab.ts sets it up): the grader's
// prediction from the cluster's own objects against the real Envoy's /config_dump, and `kindlab
// check`'s live path with its per-layer results. Test code only.
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
import type { KubernetesObject } from '@kubernetes/client-node'
import { poll } from '../poll.ts'
import { ready } from './live-lab.ts'

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
export async function settledDiff(
  timeoutMs = 20_000,
  diff: () => Promise<EnvoyDifference[]> = () => envoyDiff(),
): Promise<string[]> {
  let last: EnvoyDifference[] = []
  await poll(
    async () => {
      last = await diff()
      return last.length === 0 ? true : undefined
    },
    { what: 'Envoy to match the prediction', timeoutMs, intervalMs: 400 },
  ).catch(() => undefined)
  return last.map((d) => d.message)
}

/**
 * `kindlab check <lab> --step N --kubeconfig K --gateway G --envoy-admin A` (the CLI's own path): G
 * is the ingress gateway's pod IP, A its admin URL unless given (`pod:15000`: each gateway pod's
 * admin at its own IP, Kubernetes Gateways' proxies included).
 */
export function liveCheck(stepNumber: number, envoyAdmin?: string): Promise<CheckReport> {
  const { sim, vars, lab } = ready()
  return gradeStep(lab.id, {
    step: String(stepNumber),
    resources: [],
    var: [`LEARNER_NAMESPACE=${vars['LEARNER_NAMESPACE']}`],
    kubeconfig: sim.kubeconfig,
    gateway: sim.gateway,
    envoyAdmin: envoyAdmin ?? sim.admin,
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
