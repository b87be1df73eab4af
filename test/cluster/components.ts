// Command lines for etcd, kube-apiserver, kube-controller-manager and kube-scheduler on loopback.
// Pure: builds argument lists only; starting them is controlplane.ts's job.
import { join } from 'node:path'
import { serviceCidr, type Pki } from './pki.ts'

/** Ports picked for one control plane. */
export interface Ports {
  etcdClient: number
  etcdPeer: number
  apiserver: number
}

/** Issuer of service-account tokens, as in a kubeadm cluster. */
export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local'

export function etcdArgs(dataDir: string, ports: Ports): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`
  const peer = `http://127.0.0.1:${ports.etcdPeer}`
  return [
    '--name=kindlab',
    `--data-dir=${join(dataDir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=kindlab=${peer}`,
    '--initial-cluster-state=new',
    // Throwaway data: skip fsync so the suite is not bound by disk latency.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ]
}

export function apiserverArgs(pki: Pki, ports: Ports): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--tls-cert-file=${pki.apiserver.cert}`,
    `--tls-private-key-file=${pki.apiserver.key}`,
    `--client-ca-file=${pki.ca.cert}`,
    '--authorization-mode=Node,RBAC',
    // Default plugins (ServiceAccount, ValidatingAdmissionPolicy, ...) stay on; add the kubeadm extras.
    '--enable-admission-plugins=NodeRestriction',
    `--service-account-issuer=${serviceAccountIssuer}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    `--service-cluster-ip-range=${serviceCidr}`,
    // Endpoints may not point at loopback, so the `kubernetes` Service gets no endpoints here.
    '--endpoint-reconciler-type=none',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ]
}

export function controllerManagerArgs(pki: Pki, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    '--leader-elect=false',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.ca.cert}`,
    `--cluster-signing-cert-file=${pki.ca.cert}`,
    `--cluster-signing-key-file=${pki.ca.key}`,
    `--service-cluster-ip-range=${serviceCidr}`,
    '--profiling=false',
    '--v=1',
  ]
}

export function schedulerArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    '--leader-elect=false',
    '--profiling=false',
    '--v=1',
  ]
}
