// Explains why no virtual host serves the request's host: VirtualServices that mention the host
// but never attach (no gateways, wrong gateway reference, exportTo, host not served by the
// Gateway, namespace-scoped server host, rejected, no routes), or no VirtualService at all; and
// why a vhost answers 301 (httpsRedirect). Pure.
import { hostsMatch, isSubsetOf, splitServerHost } from '../hosts.ts'
import type { VirtualService } from '../model/index.ts'
import type { ExplanationItem } from '../simulate/request.ts'
import { hostWithoutPort } from '../simulate/request.ts'
import type { ResolvedVirtualService } from '../translate/resolve-vs.ts'
import { type ExplainContext, item, labels, list, res, serverRef, serversOfRouteConfig } from './context.ts'

/** Why the host has no virtual host in the matched route configuration. */
export function explainNoVirtualHost(ctx: ExplainContext): ExplanationItem[] {
  const { trace, result } = ctx
  const host = hostWithoutPort(trace.request.host).toLowerCase()
  const rcName = result.routeConfig ?? ''
  const domains = cachedList(
    trace.routeConfig?.config ?? {},
    () => trace.routeConfig?.config.virtual_hosts.flatMap((v) => v.domains) ?? [],
  )
  return [
    item(
      'virtual_host',
      `No virtual host for ${host || '(empty Host header)'} on ${rcName}: it serves only ${domains.length === 0 ? 'nothing' : list(domains)}.`,
    ),
    ...whyHostUnattached(ctx, host),
  ]
}

/**
 * Why no VirtualService put routes for `host` into the matched route configuration: rejected,
 * mesh-only, wrong gateway reference, exportTo, host or namespace mismatch, or none exists.
 */
export function whyHostUnattached(ctx: ExplainContext, host: string): ExplanationItem[] {
  const { t, result } = ctx
  const servers = serversOfRouteConfig(t, result.routeConfig ?? '')
  const out: ExplanationItem[] = []
  const candidates = virtualServicesForHost(ctx.t, host)
  const rejected = ctx.model.rejected.filter(
    (r): r is VirtualService =>
      r.kind === 'VirtualService' && r.spec.hosts.some((h) => hostsMatch(h.toLowerCase(), host)),
  )
  for (const vs of rejected) {
    out.push(
      item(
        'virtual_host',
        `${res('VirtualService', vs.metadata)} (host ${host}) fails istiod validation, so it was rejected and never reaches the gateway.`,
        {
          resource: res('VirtualService', vs.metadata),
          hint: 'Fix the IST0106 errors listed for it in the diagnostics.',
        },
      ),
    )
  }
  for (const rvs of candidates) {
    out.push(...whyNotAttached(ctx, rvs, host, servers))
  }
  if (candidates.length === 0 && rejected.length === 0) {
    const covering = servers.filter((ms) => ms.server.hosts.some((h) => isSubsetOf(host, splitServerHost(h).host)))
    if (covering.length > 0) {
      const ms = covering[0]!
      out.push(
        item(
          'virtual_host',
          `${serverRef(ms).resource} accepts ${host}, but no VirtualService bound to ${ms.gatewayName} lists host ${host}.`,
          {
            resource: serverRef(ms).resource,
            hint: `Create a VirtualService with hosts: [${host}] and gateways: [${ms.gatewayName}].`,
            cause: 'host-mismatch',
          },
        ),
      )
    } else {
      const served = cachedList(servers, () => [...new Set(servers.flatMap((ms) => ms.server.hosts))])
      out.push(
        item(
          'virtual_host',
          `No VirtualService has host ${host}, and no Gateway server on this port accepts it (they serve ${list(served)}).`,
          {
            hint: `Add ${host} to a Gateway server's hosts and to a VirtualService bound to that Gateway.`,
            cause: 'host-mismatch',
          },
        ),
      )
    }
  }
  return out
}

const listCache = new WeakMap<object, string[]>()

/** A list derived from `owner` once (domains of a route config, hosts of its servers). */
function cachedList(owner: object, make: () => string[]): string[] {
  let hit = listCache.get(owner)
  if (hit === undefined) {
    hit = make()
    listCache.set(owner, hit)
  }
  return hit
}

