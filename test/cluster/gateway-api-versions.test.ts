// The grader's table of served Gateway API versions (grader/core/gateway-api/versions.ts) is the
// pinned v1.6.0 CRDs' own: equal to the standard channel's (what `kindlab up` installs), and every
// version in it is served by the experimental channel too, so the live source's list path (the
// first version) works on a cluster with either channel. The CRDs come from the Go module.
import { describe, expect, it } from 'vitest'
import { SERVED_VERSIONS } from '../../server/grader/core/gateway-api/versions.ts'
import { loadGatewayApiCrds } from './gateway-api-crds.ts'

/** Served versions per kind of one channel's CRDs, for the kinds the grader reads. */
async function served(channel: 'standard' | 'experimental'): Promise<Record<string, string[]>> {
  const crds = await loadGatewayApiCrds(channel)
  const out: Record<string, string[]> = {}
  for (const crd of crds) {
    const kind = crd.spec.names.kind
    if (Object.hasOwn(SERVED_VERSIONS, kind)) {
      out[kind] = crd.spec.versions.filter((v) => v.served).map((v) => v.name)
    }
  }
  return out
}

const sorted = (table: Record<string, readonly string[]>): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(table)
      .map(([k, v]): [string, string[]] => [k, [...v].sort()])
      .sort(([a], [b]) => a.localeCompare(b)),
  )

describe('served Gateway API versions', () => {
  it('equal the v1.6.0 standard CRDs', async () => {
    expect(sorted(await served('standard'))).toEqual(sorted(SERVED_VERSIONS))
  })

  it('are all served by the experimental channel too (it adds v1alpha2/v1alpha3 for TCPRoute and TLSRoute)', async () => {
    const experimental = await served('experimental')
    for (const [kind, versions] of Object.entries(SERVED_VERSIONS)) {
      expect(experimental[kind], kind).toEqual(expect.arrayContaining([...versions]))
    }
    expect(experimental['TCPRoute']).toContain('v1alpha2')
  })
})
