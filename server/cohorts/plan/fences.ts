// Pure: the fences around a trainee namespace: ResourceQuota, LimitRange, and a NetworkPolicy that
// lets in only the namespace itself, the ingress gateway's namespace and the shared shop.
import type { KubeObject } from './types.ts'

export function planFences(
  namespace: string,
  labels: Record<string, string>,
  istioNamespace: string,
  shopNamespace: string,
  fullShop: boolean,
): KubeObject[] {
  const fromNamespace = (name: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
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
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }, fromNamespace(istioNamespace), fromNamespace(shopNamespace)] }],
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
      labels: { ...labels, app: 'kindlab-workspace' },
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
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000 },
        },
      ],
    },
  }
}
