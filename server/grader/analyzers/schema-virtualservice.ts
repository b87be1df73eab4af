// schema.ValidationAnalyzer.VirtualService, warnings only: legacy gateway names (IST0133), rules
// that are never used (IST0130) and matches that are never used (IST0131), as istiod's validation
// warns. Rejections (IST0106) come from the model's validation. Pure.
import type { Finding } from '../core/findings.ts'
import type { VirtualService } from '../core/model/index.ts'
import type { Analyzer } from './analyzer.ts'
import { messages, report } from './messages.ts'
import { type IneffectiveMatch, type RuleProblem, type UnreachableRule, analyzeRules } from './rule-reachability.ts'

/** The VirtualService schema warnings istiod returns with an accepted VirtualService. */
export const schemaVirtualService: Analyzer = {
  meta: {
    id: 'schema.virtualservice',
    istioName: 'schema.ValidationAnalyzer.VirtualService',
    description:
      'Reports the schema warnings istiod gives for a VirtualService: legacy gateway names, unused rules and matches',
    inputs: ['virtualServices'],
    codes: ['IST0130', 'IST0131', 'IST0133'],
  },
  analyze(model) {
    return model.virtualServices.flatMap((vs) => [...legacyGatewayNames(vs), ...ruleWarnings(vs)])
  },
}

/** Gateway reference lists istiod checks, with their paths. */
function gatewayLists(vs: VirtualService): Array<[string, readonly string[]]> {
  return [
    ['spec.gateways', vs.spec.gateways ?? []],
    ...vs.spec.tls.flatMap((r, i) =>
      r.match.map((m, j): [string, readonly string[]] => [`spec.tls[${i}].match[${j}].gateways`, m.gateways ?? []]),
    ),
    ...vs.spec.tcp.flatMap((r, i) =>
      (r.match ?? []).map((m, j): [string, readonly string[]] => [
        `spec.tcp[${i}].match[${j}].gateways`,
        m.gateways ?? [],
      ]),
    ),
  ]
}

/** istiod stops at the first reference without a slash, so only that one can be warned about. */
function legacyGatewayNames(vs: VirtualService): Finding[] {
  const findings: Finding[] = []
  for (const [path, refs] of gatewayLists(vs)) {
    const i = refs.findIndex((ref) => !ref.includes('/'))
    const ref = refs[i]
    if (ref !== undefined && ref.includes('.')) {
      const [name = '', namespace = ''] = ref.split('.')
      findings.push(
        report(messages.SchemaWarning, vs, {
          path: `${path}[${i}]`,
          message: `The Gateway reference "${ref}" uses the legacy name.namespace form.`,
          hint: `Write "${namespace}/${name}" instead: istioctl analyze reads "${ref}" as a Gateway of that exact name in ${vs.metadata.namespace}.`,
        }),
      )
    }
  }
  return findings
}

function ruleWarnings(vs: VirtualService): Finding[] {
  const sections = [
    ['http', analyzeRules(vs.spec.http, true)],
    ['tcp', analyzeRules(vs.spec.tcp, false)],
    ['tls', analyzeRules(vs.spec.tls, false)],
  ] as const
  return sections.flatMap(([kind, problems]) => problems.map((p) => toFinding(vs, kind, p)))
}

function toFinding(vs: VirtualService, kind: string, problem: RuleProblem): Finding {
  return problem.kind === 'unreachable' ? unreachable(vs, kind, problem) : ineffective(vs, kind, problem)
}

function unreachable(vs: VirtualService, kind: string, p: UnreachableRule): Finding {
  const texts = {
    'after-catch-all': [
      `${kind} rule ${p.ruleLabel} is never used: rule #${p.catchAll} before it has no match, so it takes every request.`,
      `Move rule #${p.catchAll} (the catch-all without match) to the end of spec.${kind}, or give it a match.`,
    ],
    'second-catch-all': [
      `${kind} rule ${p.ruleLabel} has no match, but rule #${p.catchAll} before it has none either; only the last rule may omit match.`,
      'Keep one rule without match, as the last rule.',
    ],
    'all-matches-duplicated': [
      `${kind} rule ${p.ruleLabel} is never used: each of its matches repeats a match of an earlier rule.`,
      'Remove the rule, or change its matches so that they differ from the earlier ones.',
    ],
  } as const
  const [message, hint] = texts[p.reason]
  return report(messages.VirtualServiceUnreachableRule, vs, { path: `spec.${kind}[${p.rule}]`, message, hint })
}

function ineffective(vs: VirtualService, kind: string, p: IneffectiveMatch): Finding {
  const where = `match ${p.matchLabel} of ${kind} rule ${p.ruleLabel}`
  const message =
    p.prefixes === undefined
      ? `The ${where} is never used: it repeats a match of rule ${p.byRuleLabel}, which comes first.`
      : `The ${where} (prefix ${p.prefixes.covered}) is never used: match ${p.byMatchLabel ?? ''} of rule ${p.byRuleLabel} (prefix ${p.prefixes.covering}) comes first and takes those requests.`
  const hint =
    p.prefixes === undefined
      ? 'Remove the duplicate match, or make it different from the earlier one.'
      : 'Put the longer prefix first, or make the earlier match more specific (an exact uri, a header, another method).'
  return report(messages.VirtualServiceIneffectiveMatch, vs, {
    path: `spec.${kind}[${p.rule}].match[${p.match}]`,
    message,
    hint,
  })
}
