// The catalog of failure causes a check reports, so that a lab's written hints can follow the
// actual mistake (lab.yaml `hintByCause`) instead of the attempt number. Pure data; documented in
// labs/README.md (a test keeps both in step). Analyzer codes (IST0101, GRD0201, ...) are causes too.

/** Every cause a check kind may report, with what it means for an author. Sorted by id. */
export const CAUSES = {
  'destination-not-found': 'A route sends the request to a host no Service or ServiceEntry answers to.',
  'field-wrong': 'A field of the object has another value than the step asks for.',
  'gateway-not-found': "A VirtualService's `gateways` entry names a Gateway that does not exist.",
  'host-mismatch': 'The request host is not served: the Gateway server and the VirtualService hosts disagree.',
  'host-too-broad': 'A wildcard host also takes requests for names the step keeps out.',
  'no-gateways': 'The VirtualService has no `gateways` field, so it applies only inside the mesh.',
  'no-listener': 'No Gateway server opens the port the request arrives on.',
  'no-route': 'The virtual host exists, but no rule matches the request (path, method, headers).',
  'not-allowed-by-listener':
    "A Gateway API route names a listener whose `allowedRoutes` refuses the route's namespace or kind.",
  'nothing-to-check': 'The learner has not created any of the objects the check is about yet.',
  'object-missing': 'The object the check is about does not exist (or is in another namespace).',
  'object-still-exists': 'An object the step asks to delete still exists.',
  'parent-not-found':
    "A Gateway API route's `parentRefs` entry names no Gateway Istio handles, or no listener of it (`sectionName`, `port`).",
  'port-not-on-service': 'A port is not a port of the Service: a destination port, or a gateway port.',
  'protocol-mismatch': 'The Gateway server speaks another protocol than the request (HTTP, HTTPS, TCP).',
  'ref-not-permitted':
    'A reference into another namespace (a backendRef, a certificateRef) has no ReferenceGrant there allowing it.',
  'selector-no-pod': 'A Gateway selector matches no ingress gateway pod.',
  'tls-credential': 'The HTTPS server has no usable certificate (credentialName, Secret, namespace, type).',
  'traffic-failed': 'The configuration is right, but the real request through the gateway failed.',
  'wrong-destination': 'The request is routed, but to another Service, port or path than expected.',
} as const satisfies Record<string, string>

export type Cause = keyof typeof CAUSES

/** True when `cause` is in the catalog, or is an analyzer code (IST0101, GRD0201). */
export function isKnownCause(cause: string): boolean {
  return Object.hasOwn(CAUSES, cause) || /^(IST|GRD)\d{4}$/.test(cause)
}

/** The catalog as a Markdown table (labs/README.md shows it between `causes` markers). */
export function causesTable(): string {
  const rows = Object.entries(CAUSES).map(([id, what]) => `| \`${id}\` | ${what.replace(/\|/g, '\\|')} |`)
  return ['| Cause | What the grader found |', '| --- | --- |', ...rows].join('\n')
}
