// One-line descriptions of Envoy routes as `istioctl proxy-config` prints them (MATCH column,
// DOMAINS column, VIRTUAL SERVICE column). Pure string functions; no table layout here.
import type { Route, RouteConfiguration, RouteMatch, VirtualHost } from './types.ts'

/**
 * The MATCH column: `/get*` for a prefix, `PathPrefix:/get` for a path-separated prefix, the path
 * itself for an exact path, `regex <re>` for a regex. Header and query matchers are not shown.
 */
export function describeMatch(match: RouteMatch): string {
  const parts: string[] = []
  if (match.prefix) {
    parts.push(`${match.prefix}*`)
  }
  if (match.path_separated_prefix) {
    parts.push(`PathPrefix:${match.path_separated_prefix}`)
  }
  if (match.path) {
    parts.push(match.path)
  }
  if (match.safe_regex) {
    parts.push(`regex ${match.safe_regex.regex}`)
  }
  return parts.join(' ')
}

/**
 * The DOMAINS column: the only domain, or up to two domains without a port (dropping
 * `x.svc.cluster.local` and `x.svc` forms when the short `x` is also listed) and "+ N more...".
 */
export function describeRouteDomains(domains: readonly string[]): string {
  if (domains.length <= 1) {
    return domains[0] ?? ''
  }
  const withoutPort = domains.filter((d) => !d.includes(':') || (countOf(d, ':') > 2 && d.endsWith(']')))
  const shown = unexpandDomains(withoutPort)
  const max = 2
  if (shown.length > max) {
    return `${shown.slice(0, max).join(', ')} + ${shown.length - max} more...`
  }
  return shown.join(', ')
}

function unexpandDomains(domains: readonly string[]): string[] {
  const unique = new Set(domains)
  const redundant = (d: string): boolean =>
    [d.replace(/\.svc\.cluster\.local$/, ''), d.replace(/\.svc$/, '')].some((short) => short !== d && unique.has(short))
  return domains.filter((d) => !redundant(d))
}

function countOf(text: string, ch: string): number {
  return text.split(ch).length - 1
}

/** The VIRTUAL SERVICE column: `name.namespace` from Istio's route metadata. */
export function describeManagement(route: Route): string {
  return describeConfigPath(route.metadata?.filter_metadata?.istio?.config)
}

/**
 * istioctl's rendering of an Istio `filter_metadata.istio.config` path: `name.namespace` for an
 * eight-segment `/apis/networking.istio.io/...` path (the kind is not checked), `<unknown>` for
 * another API group, and nothing when there is no path.
 */
export function describeConfigPath(config: unknown): string {
  if (typeof config !== 'string') {
    return ''
  }
  if (!config.startsWith('/apis/networking.istio.io/')) {
    return '<unknown>'
  }
  const parts = config.split('/')
  return parts.length === 8 ? `${parts[7]}.${parts[5]}` : ''
}

/** True for a route to Istio's PassthroughCluster, which istioctl leaves out of the table. */
export function isPassthroughRoute(route: Route): boolean {
  return route.route?.cluster === 'PassthroughCluster'
}

/** istioctl's DESTINATION for a listener whose HTTP connection manager has an inline route config. */
export function describeInlineRouteConfig(config: RouteConfiguration): string {
  const matchAll = matchAllCluster(config)
  if (matchAll !== undefined) {
    return matchAll
  }
  const vhosts = config.virtual_hosts.map((vh) => {
    const domains = describeVhostDomains(vh)
    const routes = vh.routes.map((r) => describeMatch(r.match)).join(', ')
    return domains === '' ? routes : `${domains} ${routes}`
  })
  return `Inline Route: ${vhosts.join('; ')}`
}

function describeVhostDomains(vh: VirtualHost): string {
  return vh.domains.length === 1 && vh.domains[0] === '*' ? '' : vh.domains.join('/')
}

function matchAllCluster(config: RouteConfiguration): string | undefined {
  const [vh, ...otherHosts] = config.virtual_hosts
  if (vh === undefined || otherHosts.length > 0 || vh.domains.length !== 1 || vh.domains[0] !== '*') {
    return undefined
  }
  const [route, ...otherRoutes] = vh.routes
  const cluster = route?.route?.cluster
  if (otherRoutes.length > 0 || route?.match.prefix !== '/' || cluster === undefined || cluster === '') {
    return undefined
  }
  return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`
}
