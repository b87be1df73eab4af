// Check kind `analyze`: istioctl-analyze style diagnostics (IST0101, IST0132, IST0106, ...) about
// the learner's own resources; passes when none of the listed codes (default: every Error) is
// reported. Runs on the configuration layer, offline and live alike. An analysis over nothing
// proves nothing: with none of the learner's Istio objects to analyze, the check fails.
import { Type, type Static } from '@sinclair/typebox'
import type { Finding } from '../../../grader/core/findings.ts'
import type { CheckKind } from '../../types.ts'
import { GATEWAY_API_KINDS } from '../../../grader/judge/gateway-api.ts'
import { MODEL_READS, graderInput } from '../../grader-input.ts'
import { learnerFindings, learnerIstioObjects, nothingToCheck } from '../../../grader/judge/analysis.ts'
import { hintFromFinding } from '../../../grader/judge/explain-hint.ts'
import { ran } from '../../../grader/judge/verdict.ts'

const params = Type.Object(
  {
    codes: Type.Optional(
      Type.Array(Type.String({ pattern: '^(IST|GRD)[0-9]{4}$' }), {
        minItems: 1,
        description: 'Codes that fail the check. Default: every Error-level finding.',
      }),
    ),
    minLevel: Type.Union([Type.Literal('Error'), Type.Literal('Warning'), Type.Literal('Info')], {
      default: 'Error',
      description: 'With no codes: the lowest level that fails.',
    }),
  },
  { additionalProperties: false },
)

const rank: Record<string, number> = { Error: 0, Warning: 1, Info: 2 }

/** No diagnostics of the given codes about the learner's resources. */
export const analyzeCheck: CheckKind<Static<typeof params>> = {
  kind: 'analyze',
  description:
    'istioctl-analyze style diagnostics about your own resources: passes when none of the listed codes (default: any error) is found.',
  paramsSchema: params,
  reads: () => [...MODEL_READS, ...GATEWAY_API_KINDS],
  async run(p, ctx) {
    const input = await graderInput(ctx)
    if (learnerIstioObjects(input).length === 0) {
      return nothingToCheck(input, 'nothing to check yet')
    }
    const failing = selectFindings(learnerFindings(input), p)
    if (failing.length === 0) {
      const message = `No ${p.codes === undefined ? `${p.minLevel.toLowerCase()}-level diagnostics` : p.codes.join('/')} for your resources (${input.sourceDescription}).`
      return { passed: true, message, layers: [ran('config', true, 'no diagnostics')] }
    }
    const codes = [...new Set(failing.map((f) => f.code))].join(', ')
    const message = `${failing.length} diagnostic${failing.length === 1 ? '' : 's'} (${codes}) for your resources: ${failing[0]?.message ?? ''}`
    return {
      passed: false,
      message,
      hint: failing.slice(0, 2).map(hintFromFinding).join(' '),
      ...(failing[0] === undefined ? {} : { cause: failing[0].code }),
      output: failing.map(hintFromFinding).join('\n'),
      layers: [ran('config', false, `${failing.length} × ${codes}`)],
      detail: { findings: failing },
    }
  },
}

/** The findings that fail the check. */
export function selectFindings(findings: readonly Finding[], p: Static<typeof params>): Finding[] {
  if (p.codes !== undefined) {
    const codes = new Set(p.codes)
    return findings.filter((f) => codes.has(f.code))
  }
  const max = rank[p.minLevel] ?? 0
  return findings.filter((f) => (rank[f.level] ?? 2) <= max)
}
