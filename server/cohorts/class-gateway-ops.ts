// The class cluster's side of plan/class-gateway.ts: whether the cluster serves the Gateway API,
// and a cohort's listener on the shared Gateway infra/public, applied and released under the
// cohort's own field manager so other classes' listeners stay as they are. The cluster is reached
// through the part of the ClusterObjects port (namespace-environments.ts) it needs.
import {
  CLASS_GATEWAY,
  classGatewayManager,
  classListenerName,
  planClassGateway,
  releaseClassGateway,
} from './plan/class-gateway.ts'
import type { CohortNames } from './plan/names.ts'
import type { KubeObject } from './plan/types.ts'

interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

/** What of the class cluster's objects this needs (namespace-environments.ts ClusterObjects has it). */
export interface GatewayObjects {
  applyAs(object: KubeObject, manager?: string): Promise<void>
  remove(ref: ObjectRef): Promise<void>
  read(ref: ObjectRef): Promise<Record<string, unknown> | undefined>
}

/** The Gateway API CRDs whose presence makes the class cluster one that serves the Gateway API. */
const GATEWAY_API_CRDS = ['gateways.gateway.networking.k8s.io', 'referencegrants.gateway.networking.k8s.io']
const gatewayRef: ObjectRef = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...CLASS_GATEWAY }

/** `known`: whether the cluster serves the Gateway API, when the caller knows; else it is looked up. */
export function createClassGatewayOps(kube: GatewayObjects, known?: boolean) {
  /** The listener names of the shared Gateway (none when it is not there). */
  async function listenerNames(): Promise<string[]> {
    const gw = (await kube.read(gatewayRef)) as { spec?: { listeners?: Array<{ name?: string }> } } | undefined
    return (gw?.spec?.listeners ?? []).map((l) => l.name ?? '')
  }

  return {
    /** Looked up on each use: `kindlab up` may install the CRDs after the server started. */
    async servesGatewayApi(): Promise<boolean> {
      if (known !== undefined) {
        return known
      }
      const crds = await Promise.all(
        GATEWAY_API_CRDS.map((name) =>
          // An identity that may not read CRDs plans without the Gateway API objects.
          kube
            .read({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name })
            .catch(() => undefined),
        ),
      )
      return crds.every((crd) => crd !== undefined)
    },
    /** Adds (or updates) the cohort's listener. */
    async apply(cohort: CohortNames): Promise<void> {
      await kube.applyAs(planClassGateway(cohort), classGatewayManager(cohort))
    },
    /** Takes the cohort's listener off; the Gateway goes when it was the last one. */
    async release(cohort: CohortNames): Promise<void> {
      const names = await listenerNames()
      const ours = classListenerName(cohort)
      if (!names.includes(ours)) {
        return
      }
      if (names.every((n) => n === ours)) {
        await kube.remove(gatewayRef)
      } else {
        await kube.applyAs(releaseClassGateway(), classGatewayManager(cohort))
      }
    },
    /** The cohort's listener, as a leftover, while it is there. */
    async leftovers(cohort: CohortNames): Promise<string[]> {
      const ours = classListenerName(cohort)
      return (await listenerNames()).includes(ours)
        ? [`listener ${ours} of Gateway ${CLASS_GATEWAY.namespace}/${CLASS_GATEWAY.name}`]
        : []
    },
  }
}
