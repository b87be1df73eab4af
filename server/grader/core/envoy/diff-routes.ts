// Route-level half of the prediction/Envoy diff: route configs and virtual hosts by name, routes
// aligned by match (longest common subsequence, since order decides which route wins). Pure.
import type { EnvoyDifference } from './difference.ts'
import {
  canonicalJson,
  describeAction,
  describeRouteMatch,
  projectRoute,
  type RouteProjection,
} from './route-projection.ts'
import type { Route, RouteConfiguration, VirtualHost } from './types.ts'

/** Differences between two sets of route configurations keyed by name. */
export function diffRouteConfigs(
  predicted: Readonly<Record<string, RouteConfiguration>>,
  actual: Readonly<Record<string, RouteConfiguration>>,
): EnvoyDifference[] {
  const out: EnvoyDifference[] = []
  for (const [name, config] of Object.entries(predicted)) {
    const real = actual[name]
    if (real === undefined) {
      out.push({
        kind: 'missing',
        scope: 'routeConfig',
        location: name,
        message: `Envoy has no route configuration "${name}", which kindlab predicted (${config.virtual_hosts.length} virtual hosts).`,
      })
    } else {
      out.push(...diffVirtualHosts(name, config.virtual_hosts, real.virtual_hosts))
    }
  }
  for (const name of Object.keys(actual)) {
    if (predicted[name] === undefined) {
      out.push({
        kind: 'extra',
        scope: 'routeConfig',
        location: name,
        message: `Envoy has a route configuration "${name}" that kindlab did not predict.`,
      })
    }
  }
  return out
}

function diffVirtualHosts(
  config: string,
  predicted: readonly VirtualHost[],
  actual: readonly VirtualHost[],
): EnvoyDifference[] {
  const out: EnvoyDifference[] = []
  const byName = new Map(actual.map((vh) => [vh.name, vh]))
  for (const vh of predicted) {
    const real = byName.get(vh.name)
    const location = `${config} / ${vh.name}`
    if (real === undefined) {
      out.push({
        kind: 'missing',
        scope: 'virtualHost',
        location,
        message: `Route configuration "${config}" in Envoy has no virtual host "${vh.name}" (predicted for ${vh.domains.join(', ')}).`,
      })
      continue
    }
    out.push(...diffVirtualHost(config, vh, real))
  }
  const predictedNames = new Set(predicted.map((vh) => vh.name))
  for (const vh of actual) {
    if (!predictedNames.has(vh.name)) {
      out.push({
        kind: 'extra',
        scope: 'virtualHost',
        location: `${config} / ${vh.name}`,
        message: `Envoy's route configuration "${config}" has a virtual host "${vh.name}" (${vh.domains.join(', ')}) that kindlab did not predict.`,
      })
    }
  }
  return out
}

function diffVirtualHost(config: string, predicted: VirtualHost, actual: VirtualHost): EnvoyDifference[] {
  const out: EnvoyDifference[] = []
  const location = `${config} / ${predicted.name}`
  const where = `Virtual host "${predicted.name}" of "${config}"`
  const [pd, ad] = [[...predicted.domains].sort(), [...actual.domains].sort()]
  if (canonicalJson(pd) !== canonicalJson(ad)) {
    out.push({
      kind: 'changed',
      scope: 'virtualHost',
      location,
      field: 'domains',
      predicted: pd,
      actual: ad,
      message: `${where} has domains ${ad.join(', ')} in Envoy, but kindlab predicted ${pd.join(', ')}.`,
    })
  }
  const [pt, at] = [predicted.require_tls ?? 'NONE', actual.require_tls ?? 'NONE']
  if (pt !== at) {
    out.push({
      kind: 'changed',
      scope: 'virtualHost',
      location,
      field: 'require_tls',
      predicted: pt,
      actual: at,
      message: `${where} has require_tls ${at} in Envoy, but kindlab predicted ${pt}.`,
    })
  }
  out.push(...diffRoutes(config, predicted.name, predicted.routes, actual.routes))
  return out
}

interface KeyedRoute {
  index: number
  route: Route
  projection: RouteProjection
  key: string
}

function keyed(routes: readonly Route[]): KeyedRoute[] {
  return routes.map((route, index) => {
    const projection = projectRoute(route)
    return { index, route, projection, key: canonicalJson(projection.match) }
  })
}

