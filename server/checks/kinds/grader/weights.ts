// Check kind `weights`: a request through the gateway is split between Services in the expected
// proportions. Config and Envoy layers compare the weighted clusters; the traffic layer sends
// `samples` real requests, tells the backends apart by a body pattern, and tests the shares.
import { Type, type Static } from '@sinclair/typebox'
import type { CheckKind, LayerResult } from '../../types.ts'
import type { HttpProbeResult, LiveCluster } from '../../live-services.ts'
import { GATEWAY_API_KINDS } from '../../../grader/judge/gateway-api.ts'
import { MODEL_READS, graderInput, type GraderInput } from '../../grader-input.ts'
import { findingsOf } from '../../../grader/judge/analysis.ts'
import { hintFromFinding, joinHints } from '../../../grader/judge/explain-hint.ts'
import type { Judgement, Outcome } from '../../../grader/judge/judge.ts'
import { runLayers } from './layered.ts'
import { liveClusterFor } from './live-target.ts'
import { describeRequest, type GatewayRequest, requestParams, toGatewayRequest } from '../../../grader/judge/request.ts'
import { outcome, ran } from '../../../grader/judge/verdict.ts'
import {
  type Backend,
  judgeShares,
  judgeWeights,
  routeWeightHint,
  sampleShares,
} from '../../../grader/judge/weights-math.ts'

const backendSchema = Type.Object(
  {
    service: Type.String({ minLength: 1, description: 'Short name (learner namespace) or FQDN.' }),
    namespace: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    subset: Type.Optional(
      Type.String({ minLength: 1, description: 'DestinationRule subset, for splits by version of one Service.' }),
    ),
    weight: Type.Number({ minimum: 0, maximum: 100, description: 'Expected share in percent.' }),
    bodyMatches: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Regular expression that marks a response from this backend (traffic layer).',
      }),
    ),
  },
  { additionalProperties: false },
)

const params = Type.Object(
  {
    ...requestParams,
    backends: Type.Array(backendSchema, { minItems: 2, description: 'The expected split; shares add up to 100.' }),
    tolerance: Type.Number({
      minimum: 0,
      maximum: 50,
      default: 5,
      description: 'Allowed difference in percentage points.',
    }),
    samples: Type.Integer({
      minimum: 20,
      maximum: 2000,
      default: 200,
      description: 'Requests the traffic layer sends.',
    }),
  },
  { additionalProperties: false },
)

/** Traffic to a host is split between backends as expected. */
export const weightsCheck: CheckKind<Static<typeof params>> = {
  kind: 'weights',
  description:
    'A route splits traffic between Services with the expected weights: in the config, in Envoy, and statistically in real traffic.',
  paramsSchema: params,
  reads: (p) => (p.gateway === undefined ? MODEL_READS : [...MODEL_READS, ...GATEWAY_API_KINDS]),
  async run(p, ctx) {
    const input = await graderInput(ctx)
    const req = toGatewayRequest(p)
    const backends = p.backends as Backend[]
    const tolerance = p.tolerance
    const ns = input.learnerNamespace
    const judge = (o: Outcome): Judgement => judgeWeights(o, backends, tolerance, ns)
    const result = await runLayers(input, req, {
      config: judge,
      wrongTurn: (o) => joinHints(routeWeightHint(input, o, backends, ns), unreachableRules(input)),
    })
    const layers = result.layers.filter((l) => l.layer !== 'traffic')
    let hint = result.hint
    let cause = result.cause
    // The ingress gateway, or a Kubernetes Gateway's own proxy (live-target.ts).
    const target = liveClusterFor(input, req)
    if ('why' in target) {
      layers.push({ layer: 'traffic', passed: undefined, message: target.why })
    } else {
      const traffic = await trafficShares(target.cluster, req, backends, tolerance, p.samples)
      layers.push(traffic)
      if (traffic.passed === false && hint === undefined) {
        cause = 'traffic-failed'
        hint = `Envoy has the right weights, but real traffic does not follow them: ${traffic.message}. Are both versions' pods ready?`
      }
    }
    const what = describeRequest(req)
    const failed = layers.find((l) => l.passed === false)
    const last = [...layers].reverse().find((l) => l.passed === true)
    return outcome(
      layers,
      { passed: `${what}: ${last?.message ?? 'ok'}.`, failed: `${what}: ${failed?.message ?? 'no layer could run'}.` },
      hint,
      result.detail,
      cause,
    )
  },
}

/** IST0130: a rule after a catch-all never gets traffic, the classic "second rule" split. */
function unreachableRules(input: GraderInput): string | undefined {
  const findings = findingsOf(input).filter((f) => f.code === 'IST0130')
  return findings.length === 0 ? undefined : findings.map(hintFromFinding).join(' ')
}

async function trafficShares(
  cluster: LiveCluster,
  req: GatewayRequest,
  backends: Backend[],
  tolerance: number,
  samples: number,
): Promise<LayerResult> {
  const probes: HttpProbeResult[] = []
  const batch = 8
  for (let i = 0; i < samples; i += batch) {
    const n = Math.min(batch, samples - i)
    const round = await Promise.all(
      Array.from({ length: n }, () =>
        cluster.httpProbe({
          port: req.port,
          host: req.host,
          path: req.path,
          method: req.method,
          headers: req.headers,
          https: req.https,
          sni: req.sni,
          timeoutMs: 5000,
        }),
      ),
    )
    probes.push(...round)
  }
  const shares = sampleShares(probes, backends)
  const j = judgeShares(shares, backends, tolerance)
  // Say which way the probes went when it was not the gateway's usual address (a port-forward).
  const via = probes.find((probe) => probe.via !== undefined)?.via
  return ran('traffic', j.passed, via === undefined ? j.message : `${j.message}, through ${via}`)
}
