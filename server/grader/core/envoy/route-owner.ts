// Maps an Envoy route back to the Istio object that produced it, through the metadata istiod
// stamps on every route: filter_metadata.istio.config = /apis/<group>/<version>/namespaces/<ns>/<kind>/<name>.
// Pure.
import type { Route } from './types.ts'

/** The Istio object named by a route's `filter_metadata.istio.config` path. */
export interface IstioConfigRef {
  group: string
  version: string
  namespace: string
  /** Kebab-case kind as istiod writes it, e.g. `virtual-service`. */
  kind: string
  name: string
}

/** A VirtualService that produced a route. */
export interface VirtualServiceRef {
  namespace: string
  name: string
}

/**
 * Parses `/apis/networking.istio.io/v1/namespaces/default/virtual-service/httpbin`.
 * @returns undefined for anything that is not exactly that eight-segment shape.
 */
export function parseIstioConfigPath(path: string): IstioConfigRef | undefined {
  const parts = path.split('/')
  const [empty, apis, group, version, namespaces, namespace, kind, name] = parts
  if (parts.length !== 8 || empty !== '' || apis !== 'apis' || namespaces !== 'namespaces') {
    return undefined
  }
  if (!group || !version || !namespace || !kind || !name) {
    return undefined
  }
  return { group, version, namespace, kind, name }
}

/** The VirtualService a route came from, or undefined (bootstrap routes, other kinds). */
export function routeOwner(route: Route): VirtualServiceRef | undefined {
  const config = route.metadata?.filter_metadata?.istio?.config
  const ref = typeof config === 'string' ? parseIstioConfigPath(config) : undefined
  if (ref === undefined || ref.group !== 'networking.istio.io' || ref.kind !== 'virtual-service') {
    return undefined
  }
  return { namespace: ref.namespace, name: ref.name }
}