/** Routes are paired by match in order; unpaired ones are missing, extra, or moved. */
function diffRoutes(
  config: string,
  vhost: string,
  predicted: readonly Route[],
  actual: readonly Route[],
): EnvoyDifference[] {
  const p = keyed(predicted)
  const a = keyed(actual)
  const pairs = longestCommonSubsequence(p, a)
  const out: EnvoyDifference[] = pairs.flatMap(([x, y]) => compareRoute(config, vhost, x, y))
  const pairedP = new Set(pairs.map(([x]) => x.index))
  const pairedA = new Set(pairs.map(([, y]) => y.index))
  const restA = a.filter((r) => !pairedA.has(r.index))
  const movedA = new Set<number>()
  for (const x of p.filter((r) => !pairedP.has(r.index))) {
    const moved = restA.find((y) => y.key === x.key && !movedA.has(y.index))
    if (moved !== undefined) {
      movedA.add(moved.index)
      out.push(movedRoute(config, vhost, x, moved), ...compareRoute(config, vhost, x, moved))
    } else {
      out.push(oneSided('missing', config, vhost, x))
    }
  }
  out.push(...restA.filter((y) => !movedA.has(y.index)).map((y) => oneSided('extra', config, vhost, y)))
  return out
}

function compareRoute(config: string, vhost: string, p: KeyedRoute, a: KeyedRoute): EnvoyDifference[] {
  const out: EnvoyDifference[] = []
  const location = `${config} / ${vhost} / route ${a.index}`
  const what = `The route for ${describeRouteMatch(a.route.match)} in virtual host "${vhost}" of "${config}"`
  if (canonicalJson(p.projection.action) !== canonicalJson(a.projection.action)) {
    out.push({
      kind: 'changed',
      scope: 'route',
      location,
      field: 'action',
      predicted: p.projection.action,
      actual: a.projection.action,
      message: `${what} sends to ${describeAction(a.route)} in Envoy, but kindlab predicted ${describeAction(p.route)}.`,
    })
  }
  if (canonicalJson(p.projection.headers) !== canonicalJson(a.projection.headers)) {
    out.push({
      kind: 'changed',
      scope: 'route',
      location,
      field: 'headers',
      predicted: p.projection.headers,
      actual: a.projection.headers,
      message: `${what} changes different headers in Envoy than kindlab predicted.`,
    })
  }
  const [po, ao] = [p.projection.owner, a.projection.owner]
  if (po !== undefined && ao !== undefined && po !== ao) {
    out.push({
      kind: 'changed',
      scope: 'route',
      location,
      field: 'virtualService',
      predicted: po,
      actual: ao,
      message: `${what} comes from VirtualService ${ao} in Envoy, but kindlab predicted ${po}.`,
    })
  }
  return out
}

function movedRoute(config: string, vhost: string, p: KeyedRoute, a: KeyedRoute): EnvoyDifference {
  return {
    kind: 'changed',
    scope: 'route',
    location: `${config} / ${vhost} / route ${a.index}`,
    field: 'position',
    predicted: p.index,
    actual: a.index,
    message: `The route for ${describeRouteMatch(a.route.match)} in virtual host "${vhost}" of "${config}" is route ${a.index} in Envoy, but kindlab predicted route ${p.index}; Envoy uses the first route that matches.`,
  }
}

function oneSided(kind: 'missing' | 'extra', config: string, vhost: string, r: KeyedRoute): EnvoyDifference {
  const owner = r.projection.owner === undefined ? '' : `, from VirtualService ${r.projection.owner}`
  const match = describeRouteMatch(r.route.match)
  return {
    kind,
    scope: 'route',
    location: `${config} / ${vhost} / route ${r.index}`,
    ...(kind === 'missing' ? { predicted: r.projection } : { actual: r.projection }),
    message:
      kind === 'missing'
        ? `Envoy has no route for ${match} in virtual host "${vhost}" of "${config}"; kindlab predicted one at position ${r.index} sending to ${describeAction(r.route)}${owner}.`
        : `Envoy has a route for ${match} at position ${r.index} in virtual host "${vhost}" of "${config}" sending to ${describeAction(r.route)}${owner}, which kindlab did not predict.`,
  }
}

/** Classic LCS over route keys; returns aligned pairs in order. */
function longestCommonSubsequence(p: readonly KeyedRoute[], a: readonly KeyedRoute[]): Array<[KeyedRoute, KeyedRoute]> {
  const table: number[][] = Array.from({ length: p.length + 1 }, () => new Array<number>(a.length + 1).fill(0))
  for (let i = p.length - 1; i >= 0; i--) {
    for (let j = a.length - 1; j >= 0; j--) {
      const row = table[i] as number[]
      row[j] =
        p[i]?.key === a[j]?.key ? (table[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0)
    }
  }
  const pairs: Array<[KeyedRoute, KeyedRoute]> = []
  for (let i = 0, j = 0; i < p.length && j < a.length;) {
    const [x, y] = [p[i] as KeyedRoute, a[j] as KeyedRoute]
    if (x.key === y.key) {
      pairs.push([x, y])
      i++
      j++
    } else if ((table[i + 1]?.[j] ?? 0) >= (table[i]?.[j + 1] ?? 0)) {
      i++
    } else {
      j++
    }
  }
  return pairs
}
