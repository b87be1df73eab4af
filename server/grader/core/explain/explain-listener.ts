// Explains misses at the listener and filter-chain hops: no Gateway, selector not matching the
// pod, port translation, dropped or route-less servers, rejected Gateways, SNI, TLS vs plaintext.
// Pure.
import { type ExplainContext, item, labels, list, res, serverRef } from './context.ts'
import type { ExplanationItem } from '../simulate/request.ts'
import { isHTTPProtocol } from '../translate/merged.ts'

/** Why nothing listens on the request port. */
export function explainNoListener(ctx: ExplainContext): ExplanationItem[] {
  const { t, model, trace } = ctx
  const port = trace.request.port
  const out: ExplanationItem[] = []
  const ports = t.listeners.map((l) => l.summary.port)
  if (model.gateways.length === 0) {
    out.push(
      item(
        'listener',
        `No Gateway exists, so the ingress gateway has no listener at all and port ${port} refuses the connection.`,
        {
          hint: 'Create a Gateway with selector istio: ingressgateway and a server for this port.',
        },
      ),
    )
  }
  for (const sel of t.selections.filter((s) => !s.selected)) {
    const hint = sel.legacySelector
      ? `Change spec.selector to match the pod labels (usually istio: ingressgateway).`
      : 'The Gateway references a Service that does not select this gateway pod.'
    out.push(
      item(
        'listener',
        `${res('Gateway', sel.gateway.metadata)} selects ${labels(sel.gateway.spec.selector)}, but the ingress gateway pod in ${t.env.pod.namespace} is labelled ${labels(t.env.pod.labels)}, so its servers are ignored.`,
        {
          resource: res('Gateway', sel.gateway.metadata),
          path: 'spec.selector',
          hint,
          cause: 'selector-no-pod',
        },
      ),
    )
  }
  for (const gw of model.rejected.filter((r) => r.kind === 'Gateway')) {
    out.push(
      item(
        'listener',
        `${res('Gateway', gw.metadata)} fails istiod validation, so it is rejected and none of its servers exist.`,
        {
          resource: res('Gateway', gw.metadata),
          hint: 'Fix the IST0106 errors listed for it in the diagnostics.',
        },
      ),
    )
  }
  out.push(...explainTranslatedPort(ctx))
  for (const d of t.merged.dropped.filter((x) => x.server.listenPort === port)) {
    out.push(
      item(
        'listener',
        `${serverRef(d.server).resource} spec.servers[${d.server.index}] on port ${port} was dropped: ${d.reason}.`,
        { ...serverRef(d.server), hint: 'Use a different port, or merge the servers into one Gateway.' },
      ),
    )
  }
  for (const ms of t.merged.servers.filter((s) => s.listenPort === port && !isHTTPProtocol(s.server.port.protocol))) {
    const kind = ms.server.tls === undefined ? 'tcp' : 'tls'
    out.push(
      item(
        'listener',
        `${serverRef(ms).resource} spec.servers[${ms.index}] (${ms.server.port.protocol} on port ${port}) has no matching ${kind} rule in a VirtualService bound to ${ms.gatewayName}, and a ${ms.server.port.protocol} server without routes creates no listener.`,
        {
          ...serverRef(ms),
          hint: `Add a VirtualService with gateways: [${ms.gatewayName}] and a ${kind} rule${kind === 'tls' ? ' whose sniHosts match the server hosts' : ` matching port ${ms.server.port.number}`}.`,
        },
      ),
    )
  }
  if (out.length === 0) {
    out.push(
      item(
        'listener',
        `No Gateway server listens on port ${port}; Envoy listens on ${ports.length === 0 ? 'no port at all' : `port${ports.length > 1 ? 's' : ''} ${list([...new Set(ports)].map(String))}`}.`,
        {
          hint: `Send the request to one of those ports, or add a server with port ${port} to a Gateway.`,
        },
      ),
    )
  }
  return out
}

/** Why no filter chain accepts the request (SNI). */
export function explainNoFilterChain(ctx: ExplainContext): ExplanationItem[] {
  const { trace } = ctx
  const l = trace.listener
  if (l === undefined) {
    return []
  }
  const names = [...new Set(l.chains.flatMap((c) => c.summary.server_names))]
  const req = trace.request
  const sni = l.hasTlsInspector ? req.sni : ''
  const what = req.tls ? `the TLS request's SNI "${sni}"` : 'a plaintext request (no SNI)'
  const out = [
    item(
      'filter_chain',
      `Listener ${l.summary.name} only accepts TLS connections for ${list(names)}; ${what} matches none of them, so Envoy resets the connection.`,
      {
        hint: req.tls
          ? 'Send the SNI of a host the Gateway serves, or add the host to the Gateway server (and a tls rule for PASSTHROUGH).'
          : 'Use HTTPS/TLS on this port, or send plaintext HTTP to the HTTP port.',
        ...(req.tls ? { cause: 'host-mismatch' as const } : {}),
      },
    ),
  ]
  for (const c of l.chains) {
    const ms = c.servers[0]
    if (ms === undefined || c.tcp === undefined || c.tcp.origin === undefined) {
      continue
    }
    out.push(
      item(
        'filter_chain',
        `Chain for ${list(c.summary.server_names)} comes from ${res('VirtualService', c.tcp.origin.vs.vs.metadata)} ${c.tcp.origin.path}.`,
        { resource: res('VirtualService', c.tcp.origin.vs.vs.metadata), path: c.tcp.origin.path },
      ),
    )
  }
  return out
}

