// Check kind `http`: a request through the ingress gateway gets the expected answer: status,
// headers, body text. The prediction says whether the request reaches a backend (and which status
// Envoy itself would give); the body and the real status need traffic from a live cluster.
import { Type, type Static } from '@sinclair/typebox'
import type { CheckKind } from '../../types.ts'
import type { HttpProbeResult } from '../../live-services.ts'
import { GATEWAY_API_KINDS } from '../../../grader/judge/gateway-api.ts'
import { MODEL_READS, graderInput } from '../../grader-input.ts'
import { describeOutcome, type Judgement, type Outcome } from '../../../grader/judge/judge.ts'
import { runLayers } from './layered.ts'
import { describeRequest, requestParams, toGatewayRequest } from '../../../grader/judge/request.ts'
import { outcome } from '../../../grader/judge/verdict.ts'

const expectSchema = Type.Object(
  {
    status: Type.Union(
      [
        Type.Integer({ minimum: 100, maximum: 599 }),
        Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1 }),
      ],
      { default: 200, description: 'Accepted status code(s).' },
    ),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Response header name → regular expression its value must match.',
      }),
    ),
    bodyContains: Type.Optional(
      Type.String({ minLength: 1, description: 'Text the body must contain (case-insensitive).' }),
    ),
    bodyMatches: Type.Optional(Type.String({ minLength: 1, description: 'Regular expression the body must match.' })),
  },
  { additionalProperties: false, default: {}, description: 'What the answer must be; without it, a 200.' },
)

const params = Type.Object({ ...requestParams, expect: expectSchema }, { additionalProperties: false })
type Expect = Static<typeof expectSchema>

/** A request through the gateway gets the expected status, headers and body. */
export const httpCheck: CheckKind<Static<typeof params>> = {
  kind: 'http',
  description:
    'A request through the ingress gateway answers with the expected status, headers and body (the body needs the live cluster).',
  paramsSchema: params,
  reads: (p) => (p.gateway === undefined ? MODEL_READS : [...MODEL_READS, ...GATEWAY_API_KINDS]),
  async run(p, ctx) {
    const input = await graderInput(ctx)
    const req = toGatewayRequest(p)
    const e: Expect = p.expect
    const result = await runLayers(input, req, {
      config: (o) => judgePredicted(o, e),
      http: (probe) => judgeProbe(probe, e),
    })
    const what = describeRequest(req)
    const failed = result.layers.find((l) => l.passed === false)
    const last = [...result.layers].reverse().find((l) => l.passed === true)
    return outcome(
      result.layers,
      { passed: `${what}: ${last?.message ?? 'ok'}.`, failed: `${what}: ${failed?.message ?? 'no layer could run'}.` },
      result.hint,
      result.detail,
      result.cause,
    )
  },
}

function accepted(e: Expect): number[] {
  return Array.isArray(e.status) ? e.status : [e.status]
}

/**
 * The prediction knows statuses Envoy produces itself (404, 301, 503, direct responses, refused);
 * a request forwarded to an existing cluster counts as reaching the application.
 */
export function judgePredicted(o: Outcome, e: Expect): Judgement {
  const want = accepted(e)
  const forwarded = o.status === 200 && (o.cluster !== undefined || (o.weightedClusters?.length ?? 0) > 0)
  if (forwarded) {
    const appStatusOk = want.some((s) => s < 400)
    return {
      passed: appStatusOk,
      message: appStatusOk
        ? `reaches ${describeOutcome(o)}`
        : `reaches ${describeOutcome(o)}, expected ${want.join(' or ')} from Envoy`,
    }
  }
  const passed = typeof o.status === 'number' && want.includes(o.status)
  return {
    passed,
    message: passed
      ? `Envoy answers ${o.status}`
      : `expected ${want.join(' or ')}, Envoy would give ${describeOutcome(o)}`,
  }
}

/** Judges a real response: status, headers, body. */
export function judgeProbe(probe: HttpProbeResult, e: Expect): Judgement {
  const want = accepted(e)
  if (probe.status === undefined) {
    return { passed: false, message: `no HTTP answer (${probe.error ?? 'connection failed'})` }
  }
  if (!want.includes(probe.status)) {
    return { passed: false, message: `answered ${probe.status}, expected ${want.join(' or ')}` }
  }
  for (const [name, pattern] of Object.entries(e.headers ?? {})) {
    const value = Object.entries(probe.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
    if (value === undefined || !new RegExp(pattern, 'i').test(value)) {
      return {
        passed: false,
        message: `answered ${probe.status}, but header ${name} is ${value === undefined ? 'missing' : `"${value}"`}`,
      }
    }
  }
  if (e.bodyContains !== undefined && !probe.body.toLowerCase().includes(e.bodyContains.toLowerCase())) {
    return { passed: false, message: `answered ${probe.status}, but the page does not contain "${e.bodyContains}"` }
  }
  if (e.bodyMatches !== undefined && !new RegExp(e.bodyMatches, 'm').test(probe.body)) {
    return { passed: false, message: `answered ${probe.status}, but the body is not the one the check expects` }
  }
  return {
    passed: true,
    message: `answered ${probe.status}${e.bodyContains === undefined ? '' : ` with "${e.bodyContains}"`}`,
  }
}
