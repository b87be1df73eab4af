// Listener-level half of the prediction/Envoy diff: listeners by name (address and port), filter
// chains by their SNI names, compared on TLS mode, RDS route config and tcp_proxy target. Pure.
import type { EnvoyDifference } from './difference.ts'
import { canonicalJson } from './route-projection.ts'
import type { FilterChainSummary, ListenerSummary, TcpProxySummary } from './types.ts'

/** Differences between predicted and actual listener summaries. */
export function diffListeners(
  predicted: readonly ListenerSummary[],
  actual: readonly ListenerSummary[],
): EnvoyDifference[] {
  const out: EnvoyDifference[] = []
  const byName = new Map(actual.map((l) => [l.name, l]))
  for (const l of predicted) {
    const real = byName.get(l.name)
    if (real === undefined) {
      out.push({
        kind: 'missing',
        scope: 'listener',
        location: l.name,
        message: `Envoy has no listener ${l.name} (${l.address}:${l.port}), which kindlab predicted; nothing accepts connections on port ${l.port}.`,
      })
      continue
    }
    if (real.address !== l.address || real.port !== l.port) {
      out.push({
        kind: 'changed',
        scope: 'listener',
        location: l.name,
        field: 'address',
        predicted: `${l.address}:${l.port}`,
        actual: `${real.address}:${real.port}`,
        message: `Listener ${l.name} listens on ${real.address}:${real.port} in Envoy, but kindlab predicted ${l.address}:${l.port}.`,
      })
    }
    out.push(...diffChains(l.name, l.filter_chains, real.filter_chains))
  }
  const predictedNames = new Set(predicted.map((l) => l.name))
  for (const l of actual) {
    if (!predictedNames.has(l.name)) {
      out.push({
        kind: 'extra',
        scope: 'listener',
        location: l.name,
        message: `Envoy has a listener ${l.name} (${l.address}:${l.port}) that kindlab did not predict.`,
      })
    }
  }
  return out
}

/** A chain's identity: its SNI names, sorted; `*` for a chain without SNI. */
function chainKey(chain: FilterChainSummary): string {
  return chain.server_names.length === 0 ? '*' : [...chain.server_names].sort().join(',')
}

function diffChains(
  listener: string,
  predicted: readonly FilterChainSummary[],
  actual: readonly FilterChainSummary[],
): EnvoyDifference[] {
  const out: EnvoyDifference[] = []
  // Chains with the same SNI key (a listener Envoy refuses has them) are paired in order.
  const byKey = new Map<string, FilterChainSummary[]>()
  for (const c of actual) {
    byKey.set(chainKey(c), [...(byKey.get(chainKey(c)) ?? []), c])
  }
  for (const chain of predicted) {
    const key = chainKey(chain)
    const real = byKey.get(key)?.shift()
    const location = `${listener} / ${key}`
    if (real === undefined) {
      out.push({
        kind: 'missing',
        scope: 'filterChain',
        location,
        predicted: chain,
        message: `Listener ${listener} in Envoy has no filter chain for SNI ${key}, which kindlab predicted (${describeChain(chain)}).`,
      })
      continue
    }
    out.push(...compareChain(location, key, chain, real))
  }
  // What no predicted chain took.
  for (const chain of [...byKey.values()].flat()) {
    const key = chainKey(chain)
    out.push({
      kind: 'extra',
      scope: 'filterChain',
      location: `${listener} / ${key}`,
      actual: chain,
      message: `Listener ${listener} in Envoy has a filter chain for SNI ${key} (${describeChain(chain)}) that kindlab did not predict.`,
    })
  }
  return out
}

function compareChain(location: string, key: string, p: FilterChainSummary, a: FilterChainSummary): EnvoyDifference[] {
  const out: EnvoyDifference[] = []
  const where = `The filter chain for SNI ${key} of ${location.split(' / ')[0] ?? ''}`
  if (p.tls !== a.tls) {
    out.push({
      kind: 'changed',
      scope: 'filterChain',
      location,
      field: 'tls',
      predicted: p.tls,
      actual: a.tls,
      message: `${where} has TLS ${a.tls ?? 'off'} in Envoy, but kindlab predicted ${p.tls ?? 'off'}.`,
    })
  }
  if (p.route_config_name !== a.route_config_name) {
    out.push({
      kind: 'changed',
      scope: 'filterChain',
      location,
      field: 'route_config_name',
      predicted: p.route_config_name,
      actual: a.route_config_name,
      message: `${where} uses route configuration ${a.route_config_name ?? '(none)'} in Envoy, but kindlab predicted ${p.route_config_name ?? '(none)'}.`,
    })
  }
  if (canonicalJson(normalizeTcp(p.tcp_proxy)) !== canonicalJson(normalizeTcp(a.tcp_proxy))) {
    out.push({
      kind: 'changed',
      scope: 'filterChain',
      location,
      field: 'tcp_proxy',
      predicted: p.tcp_proxy,
      actual: a.tcp_proxy,
      message: `${where} forwards to ${describeTcp(a.tcp_proxy)} in Envoy, but kindlab predicted ${describeTcp(p.tcp_proxy)}.`,
    })
  }
  return out
}

/** A single weighted cluster and a plain cluster send traffic to the same place. */
function normalizeTcp(tcp: TcpProxySummary | undefined): unknown {
  if (tcp === undefined) {
    return null
  }
  const weighted = tcp.weighted_clusters?.clusters
  if (weighted !== undefined) {
    return weighted.length === 1
      ? { cluster: weighted[0]?.name }
      : { weighted: weighted.map((c) => [c.name, c.weight]) }
  }
  return { cluster: tcp.cluster ?? null }
}

function describeTcp(tcp: TcpProxySummary | undefined): string {
  if (tcp === undefined) {
    return 'no TCP proxy'
  }
  const weighted = tcp.weighted_clusters?.clusters
  return weighted === undefined
    ? `cluster ${tcp.cluster ?? '(none)'}`
    : `weighted clusters ${weighted.map((c) => `${c.name} (${c.weight})`).join(', ')}`
}

function describeChain(chain: FilterChainSummary): string {
  const tls = chain.tls === null ? 'plaintext' : `TLS ${chain.tls}`
  const target =
    chain.route_config_name !== undefined ? `routes ${chain.route_config_name}` : describeTcp(chain.tcp_proxy)
  return `${tls}, ${target}`
}
