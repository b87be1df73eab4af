// Check kind `status`: a condition of a Kubernetes Gateway API object (a Gateway, one of its
// listeners, or a route's parent entry) as istiod writes it: Accepted, Programmed, ResolvedRefs,
// Conflicted. Offline the grader core predicts the status from the learner's files; live, the
// status istiod wrote on the object decides (the prediction when istiod has written none yet). A
// failure names the field to fix and its cause (host-mismatch, not-allowed-by-listener, ...).
import { Type, type Static } from '@sinclair/typebox'
import type { Cause } from '../../causes.ts'
import type { CheckKind, CheckOutcome } from '../../types.ts'
import { graderInput, type GraderInput } from '../../grader-input.ts'
import {
  causeOfCondition,
  GATEWAY_API_KINDS,
  gatewayApiOf,
  type GatewayApiView,
  listenerProblems,
  findingWithHint,
  quoteFinding,
} from '../../../grader/judge/gateway-api.ts'
import { gatewayParam } from '../../../grader/judge/request.ts'
import { ran, unverified } from '../../../grader/judge/verdict.ts'
import type { Condition } from '../../../grader/core/gateway-api/status.ts'
import type { AnyRoute, ParentReference } from '../../../grader/core/gateway-api/types.ts'

const routeKinds = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'] as const

const params = Type.Object(
  {
    object: Type.Object(
      {
        kind: Type.Union([Type.Literal('Gateway'), ...routeKinds.map((k) => Type.Literal(k))], {
          description: 'A gateway.networking.k8s.io Gateway or route.',
        }),
        name: Type.String({ minLength: 1 }),
        namespace: Type.Optional(Type.String({ minLength: 1, description: 'Default: the learner namespace.' })),
      },
      { additionalProperties: false },
    ),
    condition: Type.String({
      pattern: '^[A-Z][A-Za-z]+$',
      description: 'The condition type: Accepted, Programmed, ResolvedRefs or Conflicted.',
    }),
    status: Type.Optional(
      Type.Union([Type.Literal('True'), Type.Literal('False')], { description: 'The expected status. Default True.' }),
    ),
    listener: Type.Optional(
      Type.String({ minLength: 1, description: "A Gateway's listener by name: its own condition, not the Gateway's." }),
    ),
    parent: Type.Optional(gatewayParam()),
  },
  { additionalProperties: false },
)
type Params = Static<typeof params>

/** A Gateway API condition holds as istiod writes it. */
export const statusCheck: CheckKind<Params> = {
  kind: 'status',
  description:
    'A condition (Accepted, Programmed, ResolvedRefs, ...) of a Kubernetes Gateway, one of its listeners, or a route on its parent Gateway, as istiod writes it.',
  paramsSchema: params,
  reads: () => ['Gateway', 'Service', 'Secret', ...GATEWAY_API_KINDS],
  async run(p, ctx) {
    const input = await graderInput(ctx)
    const ns = p.object.namespace ?? input.learnerNamespace
    const want = p.status ?? 'True'
    const view = gatewayApiOf(input)
    const what = `${p.object.kind} ${ns}/${p.object.name}`
    const rejected = view.model.findings.find(
      (f) => f.resource.kind === p.object.kind && f.resource.namespace === ns && f.resource.name === p.object.name,
    )
    if (rejected !== undefined) {
      return fail(`${what}: the API server refuses it, so it has no status`, quoteFinding(rejected), 'field-wrong')
    }
    const found =
      p.object.kind === 'Gateway'
        ? gatewayStatus(input, view, ns, p)
        : routeStatus(input, view, ns, p as Params & { object: { kind: AnyRoute['kind'] } })
    if ('unverified' in found) {
      return unverified(`${what}: ${found.unverified}`)
    }
    if ('problem' in found) {
      return fail(`${what}: ${found.problem}`, found.hint, found.cause)
    }
    const bad = found.entries.find((e) => e.condition?.status !== want)
    if (bad === undefined) {
      const c = found.entries[0]?.condition
      const message = `${what}${found.entries[0]?.where ?? ''}: ${p.condition} is ${want}${c === undefined ? '' : ` (${c.reason})`}`
      return { passed: true, message: `${message}.`, layers: [ran('config', true, found.source)] }
    }
    const c = bad.condition
    const message =
      c === undefined
        ? `${what}${bad.where}: istiod writes no ${p.condition} condition here`
        : `${what}${bad.where}: ${p.condition} is ${c.status} (${c.reason}): ${c.message}`
    const cause = c === undefined ? 'field-wrong' : (bad.cause ?? causeOfCondition(c))
    return fail(message, bad.hint ?? '', cause, found.source)
  },
}

