// A listener's certificateRefs as istiod 1.31 resolves them, in istiod's words (read in
// pilot/pkg/config/kube/gateway/conversion.go buildTLS and buildSecretReference, and
// pilot/pkg/credentials/kube/secrets.go ExtractCertInfo): a missing Secret, a cross-namespace one
// and its ReferenceGrant, which Secret keys it accepts, every ref's message when none is usable,
// and what is not checked when the input holds no Secrets.
import { describe, expect, test } from 'vitest'
import { brief, k8sGateway, run } from './gateway-api.test-helper.ts'
import type { Condition } from './status.ts'

const https = (...refs: string[]): string =>
  k8sGateway('gw', 'infra', `- {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [${refs.join(', ')}]}}`)
const secret = (name: string, ns: string, data: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {${data}}\n---\n`

function listener(yaml: string): { conditions: Condition[]; tls: unknown } {
  const r = run(yaml)
  return {
    conditions: r.conversion.status.gateways[0]!.listeners[0]!.conditions,
    tls: r.conversion.gateways[0]?.internalGateways[0]?.spec.servers[0]?.tls,
  }
}

const condition = (l: { conditions: Condition[] }, type: string): Condition | undefined =>
  l.conditions.find((c) => c.type === type)

const pair = 'tls.crt: QQ==, tls.key: QQ=='

describe('certificateRefs as istiod resolves them', () => {
  test('a missing Secret: InvalidCertificateRef and Programmed=False/Invalid; no internal Gateway', () => {
    const r = run(https('{name: nope}') + secret('other', 'infra', pair))
    const l = r.conversion.status.gateways[0]!.listeners[0]!
    expect(brief(l.conditions)).toEqual([
      'Accepted=True/Accepted',
      'Conflicted=False/NoConflicts',
      'Programmed=False/Invalid',
      'ResolvedRefs=False/InvalidCertificateRef',
    ])
    expect(l.conditions[3]?.message).toBe('invalid certificate reference /Secret/nope., secret infra/nope not found')
    expect(r.conversion.gateways[0]?.internalGateways).toEqual([])
    expect(r.listeners.map((x) => x.name)).toEqual([])
  })

  test('a Secret in another namespace needs a ReferenceGrant (RefNotPermitted, Accepted=False/NoValidCACertificate)', () => {
    const yaml = https('{name: cert, namespace: certs}') + secret('cert', 'certs', pair)
    expect(brief(run(yaml).conversion.status.gateways[0]!.listeners[0]!.conditions)).toEqual([
      'Accepted=False/NoValidCACertificate',
      'Conflicted=False/NoConflicts',
      'Programmed=False/Invalid',
      'ResolvedRefs=False/RefNotPermitted',
    ])
    const grant = `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: certs}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]\n  to: [{group: "", kind: Secret}]\n---\n`
    const ok = run(yaml + grant)
    expect(brief(ok.conversion.status.gateways[0]!.listeners[0]!.conditions)[3]).toBe('ResolvedRefs=True/ResolvedRefs')
    expect(ok.conversion.gateways[0]?.internalGateways[0]?.spec.servers[0]?.tls).toEqual({
      mode: 'SIMPLE',
      credentialName: 'kubernetes-gateway://certs/cert',
    })
  })

  test('without any Secret in the input the certificate is not checked, and the result says so', () => {
    const r = run(https('{name: cert}'))
    expect(brief(r.conversion.status.gateways[0]!.listeners[0]!.conditions)[3]).toBe('ResolvedRefs=True/ResolvedRefs')
    expect(r.conversion.unverified).toEqual([
      'certificateRef infra/cert: no Secrets in the input, assumed present and well-formed',
    ])
  })

  test('a Secret with the generic keys cert and key is usable, like tls.crt and tls.key', () => {
    const l = listener(https('{name: c}') + secret('c', 'infra', 'cert: QQ==, key: QQ=='))
    expect(condition(l, 'ResolvedRefs')?.reason).toBe('ResolvedRefs')
    expect(l.tls).toEqual({ mode: 'SIMPLE', credentialName: 'kubernetes-gateway://infra/c' })
  })

  test('a Secret with neither pair: the keys istiod expects and the ones it found', () => {
    const l = listener(https('{name: c}') + secret('c', 'infra', 'tls.crt: QQ==, ca.crt: QQ=='))
    expect(condition(l, 'ResolvedRefs')).toMatchObject({
      status: 'False',
      reason: 'InvalidCertificateRef',
      message:
        "invalid certificate reference /Secret/c., found secret, but didn't have expected keys (cert and key) or (tls.crt and tls.key); found: ca.crt, tls.crt",
    })
    const many = listener(https('{name: c}') + secret('c', 'infra', 'a: QQ==, b: QQ==, c: QQ==, d: QQ==, e: QQ=='))
    expect(condition(many, 'ResolvedRefs')?.message).toMatch(/; found: a, b, c, and 2 more\.\.\.$/)
  })

  test('a refused cross-namespace reference names the Secret as name/namespace', () => {
    const l = listener(
      https('{name: cert, namespace: certs}') + secret('cert', 'certs', 'tls.crt: QQ==, tls.key: QQ=='),
    )
    const message =
      'certificateRef cert/certs not accessible to a Gateway in namespace "infra" (missing a ReferenceGrant?)'
    expect(condition(l, 'ResolvedRefs')).toMatchObject({ reason: 'RefNotPermitted', message })
    expect(condition(l, 'Accepted')).toMatchObject({ status: 'False', reason: 'NoValidCACertificate', message })
  })

  test("no usable ref among several: the first one's reason, every ref's message joined", () => {
    const yaml =
      https('{name: a}', '{name: b, namespace: certs}') + secret('other', 'infra', 'tls.crt: QQ==, tls.key: QQ==')
    const l = listener(yaml)
    expect(brief(l.conditions)).toEqual([
      'Accepted=True/Accepted',
      'Conflicted=False/NoConflicts',
      'Programmed=False/Invalid',
      'ResolvedRefs=False/InvalidCertificateRef',
    ])
    expect(condition(l, 'ResolvedRefs')?.message).toBe(
      'invalid certificate reference /Secret/a., secret infra/a not found; certificateRef b/certs not accessible to a Gateway in namespace "infra" (missing a ReferenceGrant?)',
    )
  })
})
