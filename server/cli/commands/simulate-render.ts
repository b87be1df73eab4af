// Human output of `kindlab simulate`: listeners and routes as `istioctl proxy-config listeners` /
// `routes` lay them out, then each Kubernetes Gateway's proxy and the status istiod would write,
// then diagnostics, then each request with its outcome and explanation.
import { pc } from '../colors.ts'
import type { ListenerSummary, RouteConfiguration } from '../../grader/core/envoy/types.ts'
import { formatTable } from '../../grader/core/envoy/tabwriter.ts'
import { renderRoutesTable } from '../../grader/core/envoy/routes-table.ts'
import { formatResource } from '../../grader/core/findings.ts'
import type { GatewayProxy } from '../../grader/core/gateway-api/proxies.ts'
import type { Condition, StatusReport } from '../../grader/core/gateway-api/status.ts'
import type { SimulationReport } from './simulate-report.ts'

/** The whole report as text. */
export function renderSimulation(out: SimulationReport): string {
  const parts = [
    pc.bold('LISTENERS'),
    out.ingress.listeners.length === 0
      ? '(none: nothing listens; the gateway refuses every connection)\n'
      : renderListeners(out.ingress.listeners),
    pc.bold('ROUTES'),
    renderRoutes(out.ingress.routeConfigs),
  ]
  for (const g of out.gateways) {
    parts.push(renderGateway(g))
  }
  if (out.gateways.length > 0 || out.status.routes.length > 0) {
    parts.push(pc.bold('STATUS'), renderStatus(out.status))
  }
  parts.push(pc.bold('DIAGNOSTICS'), out.diagnostics.length === 0 ? '(none)\n' : renderDiagnostics(out))
  if (out.requests.length > 0) {
    parts.push(pc.bold('REQUESTS'), renderRequests(out))
  }
  return parts.join('\n')
}

function renderRoutes(configs: Record<string, RouteConfiguration>): string {
  return Object.keys(configs).length === 0 ? '(none)\n' : renderRoutesTable(Object.values(configs))
}

function renderListeners(listeners: readonly ListenerSummary[]): string {
  const rows: string[][] = [['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION']]
  for (const l of listeners) {
    for (const c of l.filter_chains) {
      const match = c.server_names.length > 0 ? `SNI: ${c.server_names.join(',')}` : 'ALL'
      const tcp = c.tcp_proxy
      const dest =
        c.route_config_name !== undefined
          ? `Route: ${c.route_config_name}`
          : tcp?.cluster !== undefined
            ? `Cluster: ${tcp.cluster}`
            : `Clusters: ${(tcp?.weighted_clusters?.clusters ?? []).map((w) => `${w.name} (${w.weight})`).join(', ')}`
      rows.push([l.address, String(l.port), c.tls === null ? match : `${match} (TLS ${c.tls})`, dest])
    }
  }
  return formatTable(rows, { padding: 1 })
}

function renderGateway(g: GatewayProxy): string {
  const { info } = g
  const svc = info.service
  const where = info.managed
    ? `Deployment ${info.deploymentName}, ServiceAccount ${info.serviceAccountName}`
    : `no Deployment: the pods behind ${info.serviceFqdn}`
  const service =
    svc === undefined
      ? `Service ${info.serviceFqdn} (missing)`
      : `Service ${svc.metadata.name} (${svc.spec.type ?? 'ClusterIP'}) ports ${svc.spec.ports.map((p) => p.port).join(', ')}`
  return [
    `${pc.bold(`GATEWAY ${info.key}`)} (class ${info.gateway.spec.gatewayClassName}): ${where}; ${service}`,
    g.listeners.length === 0 ? '(no listeners)\n' : renderListeners(g.listeners),
    renderRoutes(g.routeConfigs),
  ].join('\n')
}

function renderConditions(list: readonly Condition[]): string {
  return list
    .map((c) => {
      const text = `${c.type}=${c.status} (${c.reason})`
      return c.status === 'True' || c.type === 'Conflicted' ? text : pc.red(`${text}: ${c.message}`)
    })
    .join(', ')
}

function renderStatus(s: StatusReport): string {
  const lines: string[] = []
  for (const g of s.gateways) {
    lines.push(`${formatResource(g.resource)}: ${renderConditions(g.conditions)}`)
    for (const l of g.listeners) {
      lines.push(`  listener ${l.name}: attachedRoutes ${l.attachedRoutes}; ${renderConditions(l.conditions)}`)
    }
  }
  for (const r of s.routes) {
    if (r.parents.length === 0) {
      lines.push(`${formatResource(r.resource)}: no parent Istio handles (no status)`)
    }
    for (const p of r.parents) {
      const parent = `${p.parentRef.namespace ?? r.resource.namespace}/${p.parentRef.name}${p.parentRef.sectionName === undefined ? '' : `/${p.parentRef.sectionName}`}`
      lines.push(`${formatResource(r.resource)} → ${parent}: ${renderConditions(p.conditions)}`)
    }
  }
  return `${lines.join('\n')}\n`
}

function renderDiagnostics(out: SimulationReport): string {
  return out.diagnostics
    .map((d) => {
      const level = d.level === 'Error' ? pc.red(d.level) : d.level === 'Warning' ? pc.yellow(d.level) : d.level
      const where = d.path === undefined ? formatResource(d.resource) : `${formatResource(d.resource)} ${d.path}`
      const at =
        d.source?.file === undefined
          ? ''
          : pc.dim(` (${d.source.file}${d.source.line === undefined ? '' : `:${d.source.line}`})`)
      return `${level} [${d.code}] (${where}) ${d.message}${at}${d.hint === undefined ? '' : `\n    ${pc.cyan('hint')}: ${d.hint}`}\n`
    })
    .join('')
}

function renderRequests(out: SimulationReport): string {
  return out.requests
    .map(({ request, result, origin }) => {
      const scheme = request.tls === true ? 'https' : request.protocol === 'tcp' ? 'tcp' : 'http'
      const via = request.gateway === undefined ? '' : ` [Gateway ${request.gateway}]`
      const head = `${request.method ?? 'GET'} ${scheme}://${request.host ?? ''}:${request.port}${request.path ?? '/'}${via}`
      const ok = result.status === 200
      const status = ok ? pc.green(String(result.status)) : pc.red(String(result.status))
      const split = result.weightedClusters
        ?.map((c) => `${c.name} (${c.weight}${c.status === undefined ? '' : `: ${c.status}`})`)
        .join(', ')
      const where = result.cluster ?? split ?? result.location ?? result.reason ?? ''
      const rule =
        origin === undefined
          ? ''
          : ` (${origin.route.kind} ${origin.route.namespace}/${origin.route.name} ${origin.path})`
      const lines = [`${head} → ${status} ${where}${rule}`]
      for (const e of result.explanation) {
        lines.push(`  - ${e}`)
      }
      return `${lines.join('\n')}\n`
    })
    .join('\n')
}
