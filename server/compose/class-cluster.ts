// The class cluster: the one cluster the server was given (KUBECONFIG of its cluster environment
// and --context), read in this one place for everyone who needs it: cohorts' namespace
// environments, trainees' pod shells and trainees' command checks. Not read at construction:
// `kindlab up` serves the page before its kind cluster exists.
import type { Config } from '../config.ts'
import { loadKubeConfig, type KubeTarget, type LoadedKubeConfig } from '../adapters/kube/kube-config.ts'

export interface ClassCluster {
  /** Which kubeconfig and context. */
  readonly target: KubeTarget
  /**
   * The loaded kubeconfig, read at the first call and kept once it loads; a failure
   * (LAB_ERR_KUBE_NOT_CONFIGURED) is thrown to that caller, and the next call reads again.
   */
  load(): LoadedKubeConfig
}

export function createClassCluster(
  config: Pick<Config, 'kubeContext'>,
  clusterEnv: Readonly<Record<string, string>>,
): ClassCluster {
  const kubeconfigPath = clusterEnv['KUBECONFIG']
  const target: KubeTarget = {
    ...(kubeconfigPath ? { kubeconfigPath } : {}),
    ...(config.kubeContext ? { context: config.kubeContext } : {}),
  }
  let loaded: LoadedKubeConfig | undefined
  return {
    target,
    load: () => (loaded ??= loadKubeConfig(target)),
  }
}
