// A Kubernetes Gateway listener's TLS as istiod resolves it (spec rule 12): Passthrough, or the first
// usable certificateRef (a Secret with tls.crt and tls.key, or cert and key, in the Gateway's namespace or granted by
// a ReferenceGrant) as the internal server's credentialName; otherwise the conditions istiod writes. Pure.
import type { ServerTLSSettings } from '../model/index.ts'
import { referenceGranted } from './reference-grant.ts'
import { type Condition, fail } from './status.ts'
import {
  type GatewayApiModel,
  gatewayApiGroup,
  type K8sGateway,
  type Listener,
  type SecretObjectReference,
} from './types.ts'

/** A listener's TLS as istiod resolves it: the server TLS, or the conditions that make it invalid. */
export interface ListenerTLS {
  tls?: ServerTLSSettings
  /** Condition overrides when the TLS settings are unusable (the listener is then invalid). */
  problem?: Partial<Record<string, Condition>>
  /** What could not be checked from the input (e.g. Secrets it was not given). */
  unverified: string[]
}

/** Resolves an HTTPS/TLS listener's mode and certificateRefs (spec rule 12). */
export function resolveListenerTLS(gateway: K8sGateway, listener: Listener, model: GatewayApiModel): ListenerTLS {
  const tls = listener.tls
  const unverified: string[] = []
  if (tls === undefined || (listener.protocol !== 'HTTPS' && listener.protocol !== 'TLS')) {
    return { unverified }
  }
  if (tls.mode === 'Passthrough') {
    return { tls: { mode: 'PASSTHROUGH' }, unverified }
  }
  const gwNs = gateway.metadata.namespace
  const problems: Array<Partial<Record<string, Condition>>> = []
  for (const ref of tls.certificateRefs) {
    const problem = checkCertificateRef(ref, gwNs, model, unverified)
    if (problem === undefined) {
      return {
        tls: { mode: 'SIMPLE', credentialName: `kubernetes-gateway://${ref.namespace ?? gwNs}/${ref.name}` },
        unverified,
      }
    }
    problems.push(problem)
  }
  const problem = joinProblems(problems) ?? {
    ResolvedRefs: fail(
      'ResolvedRefs',
      'InvalidCertificateRef',
      'no certificateRefs: a TLS listener needs a certificate',
    ),
    Programmed: fail('Programmed', 'Invalid', 'Bad TLS configuration'),
  }
  return { problem, unverified }
}

/**
 * When no certificateRef is usable istiod reports the first one's reason with every ref's message
 * joined by "; " (conversion.go joinErrors), on ResolvedRefs and, for a refused reference, Accepted.
 */
function joinProblems(
  problems: ReadonlyArray<Partial<Record<string, Condition>>>,
): Partial<Record<string, Condition>> | undefined {
  const [first, ...rest] = problems
  if (first === undefined || rest.length === 0) {
    return first
  }
  const message = problems.map((p) => p['ResolvedRefs']?.message ?? '').join('; ')
  const joined: Partial<Record<string, Condition>> = { ...first }
  for (const type of ['ResolvedRefs', 'Accepted'] as const) {
    const c = first[type]
    if (c !== undefined) {
      joined[type] = { ...c, message }
    }
  }
  return joined
}

function checkCertificateRef(
  ref: SecretObjectReference,
  gwNs: string,
  model: GatewayApiModel,
  unverified: string[],
): Partial<Record<string, Condition>> | undefined {
  const ns = ref.namespace ?? gwNs
  const label = `${ref.group}/${ref.kind}/${ref.name}.${ref.namespace ?? ''}`
  const badTLS = fail('Programmed', 'Invalid', 'Bad TLS configuration')
  if (ref.group !== '' || ref.kind !== 'Secret') {
    return {
      ResolvedRefs: fail(
        'ResolvedRefs',
        'InvalidCertificateRef',
        `invalid certificate reference ${label}, only secret is allowed`,
      ),
      Programmed: badTLS,
    }
  }
  if (
    ns !== gwNs &&
    !referenceGranted(
      model,
      { group: gatewayApiGroup, kind: 'Gateway', namespace: gwNs },
      { group: '', kind: 'Secret', namespace: ns, name: ref.name },
    )
  ) {
    return {
      Accepted: fail(
        'Accepted',
        'NoValidCACertificate',
        `certificateRef ${ref.name}/${ns} not accessible to a Gateway in namespace "${gwNs}" (missing a ReferenceGrant?)`,
      ),
      ResolvedRefs: fail(
        'ResolvedRefs',
        'RefNotPermitted',
        `certificateRef ${ref.name}/${ns} not accessible to a Gateway in namespace "${gwNs}" (missing a ReferenceGrant?)`,
      ),
      Programmed: badTLS,
    }
  }
  if (model.secrets.length === 0) {
    unverified.push(`certificateRef ${ns}/${ref.name}: no Secrets in the input, assumed present and well-formed`)
    return undefined
  }
  const secret = model.secrets.find((s) => s.metadata.name === ref.name && s.metadata.namespace === ns)
  if (secret === undefined) {
    return {
      ResolvedRefs: fail(
        'ResolvedRefs',
        'InvalidCertificateRef',
        `invalid certificate reference ${label}, secret ${ns}/${ref.name} not found`,
      ),
      Programmed: badTLS,
    }
  }
  const has = (...keys: string[]): boolean => keys.every((k) => secret.spec.keys.includes(k))
  if (!has('cert', 'key') && !has('tls.crt', 'tls.key')) {
    return {
      ResolvedRefs: fail(
        'ResolvedRefs',
        'InvalidCertificateRef',
        `invalid certificate reference ${label}, found secret, but didn't have expected keys (cert and key) or (tls.crt and tls.key); found: ${foundKeys(secret.spec.keys)}`,
      ),
      Programmed: badTLS,
    }
  }
  return undefined
}

/** The Secret's keys as istiod lists them in that message: sorted, the first three and a count. */
function foundKeys(keys: readonly string[]): string {
  const sorted = [...keys].sort()
  return sorted.length < 3 ? sorted.join(', ') : `${sorted.slice(0, 3).join(', ')}, and ${sorted.length - 3} more...`
}