const hostIndex = new WeakMap<
  ExplainContext['t'],
  { exact: Map<string, ResolvedVirtualService[]>; wildcard: ResolvedVirtualService[] }
>()

/** VirtualServices with a host matching `host`, via an index built once per translation. */
function virtualServicesForHost(t: ExplainContext['t'], host: string): ResolvedVirtualService[] {
  let idx = hostIndex.get(t)
  if (idx === undefined) {
    idx = { exact: new Map(), wildcard: [] }
    for (const v of t.virtualServices) {
      if (v.hosts.some((h) => h.startsWith('*'))) {
        idx.wildcard.push(v)
      }
      for (const h of new Set(v.hosts.filter((x) => !x.startsWith('*')).map((x) => x.toLowerCase()))) {
        const list = idx.exact.get(h)
        if (list === undefined) {
          idx.exact.set(h, [v])
        } else {
          list.push(v)
        }
      }
    }
    hostIndex.set(t, idx)
  }
  const wild = idx.wildcard.filter((v) => v.hosts.some((h) => hostsMatch(h.toLowerCase(), host)))
  const exact = idx.exact.get(host) ?? []
  return t.virtualServices.length === 0
    ? []
    : [...new Set([...exact, ...wild])].sort((a, b) => t.virtualServices.indexOf(a) - t.virtualServices.indexOf(b))
}

function whyNotAttached(
  ctx: ExplainContext,
  rvs: ResolvedVirtualService,
  host: string,
  servers: ExplainContext['t']['merged']['servers'],
): ExplanationItem[] {
  const { t } = ctx
  const vs = rvs.vs
  const r = res('VirtualService', vs.metadata)
  const ns = vs.metadata.namespace
  if (vs.spec.gateways === undefined) {
    return [
      item(
        'virtual_host',
        `${r} has no gateways field, so it applies only to sidecars inside the mesh and never to the ingress gateway.`,
        {
          resource: r,
          path: 'spec.gateways',
          hint: `Add gateways: [${servers[0]?.gatewayName ?? '<namespace>/<gateway>'}] to ${r}.`,
          cause: 'no-gateways',
        },
      ),
    ]
  }
  if (!rvs.exportTo.includes('*') && !rvs.exportTo.includes(t.env.pod.namespace)) {
    return [
      item(
        'virtual_host',
        `${r} has exportTo ${JSON.stringify(vs.spec.exportTo)}, so it is invisible to the gateway in namespace ${t.env.pod.namespace}.`,
        { resource: r, path: 'spec.exportTo', hint: `Remove exportTo or add "${t.env.pod.namespace}" (or "*").` },
      ),
    ]
  }
  const out: ExplanationItem[] = []
  const here = new Set(servers.map((s) => s.gatewayName))
  rvs.gateways.forEach((g, i) => {
    if (g === 'mesh' || here.has(g)) {
      return
    }
    const path = `spec.gateways[${i}]`
    const written = vs.spec.gateways?.[i] ?? g
    const sel = t.selections.find((s) => s.name === g)
    if (sel === undefined) {
      const same = t.selections.filter((s) => s.gateway.metadata.name === g.split('/')[1])
      const hint =
        same.length > 0
          ? `Did you mean ${same.map((s) => s.name).join(' or ')}? A bare name refers to the VirtualService's own namespace (${ns}).`
          : 'Use <namespace>/<name> of an existing Gateway.'
      out.push(
        item(
          'virtual_host',
          `${r} refers to gateway "${written}", which resolves to ${g}; no such Gateway exists, so istiod ignores the reference.`,
          { resource: r, path, hint, cause: 'gateway-not-found' },
        ),
      )
    } else if (!sel.selected) {
      out.push(
        item(
          'virtual_host',
          `${r} is bound to ${g}, but that Gateway selects ${labels(sel.gateway.spec.selector)}, which does not match the ingress gateway pod.`,
          {
            resource: res('Gateway', sel.gateway.metadata),
            path: 'spec.selector',
            hint: 'Fix the Gateway selector (usually istio: ingressgateway).',
            cause: 'selector-no-pod',
          },
        ),
      )
    } else {
      const ports = t.merged.servers.filter((s) => s.gatewayName === g).map((s) => String(s.listenPort))
      out.push(
        item(
          'virtual_host',
          `${r} is bound to ${g}, which listens on port${ports.length > 1 ? 's' : ''} ${list([...new Set(ports)])}, not on ${ctx.trace.request.port}.`,
          {
            resource: r,
            path,
            hint: 'Send the request to that port, or bind the VirtualService to the Gateway serving this port.',
          },
        ),
      )
    }
  })
  for (const a of ctx.trace.routeConfig?.attachments.filter((x) => x.vs === rvs) ?? []) {
    const gw = res('Gateway', a.server.gateway.metadata)
    if (a.hosts.length === 0) {
      out.push(hostMismatch(r, gw, a.server, rvs, host))
    } else if (!a.attached) {
      const dropped = t.dropped.filter((d) => d.vs === rvs).map((d) => `${d.path}: ${d.detail}`)
      out.push(
        item(
          'virtual_host',
          `${r} matches ${gw} but none of its rules produced a route for server port ${a.server.server.port.number}${dropped.length > 0 ? ` (${list(dropped, 3)})` : ''}.`,
          { resource: r, path: 'spec.http', hint: 'Check match.port and match.gateways in its rules.' },
        ),
      )
    }
  }
  if (out.length === 0 && !rvs.gateways.some((g) => here.has(g))) {
    out.push(
      item('virtual_host', `${r} is not bound to a Gateway serving this port.`, { resource: r, path: 'spec.gateways' }),
    )
  }
  return out
}

