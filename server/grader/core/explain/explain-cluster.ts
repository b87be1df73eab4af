// Explains a 503 (500 on Gateway API routes) for a missing cluster, or the failing share of a
// split: the destination Service does not exist (or lives in
// another namespace), is not exported to the gateway, lacks the port, or the subset has no
// DestinationRule (spec rules 1.7, 26). Pure.
import type { ExplanationItem } from '../simulate/request.ts'
import { parseClusterName } from '../translate/services.ts'
import { type ExplainContext, item, list, res } from './context.ts'

/** Items for every missing cluster of the matched route (in a split, each failing share). */
export function explainMissingClusters(ctx: ExplainContext): ExplanationItem[] {
  const { result, t } = ctx
  const shares = result.weightedClusters ?? []
  const names = result.cluster !== undefined ? [result.cluster] : shares.map((c) => c.name)
  const total = shares.reduce((s, c) => s + c.weight, 0)
  const rule = result.route === undefined ? undefined : `${ruleOf(result.route.path)}.route`
  const resource = result.route === undefined ? undefined : `VirtualService ${result.route.virtualService}`
  const out: ExplanationItem[] = []
  names.forEach((name, i) => {
    if (t.registry.clusterExists(name)) {
      return
    }
    const share = shares[i]
    const answer =
      share?.status === undefined || typeof result.status !== 'number'
        ? typeof result.status === 'number'
          ? `Envoy answers ${result.status}`
          : 'Envoy resets the connection'
        : `Envoy answers ${share.status} for that share (${Math.round((1000 * share.weight) / total) / 10}% of requests; the others reach their backends)`
    out.push(explainOne(ctx, name, resource, rule === undefined ? undefined : `${rule}[${i}]`, answer))
  })
  return out
}

function ruleOf(path: string): string {
  const m = /^(spec\.(?:http|tcp|tls)\[\d+\])/.exec(path)
  return m?.[1] ?? path
}

function explainOne(
  ctx: ExplainContext,
  cluster: string,
  resource: string | undefined,
  path: string | undefined,
  answer: string,
): ExplanationItem {
  const { t, model } = ctx
  const parsed = parseClusterName(cluster)
  if (parsed === undefined) {
    return item('cluster', `Cluster ${cluster} does not exist, so ${answer}.`, { resource, path })
  }
  const { host, port, subset } = parsed
  const all = t.registry.all(host)
  const head = `The route sends traffic to ${cluster}, which does not exist, so ${answer} (cluster not found):`
  if (all.length === 0) {
    const short = host.split('.')[0] ?? host
    const elsewhere = model.services
      .filter((s) => s.metadata.name === short)
      .map((s) => `${s.metadata.name}.${s.metadata.namespace}`)
    const hint =
      elsewhere.length > 0
        ? `A Service named ${short} exists as ${list(elsewhere)}; a short host name is expanded in the VirtualService's namespace, so write the full name (e.g. ${elsewhere[0]}.svc.${t.env.domainSuffix}).`
        : `Create the Service, or fix destination.host.`
    return item('cluster', `${head} no Service or ServiceEntry is named ${host}.`, {
      resource,
      path: path === undefined ? undefined : `${path}.destination.host`,
      hint,
      cause: 'destination-not-found',
    })
  }
  const visible = all.filter((s) => t.registry.isVisible(s))
  if (visible.length === 0) {
    const s = all[0]!
    return item(
      'cluster',
      `${head} ${res(s.resource.kind, s.resource.metadata)} is not exported to the gateway namespace ${t.env.pod.namespace}.`,
      { resource: res(s.resource.kind, s.resource.metadata), hint: 'Export it to * (or to the gateway namespace).' },
    )
  }
  const svc = visible[0]!
  if (!svc.ports.some((p) => p.port === port)) {
    const ports = svc.ports.map((p) => String(p.port))
    return item(
      'cluster',
      `${head} ${res(svc.resource.kind, svc.resource.metadata)} has port${ports.length > 1 ? 's' : ''} ${list(ports)}, not ${port}.`,
      {
        resource,
        path: path === undefined ? undefined : `${path}.destination.port.number`,
        hint: `Use destination.port.number ${ports[0] ?? ''} (a Service port, not the container's targetPort).`,
        cause: 'port-not-on-service',
      },
    )
  }
  return item('cluster', `${head} no DestinationRule defines subset ${subset} for ${host}.`, {
    resource,
    path: path === undefined ? undefined : `${path}.destination.subset`,
    hint: `Add a DestinationRule for ${host} with a subset named ${subset}, or remove the subset.`,
  })
}