/** Plaintext on a TLS-terminating chain, or TLS/TCP on an HTTP chain. */
export function explainProtocol(ctx: ExplainContext): ExplanationItem[] {
  const { trace, result } = ctx
  const chain = trace.chain
  const ms = chain?.servers[0]
  const ref: { resource?: string; path?: string } = ms === undefined ? {} : serverRef(ms)
  if (result.reason === 'tls_error') {
    return [
      item(
        'filter_chain',
        `The filter chain of listener ${result.listener} terminates TLS (${ref.resource ?? 'an HTTPS server'}), but the request is plaintext, so the TLS handshake fails.`,
        { ...ref, hint: 'Send HTTPS to this port (curl https://… with --resolve or -k), or use the HTTP port.' },
      ),
    ]
  }
  if (result.reason === 'multiple_filter_chains') {
    return [
      item(
        'filter_chain',
        `Several filter chains of listener ${result.listener} match the request equally well; Envoy rejects such a listener.`,
        { hint: 'Make the Gateway server hosts on this port distinct.' },
      ),
    ]
  }
  const expects = chain?.kind === 'tcp' ? 'raw TCP' : chain?.summary.tls === 'terminate' ? 'HTTPS' : 'plaintext HTTP'
  return [
    item(
      'filter_chain',
      `Listener ${result.listener} expects ${expects} here, but the request is ${trace.request.tls ? 'TLS' : trace.request.protocol.toUpperCase()}.`,
      { ...ref, hint: 'Match the request protocol to the Gateway server protocol on this port.' },
    ),
  ]
}

/** Per translation and port: the same sentences serve every request to that port. */
const translatedPortMemo = new WeakMap<ExplainContext['t'], Map<number, ExplanationItem[]>>()

/**
 * The request used the Service port while Envoy listens on the targetPort. One item per Envoy
 * port, naming the Gateways (a class-sized config has a hundred of them: name a few, count the rest).
 */
function explainTranslatedPort(ctx: ExplainContext): ExplanationItem[] {
  let byPort = translatedPortMemo.get(ctx.t)
  if (byPort === undefined) {
    byPort = new Map()
    translatedPortMemo.set(ctx.t, byPort)
  }
  const port = ctx.trace.request.port
  let items = byPort.get(port)
  if (items === undefined) {
    items = translatedPort(ctx.t, port)
    byPort.set(port, items)
  }
  return items.map((i) => ({ ...i }))
}

function translatedPort(t: ExplainContext['t'], port: number): ExplanationItem[] {
  const byListenPort = new Map<number, Array<ReturnType<typeof serverRef>>>()
  const seen = new Set<string>()
  for (const ms of t.merged.servers) {
    const key = `${ms.gatewayName}|${ms.listenPort}`
    if (ms.server.port.number === port && ms.listenPort !== port && !seen.has(key)) {
      seen.add(key)
      byListenPort.set(ms.listenPort, [...(byListenPort.get(ms.listenPort) ?? []), serverRef(ms)])
    }
  }
  return [...byListenPort].map(([listenPort, refs]) => {
    const target = t.targets.find((x) => x.port === port && x.targetPort === listenPort)
    const via = target === undefined ? '' : ` (${target.owner} maps port ${port} to targetPort ${listenPort})`
    const first = refs[0] as ReturnType<typeof serverRef>
    const named =
      refs.length === 1
        ? first.resource
        : `${refs.length} Gateways (${list(refs.slice(0, 3).map((r) => r.resource.replace(/^Gateway /, '')))}${refs.length > 3 ? ', …' : ''})`
    const verb = refs.length === 1 ? 'serves' : 'serve'
    return item(
      'listener',
      `${named} ${verb} Gateway port ${port}, but Envoy listens on ${listenPort}${via}; port ${port} is the Service port, not Envoy's.`,
      {
        ...first,
        hint: `Send the request to port ${listenPort} (Envoy's port), or reach it through the Service on port ${port}.`,
      },
    )
  })
}
