// Indexes resolved VirtualServices by the gateway they bind to, in the order istiod hands them to
// a gateway in `proxyNamespace`: private ones first, then explicitly exported, then public
// (spec rules 13-14, push_context VirtualServicesForGateway). Pure.
import type { ResolvedVirtualService } from './resolve-vs.ts'

/** VirtualServices per gateway name (`ns/name`), ready for one gateway workload. */
export class VirtualServiceIndex {
  private readonly privateByGateway = new Map<string, ResolvedVirtualService[]>()
  private readonly exportedByGateway = new Map<string, ResolvedVirtualService[]>()
  private readonly publicByGateway = new Map<string, ResolvedVirtualService[]>()
  readonly all: readonly ResolvedVirtualService[]

  constructor(resolved: readonly ResolvedVirtualService[], proxyNamespace: string) {
    this.all = resolved
    for (const vs of resolved) {
      const exportTo = vs.exportTo
      let target: Map<string, ResolvedVirtualService[]> | undefined
      if (exportTo.includes('*')) {
        target = this.publicByGateway
      } else if (exportTo.includes('~')) {
        target = undefined
      } else if (exportTo.includes(proxyNamespace)) {
        target = vs.vs.metadata.namespace === proxyNamespace ? this.privateByGateway : this.exportedByGateway
      }
      if (target === undefined) {
        continue
      }
      for (const gw of vs.gateways) {
        push(target, gw, vs)
      }
    }
  }

  /** VirtualServices bound to `gatewayName`, in istiod's order (duplicates kept, as istiod does). */
  forGateway(gatewayName: string): ResolvedVirtualService[] {
    return [
      ...(this.privateByGateway.get(gatewayName) ?? []),
      ...(this.exportedByGateway.get(gatewayName) ?? []),
      ...(this.publicByGateway.get(gatewayName) ?? []),
    ]
  }
}

function push(map: Map<string, ResolvedVirtualService[]>, key: string, vs: ResolvedVirtualService): void {
  const list = map.get(key)
  if (list === undefined) {
    map.set(key, [vs])
  } else {
    list.push(vs)
  }
}
