// Check kind `route`: a request (host, port, path, headers) through the ingress gateway ends where
// the lab expects: at a Service and port (and path), at a status such as 404 or 301, or nowhere.
// Layers: predicted config always; Envoy's config_dump and real traffic with a live cluster.
import { Type, type Static } from '@sinclair/typebox'
import type { CheckKind } from '../../types.ts'
import type { HttpProbeResult } from '../../live-services.ts'
import { GATEWAY_API_KINDS } from '../../../grader/judge/gateway-api.ts'
import { MODEL_READS, graderInput } from '../../grader-input.ts'
import { learnerIstioObjects, nothingToCheck } from '../../../grader/judge/analysis.ts'
import {
  describeOutcome,
  judgeRoute,
  type Outcome,
  type Judgement,
  type RouteExpectation,
  wrongTurnCause,
  wrongTurnHint,
} from '../../../grader/judge/judge.ts'
import { runLayers } from './layered.ts'
import { describeRequest, requestParams, toGatewayRequest } from '../../../grader/judge/request.ts'
import { outcome } from '../../../grader/judge/verdict.ts'

const expectSchema = Type.Object(
  {
    service: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Destination Service: a short name (in `namespace`, default the learner namespace) or an FQDN.',
      }),
    ),
    namespace: Type.Optional(Type.String({ minLength: 1, description: 'Namespace of a short service name.' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Destination Service port.' })),
    path: Type.Optional(
      Type.String({ pattern: '^/', description: 'Path the destination must receive (after rewrites).' }),
    ),
    status: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 599,
        description: 'Expected status instead of a destination, e.g. 404 or 301.',
      }),
    ),
    location: Type.Optional(Type.String({ description: 'Regular expression the redirect Location must match.' })),
    unreachable: Type.Optional(Type.Boolean({ description: 'Expect no route at all: refused, reset or 404.' })),
  },
  { additionalProperties: false },
)

const params = Type.Object({ ...requestParams, expect: expectSchema }, { additionalProperties: false })

/** A request through the gateway reaches the expected Service (or gets the expected status). */
export const routeCheck: CheckKind<Static<typeof params>> = {
  kind: 'route',
  description:
    'A request through the ingress gateway is routed to the expected Service and port, or gets the expected status (404, 301, ...).',
  paramsSchema: params,
  reads: (p) => (p.gateway === undefined ? MODEL_READS : [...MODEL_READS, ...GATEWAY_API_KINDS]),
  async run(p, ctx) {
    const input = await graderInput(ctx)
    const req = toGatewayRequest(p)
    const e = p.expect
    // "This host gets 404" holds for an empty configuration too: with nothing of the learner's, it proves nothing.
    if ((e.status !== undefined || e.unreachable === true) && learnerIstioObjects(input).length === 0) {
      return nothingToCheck(input, `${describeRequest(req)}: nothing to check yet`)
    }
    const ns = input.learnerNamespace
    const result = await runLayers(input, req, {
      config: (o) => judgeRoute(o, e, ns),
      wrongTurn: (o, t) => wrongTurnHint(t, o, e, ns) ?? otherAnswer(o, e),
      wrongTurnCause: (o, t) =>
        wrongTurnHint(t, o, e, ns) === undefined ? 'wrong-destination' : wrongTurnCause(t, o, e),
      http: (probe) => judgeTraffic(probe, e),
    })
    const what = describeRequest(req)
    const layer = result.layers.find((l) => l.passed === false) ?? result.layers.find((l) => l.passed === true)
    return outcome(
      result.layers,
      { passed: `${what}: ${layer?.message ?? 'ok'}.`, failed: `${what}: ${layer?.message ?? 'no layer could run'}.` },
      result.hint,
      result.detail,
      result.cause,
    )
  },
}

/**
 * A request that should get a status (a redirect, 404) but gets another answer from a rule: a
 * redirect with another code, or a backend. Misses (404, reset) are the core's to explain.
 */
function otherAnswer(o: Outcome, e: RouteExpectation): string | undefined {
  if (e.status === undefined || o.status === e.status || o.status === 404 || o.status === 'connection_reset') {
    return undefined
  }
  const got =
    o.cluster === undefined && o.weightedClusters === undefined
      ? `answers ${describeOutcome(o)}`
      : `goes to ${describeOutcome(o)}`
  return `A rule takes this request, but it ${got} where the step expects ${e.status}${e.location === undefined ? '' : ' with a Location'}.`
}

/** Real traffic: did the answer come from an upstream (routed) or from Envoy itself? */
export function judgeTraffic(probe: HttpProbeResult, e: RouteExpectation): Judgement {
  if (probe.status === undefined) {
    const passed = e.unreachable === true
    return { passed, message: `no HTTP answer (${probe.error ?? 'connection failed'})` }
  }
  const fromUpstream = Object.keys(probe.headers).some((h) => h.toLowerCase() === 'x-envoy-upstream-service-time')
  if (e.unreachable === true) {
    return { passed: probe.status === 404 && !fromUpstream, message: `answered ${probe.status}` }
  }
  if (e.status !== undefined) {
    return { passed: probe.status === e.status, message: `answered ${probe.status}` }
  }
  const passed = fromUpstream || (probe.status < 500 && probe.status !== 404)
  return {
    passed,
    message: passed
      ? `answered ${probe.status} from the destination`
      : `answered ${probe.status}${fromUpstream ? '' : ' from Envoy itself'}`,
  }
}
