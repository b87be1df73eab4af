// Pure: a namespace-mode trainee's TCP port on the shared ingress gateway Service. The Service
// belongs to the platform (Istio's install), so each trainee's port is added by server-side apply
// under a field manager of its own: applying one trainee's port never touches another's, and
// applying an empty object as that manager takes exactly that port away again (teardown, reset).
import { cohortPrefix, traineeTcpPort, type CohortNames } from './names.ts'
import type { KubeObject } from './types.ts'

/** The field manager that owns `trainee`'s port (`kindlab-<cohort>-port-<trainee>`). */
export function gatewayPortManager(cohort: CohortNames, trainee: string): string {
  return `${gatewayPortManagerPrefix(cohort)}${trainee}`
}

/** Every port manager of `cohort` starts with this. */
export function gatewayPortManagerPrefix(cohort: CohortNames): string {
  return `${cohortPrefix(cohort)}-port-`
}

/** The gateway Service with only the trainee's port (a partial object for server-side apply). */
export function planGatewayPort(
  cohort: CohortNames,
  trainee: string,
  gateway: { namespace: string; service: string },
): KubeObject {
  const port = traineeTcpPort(cohort, trainee)
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: gateway.service, namespace: gateway.namespace },
    spec: {
      // `tcp-` tells Istio the protocol. The store gives every trainee of the cluster their own
      // number (tcp-ports.ts); the name depends on the port alone, so should a port ever be applied
      // twice (a torn-down cohort's leftover), identical values let both managers own the entry.
      ports: [{ name: `tcp-trainee-${port}`, port, targetPort: port, protocol: 'TCP' }],
    },
  }
}

/** The same Service with nothing: applied as a trainee's manager, it releases their port. */
export function releaseGatewayPort(gateway: { namespace: string; service: string }): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: gateway.service, namespace: gateway.namespace } }
}
