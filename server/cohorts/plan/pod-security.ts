// Pure: the Pod Security admission level of every namespace a trainee can create pods in. The
// built-in PodSecurity admission (on by default since Kubernetes 1.25) enforces it, so no
// webhook or controller of ours has to be up for the fence to hold.
//
// Why `baseline` and not `restricted`: `baseline` refuses what turns a pod into node root
// (privileged containers, hostPath volumes of any path, hostNetwork, hostPID, hostIPC, hostPorts,
// added capabilities beyond the runtime's default set, unconfined seccomp/AppArmor, custom
// SELinux users, /proc mount types, unsafe sysctls) and is what Istio's injected sidecar can meet:
// with the Istio CNI node agent (clusters/istio/overlay.yaml) the injected init container is
// `istio-validation`, running as 1337 with every capability dropped, instead of `istio-init`,
// which needs NET_ADMIN and NET_RAW (refused by `baseline` and `restricted` alike). `restricted`
// would further demand runAsNonRoot, a RuntimeDefault seccomp profile and `drop: [ALL]` from
// every container a trainee writes or copies from a lab (the canary Deployment of the flagship lab
// sets none of them), which breaks lab steps without adding a fence between trainees or around
// the node. `restricted` is the `warn` and `audit` level, so kubectl shows what it would say.

/** The PodSecurity labels on a trainee namespace (kubernetes.io/docs: Pod Security Standards). */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'latest',
}