/** A failed outcome; the layer says where the condition came from (istiod's write or the prediction). */
function fail(message: string, hint: string, cause: Cause, source?: string): CheckOutcome {
  return {
    passed: false,
    message: `${message}.`,
    ...(hint === '' ? {} : { hint }),
    cause,
    layers: [ran('config', false, source === undefined ? message : `${message} (${source})`)],
  }
}

interface Entry {
  /** ` listener "http"`, ` on Gateway infra/shared`. */
  where: string
  condition: Condition | undefined
  hint?: string
  cause?: Cause
}

type Found =
  { entries: Entry[]; source: string } | { problem: string; hint: string; cause: Cause } | { unverified: string }

const predicted = 'predicted from your resources'

/** Conditions istiod wrote on the live object (`status.conditions`, or a listener's). */
function liveConditions(input: GraderInput, kind: string, ns: string, name: string): unknown {
  if (!input.live) {
    return undefined
  }
  const o = input.objects.find(
    (x) =>
      x.origin === 'cluster' &&
      x.ref.group === 'gateway.networking.k8s.io' &&
      x.ref.kind === kind &&
      x.ref.namespace === ns &&
      x.ref.name === name,
  )
  return o?.object['status'] ?? undefined
}

function conditionIn(list: unknown, type: string): Condition | undefined {
  return Array.isArray(list)
    ? (list as Condition[]).find((c) => typeof c === 'object' && c !== null && c.type === type)
    : undefined
}

function gatewayStatus(input: GraderInput, view: GatewayApiView, ns: string, p: Params): Found {
  const key = `${ns}/${p.object.name}`
  const gw = view.model.gateways.find((g) => g.metadata.namespace === ns && g.metadata.name === p.object.name)
  if (gw === undefined) {
    return {
      problem: `there is no such Gateway in ${input.sourceDescription}`,
      hint: `Create the Gateway ${p.object.name} in namespace ${ns} (apiVersion gateway.networking.k8s.io/v1).`,
      cause: 'object-missing',
    }
  }
  const info = view.conversion.gateways.find((g) => g.key === key)
  if (info === undefined) {
    return {
      problem: `gatewayClassName "${gw.spec.gatewayClassName}" is not handled by Istio, so istiod writes no status`,
      hint: 'spec.gatewayClassName must be istio (or a GatewayClass whose controllerName is istio.io/gateway-controller).',
      cause: 'field-wrong',
    }
  }
  const status = view.conversion.status.gateways.find(
    (g) => g.resource.namespace === ns && g.resource.name === gw.metadata.name,
  )
  const live = liveConditions(input, 'Gateway', ns, gw.metadata.name) as
    { conditions?: unknown; listeners?: Array<{ name?: string; conditions?: unknown }> } | undefined
  if (p.listener !== undefined) {
    const li = status?.listeners.find((l) => l.name === p.listener)
    if (li === undefined) {
      return {
        problem: `it has no listener named "${p.listener}"`,
        hint: `Name a listener "${p.listener}" in spec.listeners (its names: ${info.listeners.map((l) => l.listener.name).join(', ')}).`,
        cause: 'object-missing',
      }
    }
    const real = live?.listeners?.find((l) => l.name === p.listener)?.conditions
    const tls = info.listeners.find((l) => l.listener.name === p.listener)?.listener.tls
    if (real === undefined && tls !== undefined && info.unverified.length > 0) {
      // A Secret made with `kubectl create secret tls` is not in the learner's files.
      return {
        unverified: `needs the cluster: ${info.unverified.join('; ')} (a Secret made with kubectl create is not in your files)`,
      }
    }
    const problem = listenerProblems(info).find((x) => x.listener === p.listener)?.problem
    return {
      source: real === undefined ? predicted : 'as istiod wrote it',
      entries: [
        {
          where: ` listener "${p.listener}"`,
          condition: real === undefined ? conditionIn(li.conditions, p.condition) : conditionIn(real, p.condition),
          ...(problem === undefined ? {} : { hint: `${problem.message}. ${problem.hint}`, cause: problem.cause }),
        },
      ],
    }
  }
  const finding = view.findings.find(
    (f) => f.resource.kind === 'Gateway' && f.resource.namespace === ns && f.resource.name === gw.metadata.name,
  )
  const listener = listenerProblems(info)[0]?.problem
  const hint =
    finding !== undefined
      ? findingWithHint(finding)
      : listener === undefined
        ? undefined
        : `${listener.message}. ${listener.hint}`
  return {
    source: live?.conditions === undefined ? predicted : 'as istiod wrote it',
    entries: [
      {
        where: '',
        condition: conditionIn(live?.conditions ?? status?.conditions, p.condition),
        ...(hint === undefined ? {} : { hint }),
        ...(listener === undefined || finding !== undefined ? {} : { cause: listener.cause }),
      },
    ],
  }
}

