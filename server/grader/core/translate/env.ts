// The environment istiod translates for: the ingress-gateway pod (namespace, labels, IP) and the
// cluster domain suffix (spec §1). Defaults to a stock istioctl install; a gateway Pod found in
// the model replaces the default pod. Pure.
import type { ResourceModel } from '../model/index.ts'

/** The gateway workload the configuration is translated for. */
export interface GatewayPod {
  namespace: string
  labels: Record<string, string>
  /** Used to match ServiceEntry endpoints that point at the gateway (Istio's tests use 1.1.1.1). */
  ip: string
  containerPorts: Array<{ name?: string; containerPort: number }>
}

export interface GatewayEnvironment {
  pod: GatewayPod
  /** @default 'cluster.local' */
  domainSuffix: string
}

/** The assumed gateway: `istio-system`, `{istio: ingressgateway, app: istio-ingressgateway}`. */
export function defaultEnvironment(): GatewayEnvironment {
  return {
    pod: {
      namespace: 'istio-system',
      labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
      ip: '1.1.1.1',
      containerPorts: [],
    },
    domainSuffix: 'cluster.local',
  }
}

/**
 * The environment for a model: the first Pod labelled `istio: ingressgateway` becomes the
 * gateway pod (its namespace, labels, IP and container ports); otherwise the default pod.
 */
export function environmentFromModel(
  model: ResourceModel,
  overrides: Partial<GatewayEnvironment> = {},
): GatewayEnvironment {
  const env = defaultEnvironment()
  const pod = model.pods.find((p) => p.metadata.labels['istio'] === 'ingressgateway')
  if (pod !== undefined) {
    env.pod = {
      namespace: pod.metadata.namespace,
      labels: { ...pod.metadata.labels },
      ip: pod.status.podIP ?? env.pod.ip,
      containerPorts: pod.spec.containerPorts.map((c) =>
        c.name === undefined ? { containerPort: c.containerPort } : { name: c.name, containerPort: c.containerPort },
      ),
    }
  }
  return { ...env, ...overrides }
}

/** True when every key/value of `selector` is in `labels` (an empty selector selects everything). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) {
    return true
  }
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) {
      return false
    }
  }
  return true
}
