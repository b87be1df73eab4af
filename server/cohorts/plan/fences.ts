// Pure: the fences around a trainee namespace: ResourceQuota, LimitRange, and NetworkPolicies that
// let in only the namespace itself, the ingress gateway's namespace, the shared shop and the class's
// shared Gateway API proxy, and let out only what a trainee's pods need: DNS, the shared shop,
// istiod, the ingress gateway and the shared Gateway's proxy (and the tracing collector), for the
// workspace pod the Kubernetes API, and for the trainee's own Gateway API proxies the dashboards.
// Other trainees' namespaces are neither reachable nor able to reach in.
import { CLASS_GATEWAY } from './class-gateway.ts'
import type { ApiServerEndpoints, KubeObject } from './types.ts'

/** The ingress gateway pods' labels (clusters/blueprint.yaml istio.ingress.selector). */
const INGRESS_GATEWAY_LABELS = { istio: 'ingressgateway' }
/** The label istiod puts on the pods of a Gateway API Gateway's automated deployment. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name'
/** The shared Gateway's proxy pods (class-gateway.ts). */
const CLASS_GATEWAY_LABELS = { [GATEWAY_NAME_LABEL]: CLASS_GATEWAY.name }
/** The workspace pod's label (planWorkspacePod). */
export const WORKSPACE_APP_LABEL = 'kindlab-workspace'
/** Where the API server is when it could not be looked up: any address, on the API ports only. */
const ANY_API_SERVER: ApiServerEndpoints = { addresses: ['0.0.0.0/0'], ports: [443, 6443] }

const tcp = (port: number) => ({ protocol: 'TCP', port })

function cidr(address: string): string {
  return address.includes('/') ? address : `${address}/${address.includes(':') ? 128 : 32}`
}

export function planFences(
  namespace: string,
  labels: Record<string, string>,
  istioNamespace: string,
  shopNamespace: string,
  fullShop: boolean,
  apiServer: ApiServerEndpoints = ANY_API_SERVER,
): KubeObject[] {
  const inNamespace = (name: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
  })
  const pods = (ns: string, matchLabels: Record<string, string>) => ({
    ...inNamespace(ns),
    podSelector: { matchLabels },
  })
  return [
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'kindlab-quota', namespace, labels },
      spec: {
        hard: {
          pods: fullShop ? '30' : '15',
          'requests.cpu': fullShop ? '3' : '1',
          'requests.memory': fullShop ? '4Gi' : '1Gi',
          'limits.cpu': fullShop ? '6' : '3',
          'limits.memory': fullShop ? '8Gi' : '3Gi',
          services: '20',
          'services.loadbalancers': '0',
          'services.nodeports': '0',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'kindlab-limits', namespace, labels },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: '50m', memory: '64Mi' },
            default: { cpu: '300m', memory: '256Mi' },
            max: { cpu: '1', memory: '1Gi' },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kindlab-isolation', namespace, labels },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { podSelector: {} },
              inNamespace(istioNamespace),
              inNamespace(shopNamespace),
              // The class's shared Gateway API proxy (the Gateway API lab's shared-Gateway step).
              pods(CLASS_GATEWAY.namespace, CLASS_GATEWAY_LABELS),
            ],
          },
        ],
        egress: [
          // The trainee's own pods.
          { to: [{ podSelector: {} }] },
          // Cluster DNS.
          { to: [pods('kube-system', { 'k8s-app': 'kube-dns' })], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] },
          // The shared shop's backends (their frontend calls them).
          { to: [inNamespace(shopNamespace)] },
          // istiod: xDS and certificates for the sidecars (15012), its webhook port (15017).
          { to: [pods(istioNamespace, { app: 'istiod' })], ports: [tcp(15012), tcp(15017)] },
          // The ingress gateway and the class's shared Gateway API proxy: requests through them from the workspace (curl).
          { to: [pods(istioNamespace, INGRESS_GATEWAY_LABELS), pods(CLASS_GATEWAY.namespace, CLASS_GATEWAY_LABELS)] },
          // The tracing collector the sidecars report to (the dashboards step).
          { to: [pods(istioNamespace, { app: 'jaeger' })], ports: [tcp(9411)] },
        ],
      },
    },
    {
      // Policies add up: the trainee's own Gateway API proxies (istiod deploys them into this
      // namespace) may also reach the dashboards the Gateway API lab routes to: Kiali and Jaeger's query.
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kindlab-gateway-dashboards', namespace, labels },
      spec: {
        podSelector: { matchExpressions: [{ key: GATEWAY_NAME_LABEL, operator: 'Exists' }] },
        policyTypes: ['Egress'],
        egress: [
          { to: [pods(istioNamespace, { app: 'kiali' })], ports: [tcp(20001)] },
          { to: [pods(istioNamespace, { app: 'jaeger' })], ports: [tcp(16686)] },
        ],
      },
    },
    {
      // Policies add up: only the workspace pod (kubectl, istioctl) may also reach the API server.
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kindlab-workspace-api', namespace, labels },
      spec: {
        podSelector: { matchLabels: { app: WORKSPACE_APP_LABEL } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: apiServer.addresses.map((a) => ({ ipBlock: { cidr: cidr(a) } })),
            ports: apiServer.ports.map(tcp),
          },
        ],
      },
    },
  ]
}

/** The trainee's shell: a pod with kubectl, istioctl and curl, running as the trainee's ServiceAccount. */
export function planWorkspacePod(
  namespace: string,
  labels: Record<string, string>,
  image: string,
  serviceAccount: string,
  vars: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'workspace',
      namespace,
      labels: { ...labels, app: WORKSPACE_APP_LABEL },
      annotations: { 'sidecar.istio.io/inject': 'false' },
    },
    spec: {
      serviceAccountName: serviceAccount,
      automountServiceAccountToken: true,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'shell',
          image,
          command: ['sleep', 'infinity'],
          workingDir: '/home/trainee',
          env: Object.entries(vars).map(([name, value]) => ({ name, value })),
          resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          // Meets Pod Security `restricted`, one level above what the namespace enforces.
          securityContext: {
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            runAsUser: 1000,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    },
  }
}
