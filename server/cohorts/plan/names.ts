// Pure: the names every cohort object gets (trainee ids, namespaces, domains, labels), so the
// planner, the provisioner, teardown and the handout agree. No I/O.
import type { CohortMode } from '../../protocol/cohort-dto.ts'

/** Labels on every object kindlab creates for a cohort; teardown selects by them. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by'
export const LABEL_COHORT = 'kindlab.dev/cohort'
export const LABEL_TRAINEE = 'kindlab.dev/trainee'
export const LABEL_ROLE = 'kindlab.dev/role'
/** Which kindlab installation (data folder) owns the object, so reapers never touch another's. */
export const LABEL_OWNER = 'kindlab.dev/owner'
/** Namespace annotation the admission policy reads the trainee's host suffix from. */
export const ANNOTATION_DOMAIN = 'kindlab.dev/trainee-domain'
/** Namespace annotation the route fence reads the trainee's own gateway TCP port from. */
export const ANNOTATION_TCP_PORT = 'kindlab.dev/trainee-tcp-port'
export const FIELD_MANAGER = 'kindlab'

// The name and domain patterns live with the form's messages, shared with the browser.
export { COHORT_NAME_PATTERN, DOMAIN_PATTERN } from '../../protocol/cohort-rules.ts'

export interface CohortNames {
  name: string
  domain: string
  /** The owning installation's id (see secrets.installationId); labelled when set. */
  owner?: string
  /** Where trainees work: namespaces of one cluster, or a kind cluster each. Unknown for orphans. */
  mode?: CohortMode
  /**
   * Namespace mode: each trainee's gateway TCP port, allocated by the store uniquely across the
   * cohorts of the class cluster (plan/tcp-ports.ts). Absent for a plan only shown, never applied.
   */
  tcpPorts?: Readonly<Record<string, number>>
}

/** `trainee01`…`trainee50`; three digits once a class has 100 seats or more. */
export function traineeId(slot: number, seats: number): string {
  const width = Math.max(2, String(seats).length)
  return `trainee${String(slot).padStart(width, '0')}`
}

export function traineeDomain(cohort: CohortNames, trainee: string): string {
  return `${trainee}.${cohort.domain}`
}

export function traineeNamespace(cohort: CohortNames, trainee: string): string {
  return `kl-${cohort.name}-${trainee}`
}

/**
 * The first per-trainee TCP port on the shared ingress gateway: trainee N gets BASE + N. It is
 * clear of the gateway Service's ports and their target ports (15021, 80/8080, 443/8443, 6379,
 * 31400, 15443) and of Envoy's own 15000-15099, so no trainee's TCP server lands on a listener
 * another server uses.
 */
export const TRAINEE_TCP_PORT_BASE = 20_000

/** The slot number in a trainee id (`trainee07` → 7). */
export function slotOfTrainee(traineeId: string): number {
  const match = /^trainee(\d{2,3})$/.exec(traineeId)
  if (!match?.[1]) {
    throw new Error(`"${traineeId}" is not a trainee id`)
  }
  return Number(match[1])
}

/**
 * The one gateway port a namespace-mode trainee may open a TCP server on (the lab's TCP step): the
 * port the store allocated for them, else (a plan that is only shown) BASE + their slot.
 */
export function traineeTcpPort(cohort: CohortNames, trainee: string): number {
  return cohort.tcpPorts?.[trainee] ?? TRAINEE_TCP_PORT_BASE + slotOfTrainee(trainee)
}

/**
 * What a namespace-mode trainee writes in Istio's namespace for the lab's HTTPS and shared-Gateway
 * steps, named after their namespace so no two trainees (of any cohort) collide: istiod reads a
 * classic Gateway's `credentialName` only from the gateway pod's own namespace (Istio 1.31,
 * pilot/pkg/xds/sds.go filterAuthorizedResources), so the TLS Secret cannot live in theirs.
 */
export const TLS_SECRET_SUFFIX = '-tls'
export const SHARED_GATEWAY_SUFFIX = '-gateway'

export function traineeTlsSecret(namespace: string): string {
  return `${namespace}${TLS_SECRET_SUFFIX}`
}

export function traineeSharedGateway(namespace: string): string {
  return `${namespace}${SHARED_GATEWAY_SUFFIX}`
}

/**
 * The ReferenceGrant in Istio's namespace that lets a trainee's HTTPRoutes use the dashboards
 * (class-gateway.ts), named as the Gateway API lab's step names the learner's own.
 */
export function dashboardsGrantName(namespace: string): string {
  return `dashboards-from-${namespace}`
}

/**
 * The namespace label the Gateway API lab's shared Gateway admits routes by (its `allowedRoutes`);
 * a namespace-mode trainee may set it on their own namespace, and nothing else there.
 */
export const LABEL_SHARED_GATEWAY_ACCESS = 'kindlab.dev/shared-gateway-access'

/** The host names a trainee's handout lists (the shop's frontend through the ingress gateway). */
export function traineeHosts(cohort: CohortNames, trainee: string): string[] {
  const domain = traineeDomain(cohort, trainee)
  return [`hipster.${domain}`, `shop.${domain}`]
}

/** Cluster-scoped objects of a cohort share this prefix. */
export function cohortPrefix(cohort: CohortNames): string {
  return `kindlab-${cohort.name}`
}

export function cohortLabels(cohort: CohortNames): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: 'kindlab',
    [LABEL_COHORT]: cohort.name,
    ...(cohort.owner ? { [LABEL_OWNER]: cohort.owner } : {}),
  }
}

export function traineeLabels(cohort: CohortNames, trainee: string): Record<string, string> {
  return { ...cohortLabels(cohort), [LABEL_TRAINEE]: trainee }
}

/** The default cohort domain when none is given: resolves nowhere, fine for a kind class. */
export function defaultDomain(name: string): string {
  return `${name}.kindlab.test`
}
