// Test code only. Creates networking.istio.io/v1 objects on the cluster under test through the
// CustomObjects API, so tests state just the kind, name and spec.
import type { CustomObjectsApi } from '@kubernetes/client-node'

export const ISTIO_GROUP = 'networking.istio.io'
export const ISTIO_VERSION = 'v1'

const plurals = {
  Gateway: 'gateways',
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  ServiceEntry: 'serviceentries',
} as const

export type IstioKind = keyof typeof plurals

/** The plural resource name of an Istio kind, as the API paths use it. */
export function istioPlural(kind: IstioKind): string {
  return plurals[kind]
}

/** Creates one Istio object in `namespace`; rejects with the client's ApiException on refusal. */
export function createIstioObject(
  api: CustomObjectsApi,
  namespace: string,
  kind: IstioKind,
  name: string,
  spec: Record<string, unknown>,
): Promise<unknown> {
  return api.createNamespacedCustomObject({
    group: ISTIO_GROUP,
    version: ISTIO_VERSION,
    namespace,
    plural: plurals[kind],
    body: { apiVersion: `${ISTIO_GROUP}/${ISTIO_VERSION}`, kind, metadata: { name }, spec },
  }) as Promise<unknown>
}
