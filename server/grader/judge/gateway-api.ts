// The Kubernetes Gateway API side of a grader input: the Gateway API objects of the input read
// into the core's model (with file lines), istiod's conversion of them, the input a Kubernetes
// Gateway's own proxy is graded on (`gateway: ns/name` on a request check), and the learner's
// problem the status would show, as a hint naming the field to fix and a cause. Pure.
import type { Cause } from '../../checks/causes.ts'
import type { GraderInput } from '../../checks/grader-input.ts'
import type { Finding } from '../core/findings.ts'
import { gatewayEnvironment, proxyModel } from '../core/gateway-api/analyze.ts'
import { convertGatewayApi, type GatewayApiConversion } from '../core/gateway-api/convert.ts'
import type { GatewayInfo } from '../core/gateway-api/gateways.ts'
import { addGatewayApiObject } from '../core/gateway-api/model.ts'
import type { Condition } from '../core/gateway-api/status.ts'
import { statusFindings } from '../core/gateway-api/status-findings.ts'
import { emptyGatewayApiModel, type GatewayApiModel } from '../core/gateway-api/types.ts'

/** Kinds only the Gateway API has (a `Gateway` may be either API: the group tells). */
export const GATEWAY_API_KINDS: readonly string[] = [
  'GatewayClass',
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'ReferenceGrant',
  'Namespace',
]

/** The Gateway API objects of an input, converted as istiod converts them. */
export interface GatewayApiView {
  model: GatewayApiModel
  conversion: GatewayApiConversion
  /** IST0106 (what the API server refuses) and IST0171 (False conditions), with field pointers. */
  findings: Finding[]
}

const views = new WeakMap<GraderInput, GatewayApiView>()

/** The input's Gateway API view (computed once per input). */
export function gatewayApiOf(input: GraderInput): GatewayApiView {
  let v = views.get(input)
  if (v === undefined) {
    const model = emptyGatewayApiModel()
    for (const o of input.objects) {
      if (o.ref.group === 'gateway.networking.k8s.io' || o.ref.kind === 'Namespace' || o.ref.kind === 'Secret') {
        addGatewayApiObject(model, o.object, o.source, o.ref.namespace, o.lineAt)
      }
    }
    const conversion = convertGatewayApi(model, input.model)
    v = { model, conversion, findings: [...model.findings, ...statusFindings(conversion, model, input.model)] }
    views.set(input, v)
  }
  return v
}

/** Why a Kubernetes Gateway has no proxy to grade. */
export interface NoProxy {
  message: string
  hint: string
  cause: Cause
}

const proxies = new WeakMap<GraderInput, Map<string, GraderInput | NoProxy>>()

/**
 * The input as the proxy of the Kubernetes Gateway `key` (`namespace/name`) sees it: the classic
 * model plus the internal Gateways, VirtualServices and Service istiod generates, translated for
 * that Gateway's pod, or why there is no such proxy.
 */
export function proxyInput(input: GraderInput, key: string): GraderInput | NoProxy {
  let byKey = proxies.get(input)
  if (byKey === undefined) {
    byKey = new Map()
    proxies.set(input, byKey)
  }
  let hit = byKey.get(key)
  if (hit === undefined) {
    hit = buildProxyInput(input, key)
    byKey.set(key, hit)
  }
  return hit
}

function buildProxyInput(input: GraderInput, key: string): GraderInput | NoProxy {
  const view = gatewayApiOf(input)
  const info = view.conversion.gateways.find((g) => g.key === key)
  if (info === undefined) {
    const [ns, name] = key.split('/')
    const found = view.model.gateways.find((g) => g.metadata.namespace === ns && g.metadata.name === name)
    return found === undefined
      ? {
          message: `there is no Kubernetes Gateway ${key} (gateway.networking.k8s.io) in ${input.sourceDescription}`,
          cause: 'object-missing',
          hint: `Create the Gateway ${key} with gatewayClassName istio (kubectl get gateway -A lists what exists).`,
        }
      : {
          message: `the Gateway ${key} has gatewayClassName "${found.spec.gatewayClassName}", which Istio does not handle, so no proxy serves it`,
          cause: 'field-wrong',
          hint: `Gateway ${key} spec.gatewayClassName must be istio, the class Istio's controller handles.`,
        }
  }
  const model = proxyModel(view.conversion, input.model, info)
  const environment = gatewayEnvironment(info)
  return {
    ...input,
    model: { ...model, findings: [...model.findings, ...view.findings] },
    ...(environment === undefined ? {} : { environment }),
    proxyOf: key,
  }
}

