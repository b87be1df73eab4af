// ReferenceGrant: may an object of (group, kind) in one namespace refer to an object in another
// namespace (spec rules 12, 34)? The grant lives in the target's namespace, names the source by
// group, kind and namespace, and the target by group, kind and optionally name. Pure.
import type { GatewayApiModel } from './types.ts'

export interface ReferenceFrom {
  group: string
  kind: string
  namespace: string
}

export interface ReferenceTo {
  group: string
  kind: string
  namespace: string
  name: string
}

/** True when the reference stays in its namespace or a ReferenceGrant allows it. */
export function referenceGranted(model: GatewayApiModel, from: ReferenceFrom, to: ReferenceTo): boolean {
  if (from.namespace === to.namespace) {
    return true
  }
  return model.referenceGrants.some(
    (g) =>
      g.metadata.namespace === to.namespace &&
      g.spec.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      g.spec.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name)),
  )
}
