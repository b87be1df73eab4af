// The scope of a cohort trainee's grading view (pure): what of a cluster snapshot they are graded on.
import { describe, expect, it } from 'vitest'
import { inScope, scopeSnapshot, type ResourceScope } from './live-services.ts'

const own = 'kl-class-trainee01'
const other = 'kl-class-trainee02'
const scope: ResourceScope = {
  own: [own],
  shared: [{ namespace: 'istio-system', kinds: ['ReferenceGrant'], names: [`dashboards-from-${own}`] }],
}
const object = (kind: string, name: string, namespace?: string, apiVersion = 'v1') => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
})

describe('inScope', () => {
  it("keeps the learner's own Namespace (its labels decide allowedRoutes) and no other namespace", () => {
    // Before issue 15 (5) every cluster-scoped object was dropped, so a class trainee's shared-Gateway
    // step was graded as if their namespace had no labels (NotAllowedByListeners).
    expect(inScope(object('Namespace', own), scope)).toBe(true)
    expect(inScope(object('Namespace', other), scope)).toBe(false)
    expect(inScope(object('Namespace', 'istio-system'), scope)).toBe(false)
  })

  it('drops other cluster-scoped objects, even named like the own namespace', () => {
    expect(inScope(object('ClusterRole', own, undefined, 'rbac.authorization.k8s.io/v1'), scope)).toBe(false)
    expect(inScope(object('Namespace', own, undefined, 'example.com/v1'), scope)).toBe(false)
  })

  it('keeps shared objects by kind and name only', () => {
    const gw = 'gateway.networking.k8s.io/v1'
    expect(inScope(object('ReferenceGrant', `dashboards-from-${own}`, 'istio-system', gw), scope)).toBe(true)
    expect(inScope(object('ReferenceGrant', `dashboards-from-${other}`, 'istio-system', gw), scope)).toBe(false)
    expect(inScope(object('HTTPRoute', 'shop', other, gw), scope)).toBe(false)
  })

  it('scopeSnapshot keeps the origins parallel to the objects', () => {
    const objects = [object('Namespace', other), object('Namespace', own), object('Service', 'frontend', own)]
    const kept = scopeSnapshot({ objects, origins: [{ file: 'a' }, { file: 'b' }, { file: 'c' }], problems: [] }, scope)
    expect(kept.objects).toEqual([objects[1], objects[2]])
    expect(kept.origins).toEqual([{ file: 'b' }, { file: 'c' }])
    expect(kept.ownNamespaces).toEqual([own])
  })
})
