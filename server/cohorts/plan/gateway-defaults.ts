// Pure: what makes a trainee's own Kubernetes Gateway proxy admissible in a namespace-mode class.
// istiod's Gateway API deployment controller renders a `<gateway>-istio` Deployment, Service and
// ServiceAccount in the Gateway's namespace with its `kube-gateway` template. For class `istio`
// the Service defaults to type LoadBalancer, which the trainee namespace refuses (the route
// fence's policy, route-fence.ts, and the ResourceQuota's `services.loadbalancers: 0`, fences.ts), and the proxy container gets the mesh's proxy
// resources (a 2-CPU limit by default), which the LimitRange refuses (at most 1 CPU a container).
// istiod 1.31 merges, after rendering, the data of the oldest ConfigMap in its own namespace that
// carries the label `gateway.istio.io/defaults-for-class: <class>` into each object (a strategic
// merge patch per key: `deployment`, `service`, …), and then a Gateway's own
// `infrastructure.parametersRef` ConfigMap. So one ConfigMap per class cluster gives every Gateway
// of class `istio` a ClusterIP Service and a proxy within the LimitRange; its Service type wins
// over a Gateway's `networking.istio.io/service-type` annotation (that annotation only picks the
// template's type, which the overlay then replaces). What a trainee still writes themselves (a
// parametersRef asking for a LoadBalancer or more CPU) stays refused by the quota and the
// LimitRange: the defaults make the default admissible, the fences keep the limits.
// It applies to every Gateway of class `istio` in the cluster, the shared Gateway infra/public
// included (its proxy is reached from the trainees' workspaces by its Service's cluster DNS name).
// Planned only where the class cluster serves the Gateway API, shared by every class, and removed
// with the shared Gateway when the last class is torn down (class-gateway-ops.ts).
import { LABEL_MANAGED_BY } from './names.ts'
import type { KubeObject } from './types.ts'

/** The label istiod reads on ConfigMaps in its namespace: defaults for the Gateways of one class. */
export const LABEL_DEFAULTS_FOR_CLASS = 'gateway.istio.io/defaults-for-class'
/** The GatewayClass the lab's Gateways name (labs/gateway-api-ingress). */
export const CLASS_GATEWAY_CLASS = 'istio'
/** The ConfigMap's name (istiod goes by the label; the name is ours). */
export const GATEWAY_DEFAULTS_NAME = 'kindlab-gateway-defaults'
/** The container of the kube-gateway template's Deployment that runs Envoy. */
const PROXY_CONTAINER = 'istio-proxy'

/**
 * The proxy's resources: within the trainee LimitRange (at most 1 CPU, 1Gi a container) and small
 * beside the quota of the small shop (3 CPU, 3Gi of limits for the whole namespace).
 */
export const GATEWAY_PROXY_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
} as const

/** The Service type of every Gateway proxy in a class: no quota allows a LoadBalancer or NodePort there. */
export const GATEWAY_SERVICE_TYPE = 'ClusterIP'

function yamlLines(lines: string[]): string {
  return `${lines.join('\n')}\n`
}

/** The class defaults ConfigMap in istiod's namespace (`istioNamespace`). */
export function planGatewayDefaults(istioNamespace: string): KubeObject {
  const r = GATEWAY_PROXY_RESOURCES
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: GATEWAY_DEFAULTS_NAME,
      namespace: istioNamespace,
      labels: { [LABEL_MANAGED_BY]: 'kindlab', [LABEL_DEFAULTS_FOR_CLASS]: CLASS_GATEWAY_CLASS },
    },
    data: {
      // Strategic merge patches (YAML), keyed by the kind they patch; containers merge by name.
      deployment: yamlLines([
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        `        - name: ${PROXY_CONTAINER}`,
        '          resources:',
        `            requests: { cpu: ${r.requests.cpu}, memory: ${r.requests.memory} }`,
        `            limits: { cpu: ${r.limits.cpu}, memory: ${r.limits.memory} }`,
      ]),
      service: yamlLines(['spec:', `  type: ${GATEWAY_SERVICE_TYPE}`]),
    },
  }
}
