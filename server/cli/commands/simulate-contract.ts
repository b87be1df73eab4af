// The JSON contract of `kindlab simulate --json`, documented in
// server/grader/simulate-output.schema.json: the classic ingress gateway's listeners, route
// configurations and clusters, the diagnostics, each request's result, every Kubernetes Gateway's
// proxy (deployment, Service, listeners, route configurations) and the status istiod would write.
import type { Finding } from '../../grader/core/findings.ts'
import { formatResource } from '../../grader/core/findings.ts'
import type { GatewayProxy } from '../../grader/core/gateway-api/proxies.ts'
import type { GeneratedOrigin } from '../../grader/core/gateway-api/routes.ts'
import type { Condition, StatusReport } from '../../grader/core/gateway-api/status.ts'
import type { ReportedRequest, SimulationReport } from './simulate-report.ts'

const serviceTypeAnnotation = 'networking.istio.io/service-type'

/** The whole document. */
export function toContract(report: SimulationReport): Record<string, unknown> {
  return {
    listeners: report.ingress.listeners,
    routeConfigs: report.ingress.routeConfigs,
    clusters: report.ingress.clusters,
    diagnostics: report.diagnostics.map(diagnostic),
    requests: report.requests.map(requestEntry),
    gateways: report.gateways.map(gatewayEntry),
    status: statusEntry(report.status),
  }
}

function diagnostic(d: Finding): Record<string, unknown> {
  return {
    code: d.code,
    level: d.level,
    resource: formatResource(d.resource),
    ...(d.path === undefined ? {} : { path: d.path }),
    message: d.message,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
    ...(d.source === undefined ? {} : { source: d.source }),
  }
}

function requestEntry(r: ReportedRequest): Record<string, unknown> {
  return {
    request: r.request,
    result: r.origin === undefined ? r.result : { ...r.result, origin: originEntry(r.origin) },
  }
}

function originEntry(o: GeneratedOrigin): Record<string, unknown> {
  return {
    resource: `${o.route.kind} ${o.route.namespace}/${o.route.name}`,
    path: o.path,
    ...(o.source.file === undefined ? {} : { file: o.source.file }),
    ...(o.source.line === undefined ? {} : { line: o.source.line }),
  }
}

function gatewayEntry(g: GatewayProxy): Record<string, unknown> {
  const { info } = g
  const meta = info.gateway.metadata
  const svc = info.service
  return {
    name: info.key,
    gatewayClassName: info.gateway.spec.gatewayClassName,
    managed: info.managed,
    deployment: info.managed
      ? { name: info.deploymentName, namespace: meta.namespace, serviceAccount: info.serviceAccountName }
      : null,
    service:
      svc === undefined
        ? null
        : {
            name: svc.metadata.name,
            namespace: svc.metadata.namespace,
            fqdn: info.serviceFqdn,
            type: svc.spec.type ?? 'ClusterIP',
            ...(svc.metadata.annotations[serviceTypeAnnotation] === undefined
              ? {}
              : { serviceTypeAnnotation: svc.metadata.annotations[serviceTypeAnnotation] }),
            ports: svc.spec.ports.map((p) => ({
              ...(p.name === undefined ? {} : { name: p.name }),
              port: p.port,
              protocol: p.protocol,
              ...(p.targetPort === undefined ? {} : { targetPort: p.targetPort }),
              ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
            })),
          },
    listeners: g.listeners,
    routeConfigs: g.routeConfigs,
  }
}

function conditions(list: readonly Condition[]): Condition[] {
  return list.map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }))
}

function statusEntry(s: StatusReport): Record<string, unknown> {
  return {
    gatewayClasses: s.gatewayClasses.map((c) => ({
      resource: `GatewayClass ${c.resource.name}`,
      conditions: conditions(c.conditions),
    })),
    gateways: s.gateways.map((g) => ({
      resource: formatResource(g.resource),
      conditions: conditions(g.conditions),
      listeners: g.listeners.map((l) => ({
        name: l.name,
        supportedKinds: l.supportedKinds,
        attachedRoutes: l.attachedRoutes,
        conditions: conditions(l.conditions),
      })),
    })),
    routes: s.routes.map((r) => ({
      resource: formatResource(r.resource),
      parents: r.parents.map((p) => ({
        parentRef: p.parentRef,
        controllerName: p.controllerName,
        conditions: conditions(p.conditions),
      })),
    })),
  }
}
