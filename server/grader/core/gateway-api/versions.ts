// The API versions of the Gateway API kinds that the pinned v1.6.0 standard-channel CRDs serve
// (what `kindlab up` installs), v1 first. A file in any other version is refused by
// the API server ("no matches for kind"), so the grader refuses it too. The experimental channel
// also serves TCPRoute and TLSRoute v1alpha2 (and TLSRoute v1alpha3); kindlab does not install it.
// test/cluster/gateway-api-versions.test.ts compares this table with the CRDs of the Go module. Pure.

/** Served versions per kind, v1 first: the version the live source lists (both channels serve it). */
export const SERVED_VERSIONS = {
  GatewayClass: ['v1', 'v1beta1'],
  Gateway: ['v1', 'v1beta1'],
  HTTPRoute: ['v1', 'v1beta1'],
  GRPCRoute: ['v1'],
  TCPRoute: ['v1'],
  TLSRoute: ['v1'],
  ReferenceGrant: ['v1', 'v1beta1'],
} as const satisfies Record<string, readonly string[]>

export type GatewayApiKind = keyof typeof SERVED_VERSIONS

/** Versions any channel of any release defined: an object in one of these is a Gateway API object, served or not. */
const KNOWN_VERSIONS: ReadonlySet<string> = new Set(['v1', 'v1beta1', 'v1alpha2', 'v1alpha3'])

export const isGatewayApiKind = (kind: string): kind is GatewayApiKind => Object.hasOwn(SERVED_VERSIONS, kind)

export const isKnownGatewayApiVersion = (version: string): boolean => KNOWN_VERSIONS.has(version)

/** Whether the pinned standard CRDs serve `kind` at `version`. */
export function isServed(kind: GatewayApiKind, version: string): boolean {
  return (SERVED_VERSIONS[kind] as readonly string[]).includes(version)
}
