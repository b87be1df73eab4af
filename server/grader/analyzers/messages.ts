// The catalog of diagnostics the grader reports about Istio resources: Istio's own codes and levels
// (istio pkg/config/analysis/msg/messages.yaml) with kindlab's plain-words summary, and the helper
// that turns one into a Finding. Pure data; docs/grader-messages.md documents every entry.
import { compareText, type Finding, type FindingLevel } from '../core/findings.ts'
import { refOf, type Resource } from '../core/model/index.ts'

/** One diagnostic kind. Codes are Istio's, so learners can search them; never reuse a code. */
export interface MessageType {
  code: string
  /** Istio's PascalCase name. */
  name: string
  level: FindingLevel
  /** What it means, in one plain sentence (also in docs/grader-messages.md). */
  description: string
}

function define<const C extends string>(
  code: C,
  name: string,
  level: FindingLevel,
  description: string,
): MessageType & { code: C } {
  return { code, name, level, description }
}

/**
 * Every message the analyzers report, plus the model's validation (IST0106) and the Gateway API
 * status findings (IST0171, core/gateway-api/status-findings.ts), sorted by code.
 */
export const messages = {
  ReferencedResourceNotFound: define(
    'IST0101',
    'ReferencedResourceNotFound',
    'Error',
    'A resource being referenced does not exist.',
  ),
  SchemaValidationError: define(
    'IST0106',
    'SchemaValidationError',
    'Error',
    'The resource has a schema validation error; the API server rejects it.',
  ),
  VirtualServiceDestinationPortSelectorRequired: define(
    'IST0112',
    'VirtualServiceDestinationPortSelectorRequired',
    'Error',
    'A VirtualService routes to a Service with more than one port without saying which port to use.',
  ),
  VirtualServiceUnreachableRule: define(
    'IST0130',
    'VirtualServiceUnreachableRule',
    'Warning',
    'A VirtualService rule can never be used because earlier rules take all its traffic.',
  ),
  VirtualServiceIneffectiveMatch: define(
    'IST0131',
    'VirtualServiceIneffectiveMatch',
    'Info',
    'A VirtualService match repeats or is covered by a match of an earlier rule.',
  ),
  VirtualServiceHostNotFoundInGateway: define(
    'IST0132',
    'VirtualServiceHostNotFoundInGateway',
    'Warning',
    'None of the VirtualService hosts is served by a Gateway it is bound to.',
  ),
  SchemaWarning: define(
    'IST0133',
    'SchemaWarning',
    'Warning',
    'The resource is accepted but uses a form istiod warns about.',
  ),
  ConflictingGateways: define(
    'IST0145',
    'ConflictingGateways',
    'Error',
    'Two Gateways select the same workload and claim the same port, host and bind.',
  ),
  GatewayPortNotDefinedOnService: define(
    'IST0162',
    'GatewayPortNotDefinedOnService',
    'Warning',
    'A Gateway listens on a port that the gateway workload Service does not expose.',
  ),
  ReferencedInternalGateway: define(
    'IST0165',
    'ReferencedInternalGateway',
    'Warning',
    'A VirtualService references a Gateway that Istio generated from a Kubernetes Gateway.',
  ),
  NegativeConditionStatus: define(
    'IST0171',
    'NegativeConditionStatus',
    'Warning',
    'A Kubernetes Gateway or an HTTPRoute/GRPCRoute parent has a False Accepted, Programmed or ResolvedRefs condition.',
  ),
} as const

/** All message types, sorted by code. */
export const allMessages: readonly MessageType[] = Object.values(messages).sort((a, b) => compareText(a.code, b.code))

/** The parts of a finding an analyzer chooses; code and level come from the catalog. */
export interface FindingDetails {
  /** Field path inside the resource, e.g. `spec.gateways[0]`. */
  path?: string
  message: string
  hint: string
}

/** Builds the Finding for `resource`, with its source location when the model knows it. */
export function report(type: MessageType, resource: Resource, details: FindingDetails): Finding {
  const finding: Finding = {
    code: type.code,
    level: type.level,
    resource: refOf(resource),
    message: details.message,
    hint: details.hint,
  }
  if (details.path !== undefined) {
    finding.path = details.path
  }
  if (Object.keys(resource.source).length > 0) {
    finding.source = { ...resource.source }
  }
  return finding
}
