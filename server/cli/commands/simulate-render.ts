// Human output of `kindlab simulate`: listeners and routes as `istioctl proxy-config listeners` /
// `routes` lay them out, then diagnostics, then each request with its outcome and explanation.
import { pc } from '../colors.ts'
import type { AnalyzeResult } from '../../grader/core/index.ts'
import type { ListenerSummary } from '../../grader/core/envoy/types.ts'
import { formatTable } from '../../grader/core/envoy/tabwriter.ts'
import { renderRoutesTable } from '../../grader/core/envoy/routes-table.ts'
import { formatResource } from '../../grader/core/findings.ts'

/** The whole report as text. */
export function renderSimulation(out: AnalyzeResult): string {
  const parts = [
    pc.bold('LISTENERS'),
    out.listeners.length === 0
      ? '(none: nothing listens; the gateway refuses every connection)\n'
      : renderListeners(out.listeners),
    pc.bold('ROUTES'),
    Object.keys(out.routeConfigs).length === 0 ? '(none)\n' : renderRoutesTable(Object.values(out.routeConfigs)),
    pc.bold('DIAGNOSTICS'),
    out.diagnostics.length === 0 ? '(none)\n' : renderDiagnostics(out),
  ]
  if (out.requests.length > 0) {
    parts.push(pc.bold('REQUESTS'), renderRequests(out))
  }
  return parts.join('\n')
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

function renderDiagnostics(out: AnalyzeResult): string {
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

function renderRequests(out: AnalyzeResult): string {
  return out.requests
    .map(({ request, result }) => {
      const scheme = request.tls === true ? 'https' : request.protocol === 'tcp' ? 'tcp' : 'http'
      const head = `${request.method ?? 'GET'} ${scheme}://${request.host ?? ''}:${request.port}${request.path ?? '/'}`
      const ok = result.status === 200
      const status = ok ? pc.green(String(result.status)) : pc.red(String(result.status))
      const where = result.cluster ?? result.location ?? result.reason ?? ''
      const lines = [`${head} → ${status} ${where}`]
      for (const e of result.explanation) {
        lines.push(`  - ${e}`)
      }
      return `${lines.join('\n')}\n`
    })
    .join('\n')
}