/** The Gateway of `key`, when Istio handles it. */
export function gatewayInfo(input: GraderInput, key: string): GatewayInfo | undefined {
  return gatewayApiOf(input).conversion.gateways.find((g) => g.key === key)
}

/** A problem the status of the learner's Gateway API objects shows. */
export interface StatusProblem {
  /** `HTTPRoute default/shop spec.parentRefs[0].sectionName (shop.yaml:9): ...` */
  message: string
  hint: string
  cause: Cause
}

/** The cause of a False condition, by its type and reason. */
export function causeOfCondition(c: Condition, onListener = false): Cause {
  switch (c.reason) {
    case 'NoMatchingListenerHostname':
      return 'host-mismatch'
    case 'NotAllowedByListeners':
      return 'not-allowed-by-listener'
    case 'NoMatchingParent':
      return 'parent-not-found'
    case 'RefNotPermitted':
    case 'NoValidCACertificate':
      return 'ref-not-permitted'
    case 'InvalidCertificateRef':
      return 'tls-credential'
    case 'UnsupportedProtocol':
      return 'protocol-mismatch'
    case 'AddressNotUsable':
      return 'port-not-on-service'
    case 'BackendNotFound':
    case 'InvalidKind':
      return 'destination-not-found'
    default:
      return onListener && c.type === 'ResolvedRefs' ? 'tls-credential' : 'field-wrong'
  }
}

/** `Kind ns/name path (file:line)` as findings are quoted. */
export function quoteFinding(f: Finding): string {
  const at =
    f.source?.file === undefined ? '' : ` (${f.source.file}${f.source.line === undefined ? '' : `:${f.source.line}`})`
  return `${f.resource.kind} ${f.resource.namespace}/${f.resource.name}${f.path === undefined ? '' : ` ${f.path}`}${at}: ${f.message}`
}

/** A quoted finding followed by its hint, as one or two sentences. */
export function findingWithHint(f: Finding): string {
  const quoted = quoteFinding(f)
  if (f.hint === undefined || f.hint === '') {
    return quoted
  }
  return `${quoted}${/[.!?]$/.test(quoted) ? '' : '.'} ${f.hint}`
}

/** The learner's objects, by `Kind/ns/name` (offline their files; live what the cluster lists in their namespaces). */
function learnerKeys(input: GraderInput): Set<string> {
  const own = input.ownNamespaces
  return new Set(
    input.objects
      .filter(
        (o) =>
          o.origin === 'learner' || (o.origin === 'cluster' && (own === undefined || own.includes(o.ref.namespace))),
      )
      .map((o) => `${o.ref.kind}/${o.ref.namespace}/${o.ref.name}`),
  )
}

/**
 * The first problem of the learner's Gateway API objects that can stop a request to the Gateway
 * `key` for `host`: the Gateway's own conditions, its listeners', then the routes that name it
 * (routes for the host first), including a parentRef to a Gateway that does not exist.
 */
