// The TLS precondition of an HTTPS request: the Gateway server that terminates it names, in
// `tls.credentialName`, a Secret the gateway pod can read, i.e. one in the pod's own namespace.
// Offline the learner's files may not hold the Secret (kubectl create secret); then only a Secret
// of that name in another namespace, or other TLS Secrets but not this one, prove a mistake.
import type { Translation } from '../core/index.ts'
import type { SimResult } from '../core/index.ts'
import type { GraderInput, RawObject } from '../../checks/grader-input.ts'

/** A credential problem: a sentence, and the field to change. */
export interface CredentialProblem {
  message: string
  hint: string
}

/** Checks the credential of the server that terminated `result`'s TLS; undefined when fine. */
export function credentialProblem(
  input: GraderInput,
  t: Translation,
  result: SimResult,
): CredentialProblem | undefined {
  const listener = t.listeners.find((l) => l.summary.name === result.listener)
  const chain = result.filterChain === undefined ? undefined : listener?.chains[result.filterChain]
  const ms = chain?.summary.tls === 'terminate' ? chain.servers[0] : undefined
  const tls = ms?.server.tls
  if (ms === undefined || tls === undefined) {
    return undefined
  }
  const names = tls.credentialName !== undefined ? [tls.credentialName] : (tls.credentialNames ?? [])
  if (names.length === 0) {
    return undefined // file-mounted certificates: nothing to look up
  }
  if (names.every((n) => n.startsWith('kubernetes-gateway://'))) {
    // A Kubernetes Gateway's listener: its certificateRefs were checked by the conversion (an
    // unusable one yields no server at all, and the listener status says why).
    return undefined
  }
  const secrets = input.objects.filter((o) => o.ref.kind === 'Secret' && o.ref.group === '')
  if (input.live && secrets.length === 0) {
    return undefined // the cluster source lists no Secrets: Envoy and traffic judge the certificate
  }
  const server = {
    gateway: `Gateway ${ms.gateway.metadata.namespace}/${ms.gateway.metadata.name}`,
    field: `spec.servers[${ms.index}].tls.credentialName`,
  }
  for (const name of names) {
    const problem = secretProblem(input, secrets, name, t.env.pod.namespace, server)
    if (problem !== undefined) {
      return problem
    }
  }
  return undefined
}

function secretProblem(
  input: GraderInput,
  secrets: readonly RawObject[],
  name: string,
  podNs: string,
  server: { gateway: string; field: string },
): CredentialProblem | undefined {
  const { gateway, field } = server
  if (secrets.some((s) => s.ref.namespace === podNs && s.ref.name === name)) {
    return undefined
  }
  const elsewhere = secrets.filter((s) => s.ref.name === name).map((s) => s.ref.namespace)
  if (elsewhere.length > 0) {
    return {
      message: `the TLS Secret ${name} is in namespace ${elsewhere.join(', ')}, but the gateway pod reads Secrets only from ${podNs}`,
      hint: `Create the Secret ${name} in namespace ${podNs} (kubectl create -n ${podNs} secret tls ${name} ...); ${gateway} ${field} stays "${name}".`,
    }
  }
  const inNs = secrets.filter((s) => s.ref.namespace === podNs).map((s) => s.ref.name)
  if (input.live || inNs.length > 0) {
    return {
      message: `${gateway} ${field} is "${name}", but there is no Secret ${podNs}/${name}${inNs.length > 0 ? ` (Secrets there: ${inNs.join(', ')})` : ''}`,
      hint: `Set ${field} of ${gateway} to the name of your TLS Secret in ${podNs}${inNs.length > 0 ? `, e.g. "${inNs[0]}"` : ''}, or create the Secret ${podNs}/${name}.`,
    }
  }
  return undefined
}
