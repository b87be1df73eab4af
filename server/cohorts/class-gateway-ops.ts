// The class cluster's side of plan/class-gateway.ts: whether the cluster serves the Gateway API,
// and a cohort's listener on the shared Gateway infra/public, applied and released under the
// cohort's own field manager so other classes' listeners stay as they are; the class defaults of
// the Gateway proxies (plan/gateway-defaults.ts, applied with the cohort's shared objects) go with
// the shared Gateway when the last class's listener is released. The cluster is reached through
// the part of the ClusterObjects port (namespace-environments.ts) it needs.
import {
  CLASS_GATEWAY,
  classGatewayManager,
  classListenerName,
  planClassGateway,
  releaseClassGateway,
} from './plan/class-gateway.ts'
import { GATEWAY_DEFAULTS_NAME } from './plan/gateway-defaults.ts'
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

/**
 * `known`: whether the cluster serves the Gateway API, when the caller knows; else it is looked up.
 * `istioNamespace`: istiod's namespace, where the Gateway proxy defaults are.
 */
export function createClassGatewayOps(kube: GatewayObjects, known?: boolean, istioNamespace = 'istio-system') {
  const defaultsRef: ObjectRef = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: GATEWAY_DEFAULTS_NAME,
    namespace: istioNamespace,
  }
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
    /**
     * Takes the cohort's listener off; the Gateway goes when it was the last one, and with it the
     * Gateway proxy defaults (no class is left whose trainees need them).
     */
    async release(cohort: CohortNames): Promise<void> {
      const names = await listenerNames()
      const ours = classListenerName(cohort)
      if (names.includes(ours) && names.some((n) => n !== ours)) {
        await kube.applyAs(releaseClassGateway(), classGatewayManager(cohort))
        return
      }
      if (names.includes(ours)) {
        await kube.remove(gatewayRef)
      }
      if (names.every((n) => n === ours)) {
        await kube.remove(defaultsRef)
      }
    },
    /** The cohort's listener, as a leftover, while it is there; the proxy defaults once no class has a listener. */
    async leftovers(cohort: CohortNames): Promise<string[]> {
      const ours = classListenerName(cohort)
      const names = await listenerNames()
      const listener = names.includes(ours)
        ? [`listener ${ours} of Gateway ${CLASS_GATEWAY.namespace}/${CLASS_GATEWAY.name}`]
        : []
      const defaults =
        names.length === 0 && (await kube.read(defaultsRef))
          ? [`ConfigMap ${istioNamespace}/${GATEWAY_DEFAULTS_NAME}`]
          : []
      return [...listener, ...defaults]
    },
  }
}
