// Pure: a cluster-mode trainee's rights in their own kind cluster. Not cluster-admin: a kind node is
// a privileged container on the instructor's Docker, so whoever may run a privileged or hostPath
// pod there is root on the instructor's machine. The trainee gets the namespace-mode Role in the
// shop's namespace (where the lab works), read access cluster-wide (Kubernetes' built-in `view`,
// which leaves Secrets out, plus Istio's objects), and in Istio's namespace only what the lab's
// HTTPS and shared-Gateway steps write there. Pods can only be made in the shop's namespace, whose
// Pod Security level is `baseline` (pod-security.ts).
import { planAdmissionFence, resourceRule } from './admission.ts'
import { TRAINEE_SERVICE_ACCOUNT, traineeRules } from './rbac.ts'
import type { KubeObject } from './types.ts'

const rbacApi = 'rbac.authorization.k8s.io/v1'
const read = ['get', 'list', 'watch']
const write = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']
/** The TLS Secret the HTTPS step creates in Istio's namespace (labs/istio-ingress lab.yaml `tls-secret`). */
export const LAB_GATEWAY_SECRETS = ['hipster-credential']

export interface ClusterRbacNames {
  /** Namespace of the workspace's ServiceAccount. */
  workspaceNamespace: string
  /** The shop's namespace: the trainee's working namespace. */
  shopNamespace: string
  istioNamespace: string
}

export function planClusterTraineeRbac(n: ClusterRbacNames, labels: Record<string, string>): KubeObject[] {
  const subjects = [{ kind: 'ServiceAccount', name: TRAINEE_SERVICE_ACCOUNT, namespace: n.workspaceNamespace }]
  const ref = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name })
  return [
    {
      apiVersion: rbacApi,
      kind: 'ClusterRole',
      metadata: { name: 'kindlab-trainee-istio-read', labels },
      rules: [
        {
          apiGroups: ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io'],
          resources: ['*'],
          verbs: read,
        },
      ],
    },
    {
      apiVersion: rbacApi,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kindlab-trainee-view', labels },
      roleRef: ref('ClusterRole', 'view'),
      subjects,
    },
    {
      apiVersion: rbacApi,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kindlab-trainee-istio-read', labels },
      roleRef: ref('ClusterRole', 'kindlab-trainee-istio-read'),
      subjects,
    },
    {
      apiVersion: rbacApi,
      kind: 'Role',
      metadata: { name: 'kindlab-trainee', namespace: n.shopNamespace, labels },
      rules: traineeRules(),
    },
    {
      apiVersion: rbacApi,
      kind: 'RoleBinding',
      metadata: { name: 'kindlab-trainee', namespace: n.shopNamespace, labels },
      roleRef: ref('Role', 'kindlab-trainee'),
      subjects,
    },
    {
      apiVersion: rbacApi,
      kind: 'Role',
      metadata: { name: 'kindlab-trainee-gateway', namespace: n.istioNamespace, labels },
      rules: [
        // Creating cannot be limited by name; reading and changing can (the CA's Secrets stay unreadable).
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: LAB_GATEWAY_SECRETS, verbs: write },
        { apiGroups: ['networking.istio.io'], resources: ['gateways', 'virtualservices'], verbs: write },
        // istioctl proxy-config reaches the gateway's Envoy admin port through a port-forward.
        { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: rbacApi,
      kind: 'RoleBinding',
      metadata: { name: 'kindlab-trainee-gateway', namespace: n.istioNamespace, labels },
      roleRef: ref('Role', 'kindlab-trainee-gateway'),
      subjects,
    },
  ]
}

/**
 * The Secrets a trainee creates in Istio's namespace must be TLS Secrets: a ServiceAccount-token
 * Secret named like the lab's (which the trainee may read) would otherwise hand them the token of
 * any ServiceAccount there, istiod's included.
 */
export function planGatewaySecretPolicy(n: ClusterRbacNames, labels: Record<string, string>): KubeObject[] {
  return planAdmissionFence({
    name: 'kindlab-trainee-gateway-secrets',
    labels,
    rules: [resourceRule([''], ['secrets'], ['v1'])],
    matchConditions: [
      {
        name: 'from-the-trainee',
        expression: `request.userInfo.username == 'system:serviceaccount:${n.workspaceNamespace}:${TRAINEE_SERVICE_ACCOUNT}'`,
      },
    ],
    validations: [
      {
        expression: "has(object.type) && object.type == 'kubernetes.io/tls'",
        message: `Secrets you create in ${n.istioNamespace} must be TLS Secrets (kubectl create secret tls).`,
        reason: 'Forbidden',
      },
    ],
    namespaces: { 'kubernetes.io/metadata.name': n.istioNamespace },
  })
}
