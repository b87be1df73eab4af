// The exec into a cluster-mode trainee's own kind cluster: its kubeconfig lives in the data dir
// (written when the cluster was built), and the shell runs in the pod of the workspace Deployment.
// When there is no cluster or no running pod, the shell says why instead of trying.
import { existsSync } from 'node:fs'
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { loadKubeConfig } from '../../adapters/kube/kube-config.ts'
import { translateKubeError } from '../../adapters/kube/kube-errors.ts'
import { AppError } from '../../errors.ts'
import { CLUSTER_WORKSPACE_SELECTOR, parseTraineeClusterName, traineeClusterFiles } from '../plan/cluster-plan.ts'
import { createPodExec, type PodExec } from '../pod-terminal.ts'

const selector = Object.entries(CLUSTER_WORKSPACE_SELECTOR)
  .map(([k, v]) => `${k}=${v}`)
  .join(',')

/** The newest running workspace pod in `namespace`. */
export async function workspacePod(kc: KubeConfig, namespace: string, clusterName: string): Promise<string> {
  let pods
  try {
    pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selector })).items
  } catch (err) {
    throw translateKubeError(err, 'looking for your workspace pod', `kind cluster ${clusterName}`)
  }
  const running = pods
    .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp)
    .sort((a, b) =>
      String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')),
    )
  const name = running[0]?.metadata?.name
  if (!name) {
    throw new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', {
      message: `Your workspace pod in ${clusterName} is not running${pods.length ? ' yet' : ''}.`,
      hint: 'It may still be starting: reconnect in a few seconds. If it stays away, your instructor can reset you.',
    })
  }
  return name
}

export function traineeClusterExec(
  dataDir: string,
  /** Why trainee clusters are only planned here, if they are. */
  plannedReason?: () => string | undefined,
): (clusterName: string) => PodExec {
  return (clusterName) => {
    const parsed = parseTraineeClusterName(clusterName)
    const kubeconfigPath = parsed
      ? traineeClusterFiles(dataDir, { name: parsed.cohort, domain: '' }, parsed.traineeId).kubeconfigPath
      : undefined
    if (!kubeconfigPath || !existsSync(kubeconfigPath)) {
      const reason = plannedReason?.()
      const error = new AppError('LAB_ERR_TERMINAL_UNAVAILABLE', {
        message: `Your kind cluster ${clusterName} does not exist${reason ? '' : ' yet'}.`,
        hint: reason ?? 'It is being built: reconnect in a minute. If it failed, your instructor can reset you.',
      })
      return { exec: () => Promise.reject(error) }
    }
    const { kc } = loadKubeConfig({ kubeconfigPath, context: `kind-${clusterName}` })
    const exec = createPodExec(kc)
    return {
      // The workspace is a Deployment: its pod's name is looked up at each shell start.
      exec: async (namespace, _pod, container, ...rest) =>
        exec.exec(namespace, await workspacePod(kc, namespace, clusterName), container, ...rest),
    }
  }
}