export function statusProblem(input: GraderInput, key: string, port: number, host?: string): StatusProblem | undefined {
  const view = gatewayApiOf(input)
  const mine = learnerKeys(input)
  const [gwNs, gwName] = key.split('/') as [string, string]
  const info = view.conversion.gateways.find((g) => g.key === key)
  const out: StatusProblem[] = []
  if (info !== undefined && mine.has(`Gateway/${gwNs}/${gwName}`)) {
    out.push(
      ...listenerProblems(info)
        .filter((x) => x.port === port)
        .map((x) => x.problem),
    )
    for (const f of view.findings) {
      if (f.resource.kind === 'Gateway' && f.resource.namespace === gwNs && f.resource.name === gwName) {
        out.push({ message: quoteFinding(f), hint: f.hint ?? '', cause: causeOfFinding(f) })
      }
    }
  }
  const mineRoutes = view.conversion.routes.filter((rc) =>
    mine.has(`${rc.route.kind}/${rc.route.metadata.namespace}/${rc.route.metadata.name}`),
  )
  const forRequest = (rc: (typeof mineRoutes)[number]): boolean => {
    const spec = rc.route.spec
    if (!('hostnames' in spec)) {
      return host === undefined
    }
    return host !== undefined && (spec.hostnames.length === 0 || spec.hostnames.some((h) => hostCovers(h, host)))
  }
  const namesGateway = (rc: (typeof mineRoutes)[number]): boolean =>
    rc.route.spec.parentRefs.some((p) => p.name === gwName && (p.namespace ?? rc.route.metadata.namespace) === gwNs)
  // A route for this request whose parentRef finds no Gateway (a wrong name or namespace) counts too.
  const lost = (rc: (typeof mineRoutes)[number]): boolean =>
    forRequest(rc) && rc.parents.some((p) => p.gateway === undefined)
  const routes = mineRoutes.filter((rc) => namesGateway(rc) || lost(rc))
  const ordered = [...routes.filter(forRequest), ...routes.filter((rc) => !forRequest(rc))]
  for (const rc of ordered) {
    const r = rc.route
    const name = `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`
    rc.parents.forEach((p) => {
      if (p.gateway !== undefined) {
        return
      }
      const named = `${p.parentRef.namespace ?? r.metadata.namespace}/${p.parentRef.name}`
      const path = `spec.parentRefs[${p.parentIndex}]`
      const line = r.fieldLines?.[path]
      const at = r.source.file === undefined ? '' : ` (${r.source.file}${line === undefined ? '' : `:${line}`})`
      out.push({
        message: `${name} ${path}${at}: there is no Gateway ${named} of class istio, so the route is attached to nothing and gets no status`,
        hint:
          named === key
            ? `${path} names the Gateway ${key}; it must exist with gatewayClassName istio (kubectl get gateway -A).`
            : `${path} names the Gateway ${named}, not ${key}; without \`namespace\` a parentRef looks in the route's own namespace.`,
        cause: 'parent-not-found',
      })
    })
    if (r.kind === 'TCPRoute' || r.kind === 'TLSRoute') {
      // istioctl analyze reports no status of these (spec rule 38): the parent's condition itself.
      for (const p of rc.parents) {
        if (p.gateway?.key === key && p.accepted.status === 'False') {
          const path =
            p.accepted.reason === 'NoMatchingParent'
              ? `spec.parentRefs[${p.parentIndex}].sectionName`
              : `spec.parentRefs[${p.parentIndex}]`
          const line = r.fieldLines?.[path] ?? r.fieldLines?.[`spec.parentRefs[${p.parentIndex}]`]
          const at = r.source.file === undefined ? '' : ` (${r.source.file}${line === undefined ? '' : `:${line}`})`
          const names = p.gateway.listeners
            .filter((l) => !l.conflicted)
            .map((l) => `"${l.listener.name}" (${l.listener.protocol} ${l.listener.port})`)
          out.push({
            message: `${name} ${path}${at}: Accepted is False (${p.accepted.reason}): ${p.accepted.message}`,
            hint: `The listeners of Gateway ${key}: ${names.join(', ')}; a ${r.kind} attaches to a ${r.kind === 'TCPRoute' ? 'TCP' : 'TLS'} listener that allows it.`,
            cause: causeOfCondition(p.accepted),
          })
        }
      }
    }
    for (const f of view.findings) {
      if (
        f.resource.kind === r.kind &&
        f.resource.namespace === r.metadata.namespace &&
        f.resource.name === r.metadata.name
      ) {
        out.push({ message: quoteFinding(f), hint: f.hint ?? '', cause: causeOfFinding(f) })
      }
    }
  }
  return out[0]
}

/** The cause of an IST0171 finding (its message starts `<Type> is False (<Reason>)`), or the analyzer code. */
function causeOfFinding(f: Finding): Cause {
  const m = /^(\w+) is False \((\w+)\)/.exec(f.message)
  return m === null ? 'field-wrong' : causeOfCondition({ type: m[1]!, status: 'False', reason: m[2]!, message: '' })
}