function hostMismatch(
  r: string,
  gw: string,
  ms: ExplainContext['t']['merged']['servers'][number],
  rvs: ResolvedVirtualService,
  host: string,
): ExplanationItem {
  const scoped = ms.server.hosts.filter((h) => h.includes('/') && hostsMatch(splitServerHost(h).host, host))
  if (scoped.length > 0) {
    const ns = splitServerHost(scoped[0]!).namespace
    return item(
      'virtual_host',
      `${gw} serves ${scoped[0]}, which admits only VirtualServices in namespace ${ns}; ${r} is in ${rvs.vs.metadata.namespace}, so it was not attached.`,
      {
        resource: gw,
        path: `spec.servers[${ms.index}].hosts`,
        hint: `Move the VirtualService to ${ns}, or use */${splitServerHost(scoped[0]!).host} in the Gateway.`,
        cause: 'host-mismatch',
      },
    )
  }
  return item(
    'virtual_host',
    `${gw} serves only ${list(ms.server.hosts)}, so ${r} (host ${list(rvs.vs.spec.hosts)}) was not attached.`,
    {
      resource: gw,
      path: `spec.servers[${ms.index}].hosts`,
      hint: `Add ${host} to the Gateway's hosts or change the VirtualService host.`,
      cause: 'host-mismatch',
    },
  )
}

/** Why the vhost answers 301: a server with httpsRedirect. */
export function explainTlsRedirect(ctx: ExplainContext): ExplanationItem[] {
  const { t, result, trace } = ctx
  const domains = new Set(trace.vhost?.domains ?? [])
  const servers = serversOfRouteConfig(t, result.routeConfig ?? '').filter(
    (ms) =>
      ms.server.tls?.httpsRedirect === true &&
      ms.server.hosts.some(
        (h) => domains.has(h.toLowerCase()) || [...domains].some((d) => hostsMatch(d, splitServerHost(h).host)),
      ),
  )
  const ms = servers[0]
  if (ms === undefined) {
    return [
      item(
        'virtual_host',
        `Virtual host ${result.virtualHost} requires TLS, so plaintext requests get 301 to ${result.location}.`,
      ),
    ]
  }
  return [
    item(
      'virtual_host',
      `${serverRef(ms).resource} sets tls.httpsRedirect: true, so virtual host ${result.virtualHost} requires TLS and plaintext requests get 301 to ${result.location}.`,
      {
        ...serverRef(ms),
        path: `spec.servers[${ms.index}].tls.httpsRedirect`,
        hint: 'Send HTTPS to the HTTPS port, or remove httpsRedirect if plaintext should be served.',
      },
    ),
  ]
}