function routeStatus(
  input: GraderInput,
  view: GatewayApiView,
  ns: string,
  p: Params & { object: { kind: AnyRoute['kind'] } },
): Found {
  const rc = view.conversion.routes.find(
    (r) =>
      r.route.kind === p.object.kind && r.route.metadata.namespace === ns && r.route.metadata.name === p.object.name,
  )
  if (rc === undefined) {
    return {
      problem: `there is no such ${p.object.kind} in ${input.sourceDescription}`,
      hint: `Create the ${p.object.kind} ${p.object.name} in namespace ${ns}.`,
      cause: 'object-missing',
    }
  }
  const route = rc.route
  const parentKey = (i: number): string => {
    const ref = route.spec.parentRefs[i]!
    return `${ref.namespace ?? ns}/${ref.name}`
  }
  const parents = rc.parents.filter((x) => p.parent === undefined || parentKey(x.parentIndex) === p.parent)
  if (parents.length === 0) {
    return {
      problem:
        p.parent === undefined
          ? 'it has no parentRefs, so it is attached to no Gateway'
          : `no entry of spec.parentRefs names the Gateway ${p.parent}`,
      hint: `spec.parentRefs must name the Gateway${p.parent === undefined ? '' : ` ${p.parent} (name and, from another namespace, namespace)`}.`,
      cause: 'parent-not-found',
    }
  }
  const unhandled = parents.find((x) => x.gateway === undefined)
  if (unhandled !== undefined) {
    return {
      problem: `spec.parentRefs[${unhandled.parentIndex}] names the Gateway ${parentKey(unhandled.parentIndex)}, which does not exist or Istio does not handle, so istiod writes no status for it`,
      hint: `spec.parentRefs[${unhandled.parentIndex}]: name and namespace must name an existing Gateway of class istio (kubectl get gateway -A).`,
      cause: 'parent-not-found',
    }
  }
  const status = view.conversion.status.routes.find(
    (s) => s.resource.kind === route.kind && s.resource.namespace === ns && s.resource.name === route.metadata.name,
  )
  const live = liveConditions(input, route.kind, ns, route.metadata.name) as
    { parents?: Array<{ parentRef?: LiveParentRef; conditions?: unknown }> } | undefined
  const findings = view.findings.filter(
    (f) => f.resource.kind === route.kind && f.resource.namespace === ns && f.resource.name === route.metadata.name,
  )
  // status.parents lists the handled parents in parentRefs order.
  const handled = rc.parents.filter((x) => x.gateway !== undefined)
  const entries = parents.map((x): Entry => {
    const key = parentKey(x.parentIndex)
    const predictedParent = status?.parents[handled.indexOf(x)]
    const real = live?.parents?.find((lp) => sameParent(lp.parentRef, x.parentRef, ns))?.conditions
    const condition = conditionIn(real ?? predictedParent?.conditions, p.condition)
    const finding = findings.find((f) =>
      p.condition === 'ResolvedRefs'
        ? f.message.startsWith('ResolvedRefs')
        : f.path?.startsWith(`spec.parentRefs[${x.parentIndex}]`) === true || f.path === 'spec.hostnames',
    )
    const hint =
      finding !== undefined
        ? findingWithHint(finding)
        : condition !== undefined && condition.status === 'False'
          ? `spec.parentRefs[${x.parentIndex}] on Gateway ${key}: ${condition.message}.`
          : undefined
    return { where: ` on Gateway ${key}`, condition, ...(hint === undefined ? {} : { hint }) }
  })
  return { source: live?.parents === undefined ? predicted : 'as istiod wrote it', entries }
}

/** A parentRef as istiod copies it into `status.parents` (from the API server, so unchecked). */
interface LiveParentRef {
  name?: unknown
  namespace?: unknown
  sectionName?: unknown
  port?: unknown
}

/**
 * The live status entry of one parentRef: the same Gateway and the same listener selection, since
 * a route may name one Gateway twice (sectionName "http" and "https") and istiod writes one entry each.
 */
function sameParent(live: LiveParentRef | undefined, ref: ParentReference, routeNamespace: string): boolean {
  return (
    live !== undefined &&
    live.name === ref.name &&
    (live.namespace ?? routeNamespace) === (ref.namespace ?? routeNamespace) &&
    live.sectionName === ref.sectionName &&
    live.port === ref.port
  )
}