/** The listener conditions istiod would set to False (istioctl analyze does not report these). */
export function listenerProblems(info: GatewayInfo): Array<{ port: number; listener: string; problem: StatusProblem }> {
  const g = info.gateway
  const out: Array<{ port: number; listener: string; problem: StatusProblem }> = []
  for (const li of info.listeners) {
    const bad = Object.values(li.conditions).filter(
      (c): c is Condition => c !== undefined && (c.type === 'Conflicted' ? c.status === 'True' : c.status === 'False'),
    )
    const c = bad.find((x) => x.type === 'ResolvedRefs') ?? bad[0]
    if (c === undefined) {
      continue
    }
    const tls =
      c.reason === 'InvalidCertificateRef' || c.reason === 'RefNotPermitted' || c.reason === 'NoValidCACertificate'
    const path = `spec.listeners[${li.index}]${tls ? '.tls.certificateRefs' : c.reason === 'UnsupportedProtocol' ? '.protocol' : ''}`
    const line = g.fieldLines?.[`spec.listeners[${li.index}]`]
    const at = g.source.file === undefined ? '' : ` (${g.source.file}${line === undefined ? '' : `:${line}`})`
    out.push({
      port: li.listener.port,
      listener: li.listener.name,
      problem: {
        message: `Gateway ${info.key} ${path}${at}: listener "${li.listener.name}" ${c.type} is ${c.status} (${c.reason}): ${c.message}`,
        hint: listenerHint(info, li.listener.name, c),
        cause: causeOfCondition(c, true),
      },
    })
  }
  return out
}

function listenerHint(info: GatewayInfo, listener: string, c: Condition): string {
  switch (c.reason) {
    case 'InvalidCertificateRef':
      return `certificateRefs of listener "${listener}" must name a kubernetes.io/tls Secret with tls.crt and tls.key in ${info.gateway.metadata.namespace} (or in a namespace whose ReferenceGrant allows it).`
    case 'RefNotPermitted':
    case 'NoValidCACertificate':
      return `The certificate of listener "${listener}" is in another namespace: a ReferenceGrant there must allow Gateways from ${info.gateway.metadata.namespace} to read Secrets.`
    case 'UnsupportedProtocol':
      return `Listener "${listener}": protocol must be one of HTTP, HTTPS, TLS, TCP, in upper case.`
    default:
      return `Listener "${listener}": ${c.message}`
  }
}

/** A route hostname (maybe `*.x`) covers the request host. */
function hostCovers(hostname: string, host: string): boolean {
  const h = host.replace(/:\d+$/, '').toLowerCase()
  return hostname.startsWith('*.') ? h.endsWith(hostname.slice(1)) : hostname === h
}

const generatedVs =
  /VirtualService ([a-z0-9.-]+)\/([a-z0-9.-]+)~([a-z0-9.-]+)~istio-autogenerated-k8s-gateway~([a-z0-9-]+)~([a-z0-9*.-]*[a-z0-9*])(?: (spec\.http\[\d+\])(?:\.match\[\d+\])?)?(?: \(([^)]*)\))?/g
const internalGateway = /(?:Gateway )?([a-z0-9.-]+)\/([a-z0-9.-]+)~istio-autogenerated-k8s-gateway~([a-z0-9.-]+)/g

/**
 * Rewrites the core's words about the internal objects istiod generates (VirtualServices named
 * `<ns>~<gw>~istio-autogenerated-k8s-gateway~<listener>~<host>`, internal Gateways) into the
 * learner's own: the HTTPRoute rule a generated route came from, with its file and line, and the
 * Gateway listener. Text without generated names is returned as it is.
 */
export function inLearnerTerms(input: GraderInput, text: string): string {
  if (!text.includes('~istio-autogenerated-k8s-gateway~')) {
    return text
  }
  const byName = new Map(
    gatewayApiOf(input).conversion.virtualServices.map((v) => [`${v.vs.metadata.namespace}/${v.vs.metadata.name}`, v]),
  )
  const out = text.replace(
    generatedVs,
    (all, vsNs: string, gwNs: string, gw: string, listener: string, host: string, path?: string) => {
      const v = byName.get(`${vsNs}/${gwNs}~${gw}~istio-autogenerated-k8s-gateway~${listener}~${host}`)
      const origin = path === undefined ? undefined : v?.origins.get(path)
      if (origin === undefined) {
        return `the routes for ${host} on listener "${listener}" of Gateway ${gwNs}/${gw}`
      }
      const r = origin.route
      const at =
        origin.source.file === undefined
          ? ''
          : ` (${origin.source.file}${origin.source.line === undefined ? '' : `:${origin.source.line}`})`
      return `${r.kind} ${r.namespace}/${r.name} ${origin.path}${at}`
    },
  )
  return out
    .replace(
      internalGateway,
      (_all, ns: string, gw: string, listener: string) => `listener "${listener}" of Gateway ${ns}/${gw}`,
    )
    .replace(/destination\.port\.number/g, 'the backendRef port')
}
