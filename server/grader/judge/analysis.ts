// The analyzers' findings for a grader input (istioctl analyze equivalents plus IST0106), computed
// once per input, and which of them concern the learner's own resources.
import { type Finding, sortFindings } from '../core/findings.ts'
import { gatewayApiOf } from './gateway-api.ts'
import { runAnalyzers } from '../analyzers/run.ts'
import type { GraderInput } from '../../checks/grader-input.ts'
import type { CheckOutcome } from '../../checks/types.ts'

const cache = new WeakMap<GraderInput, Finding[]>()

/** Every finding about the input's model, sorted. */
export function findingsOf(input: GraderInput): Finding[] {
  let findings = cache.get(input)
  if (findings === undefined) {
    // Kubernetes Gateway API objects: what the API server refuses (IST0106) and the False
    // conditions istiod would write (IST0171), beside the classic analyzers.
    const gatewayApi = gatewayApiOf(input).findings
    findings =
      gatewayApi.length === 0 ? runAnalyzers(input.model) : sortFindings([...runAnalyzers(input.model), ...gatewayApi])
    cache.set(input, findings)
  }
  return findings
}

const istioKinds = new Set([
  'Gateway',
  'VirtualService',
  'DestinationRule',
  'ServiceEntry',
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'ReferenceGrant',
])

/** The learner's own objects: offline their files; live the Istio objects in their namespaces. */
function learnerObjects(input: GraderInput): GraderInput['objects'] {
  const own = input.ownNamespaces
  return input.objects.filter(
    (o) =>
      o.origin === 'learner' ||
      (o.origin === 'cluster' && istioKinds.has(o.ref.kind) && (own === undefined || own.includes(o.ref.namespace))),
  )
}

/** The learner's Istio networking objects (what an analyze check is about); none → nothing to check. */
export function learnerIstioObjects(input: GraderInput): GraderInput['objects'] {
  return learnerObjects(input).filter((o) => istioKinds.has(o.ref.kind))
}

/**
 * Findings about the learner's resources: offline, objects from their files (and the files
 * themselves); live, the Istio networking objects in the cluster (the platform installs none),
 * and for a learner who shares the cluster (a cohort trainee) only those in their own namespaces.
 */
export function learnerFindings(input: GraderInput): Finding[] {
  const mine = new Set(learnerObjects(input).map((o) => `${o.ref.kind}/${o.ref.namespace}/${o.ref.name}`.toLowerCase()))
  return findingsOf(input).filter(
    (f) =>
      f.resource.kind === 'File' ||
      mine.has(`${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`.toLowerCase()),
  )
}

/** The failure of a check about the learner's Istio objects when there are none yet. */
export function nothingToCheck(input: GraderInput, what: string): CheckOutcome {
  return {
    passed: false,
    message: `${what}: create your Gateway and VirtualService first (${input.sourceDescription} holds none of your Istio resources).`,
    hint: `Nothing to check yet: create the step's Gateway and VirtualService${input.live ? ' and apply them with kubectl' : ' in a file in your workspace'}.`,
    cause: 'nothing-to-check',
    layers: [{ layer: 'config', passed: false, message: 'none of your Istio resources' }],
  }
}
