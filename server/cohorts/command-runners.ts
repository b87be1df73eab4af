// Where a session's `command` checks run: the same place as its terminal (terminal-backend.ts).
// On a live server a cohort trainee's run in their workspace pod, as their ServiceAccount: in the
// class cluster (namespace mode), or in their own kind cluster (cluster mode); on an offline server
// in their terminal's sandbox (session-services.ts, terminal/sandbox/sandbox-command-runner.ts).
// Everyone else's run as today: a local process in the workspace folder (no runner given:
// checks/command-runner.ts falls back to CheckContext.runCommand). A trainee
// whose workspace is not ready, or whose kind cluster does not exist, gets a check that says so:
// their command never runs with the server's identity instead.
import { existsSync } from 'node:fs'
import type { KubeTarget } from '../adapters/kube/kube-config.ts'
import { connectWorkspacePods } from '../adapters/kube/pods.ts'
import type { CommandRunner } from '../checks/command-runner.ts'
import { AppError } from '../errors.ts'
import type { SessionRecord } from '../store/sessions-repo.ts'
import { traineeClusterKubeconfig } from './plan/cluster-plan.ts'
import { createPodCommandRunner } from './pod-command.ts'
import { clusterWorkspace, namespaceWorkspace, type WorkspacePods } from './workspace-pod.ts'

/** The command runners of live cohort trainees. */
export interface TraineeCommandRunners {
  /** A namespace-mode trainee's: pod `workspace` in their namespace of the class cluster. */
  classCluster(namespace: string): CommandRunner
  /** A cluster-mode trainee's: the workspace Deployment's pod in their own kind cluster. */
  ownCluster(clusterName: string, namespace: string): CommandRunner
}

/**
 * The runner of `session`'s command checks, or undefined for the local one: a learner's, and any
 * session's when `runners` is absent (offline server). Trainees are recognised like terminals are,
 * by the TRAINEE_NAMESPACE (and for cluster mode TRAINEE_CLUSTER) their session carries. Pure.
 */
export function commandRunnerForSession(
  session: SessionRecord,
  runners: TraineeCommandRunners | undefined,
): CommandRunner | undefined {
  const namespace = session.kind === 'trainee' ? session.vars['TRAINEE_NAMESPACE'] : undefined
  if (!runners || !namespace) {
    return undefined
  }
  const cluster = session.vars['TRAINEE_CLUSTER']
  return cluster ? runners.ownCluster(cluster, namespace) : runners.classCluster(namespace)
}

export interface TraineeCommandRunnersOptions {
  /** The class cluster's pods; connected when the first namespace-mode check runs (`up` serves first). */
  classCluster: () => WorkspacePods
  dataDir: string
  /** Why trainee clusters are only planned here, if they are (said when a cluster does not exist). */
  plannedReason?: () => string | undefined
  /** A trainee's own kind cluster's pods. @default connectWorkspacePods (server/adapters/kube/pods.ts) */
  connect?: (target: KubeTarget) => WorkspacePods
}

export function createTraineeCommandRunners(options: TraineeCommandRunnersOptions): TraineeCommandRunners {
  const connect = options.connect ?? connectWorkspacePods
  let classPods: WorkspacePods | undefined
  const classCluster = (): WorkspacePods => (classPods ??= options.classCluster())
  return {
    classCluster: (namespace) => ({
      run: async (command, runOptions) => {
        const pods = classCluster()
        const runner = createPodCommandRunner({ exec: pods.exec, workspace: () => namespaceWorkspace(pods, namespace) })
        return runner.run(command, runOptions)
      },
    }),
    ownCluster: (clusterName, namespace) => ({
      // Read at each check: a reset rebuilds the cluster (and its kubeconfig).
      run: async (command, runOptions) => {
        const pods = connect(traineeClusterTarget(options.dataDir, clusterName, options.plannedReason))
        const runner = createPodCommandRunner({
          exec: pods.exec,
          workspace: () => clusterWorkspace(pods, namespace, clusterName),
        })
        return runner.run(command, runOptions)
      },
    }),
  }
}

function traineeClusterTarget(
  dataDir: string,
  clusterName: string,
  plannedReason: (() => string | undefined) | undefined,
): KubeTarget {
  const kubeconfigPath = traineeClusterKubeconfig(dataDir, clusterName)
  if (!kubeconfigPath || !existsSync(kubeconfigPath)) {
    const reason = plannedReason?.()
    throw new AppError('LAB_ERR_CHECK_FAILED_TO_RUN', {
      message: `Your workspace is not ready${reason ? '' : ' yet'}: your kind cluster ${clusterName} does not exist${reason ? '' : ' yet'}.`,
      hint:
        reason ??
        'It is being built: press Check again in a minute. If the build failed, your instructor can reset you.',
    })
  }
  return { kubeconfigPath, context: `kind-${clusterName}` }
}
