// A listener's certificateRefs as istiod 1.31 resolves them, in istiod's words (read in
// pilot/pkg/config/kube/gateway/conversion.go buildTLS and buildSecretReference, and
// pilot/pkg/credentials/kube/secrets.go ExtractCertInfo): which Secret keys it accepts, the
// refused cross-namespace reference, and every ref's message when none is usable.
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

describe('certificateRefs as istiod resolves them', () => {
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
