// The exec into a cluster-mode trainee's own kind cluster: its kubeconfig lives in the data dir
// (written when the cluster was built), and the shell runs in the pod of the workspace Deployment.
// When there is no cluster or no running pod, the shell says why instead of trying.
import { existsSync } from 'node:fs'
import { connectWorkspacePods } from '../../adapters/kube/pods.ts'
import { AppError } from '../../errors.ts'
import { parseTraineeClusterName, traineeClusterFiles } from '../plan/cluster-plan.ts'
import type { PodExec } from '../pod-terminal.ts'
import { CLUSTER_WORKSPACE_LABELS, type WorkspacePods } from '../workspace-pod.ts'

/** The newest running workspace pod in `namespace`. */
export async function workspacePod(cluster: WorkspacePods, namespace: string, clusterName: string): Promise<string> {
  const pods = await cluster.list(namespace, CLUSTER_WORKSPACE_LABELS, `kind cluster ${clusterName}`)
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
    const cluster = connectWorkspacePods({ kubeconfigPath, context: `kind-${clusterName}` })
    return {
      // The workspace is a Deployment: its pod's name is looked up at each shell start.
      exec: async (namespace, _pod, container, ...rest) =>
        cluster.exec.exec(namespace, await workspacePod(cluster, namespace, clusterName), container, ...rest),
    }
  }
}
