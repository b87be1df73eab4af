// A cluster's pods as cohort trainees' workspaces need them: client-node's websocket Exec (their
// terminals and command checks, server/cohorts/pod-terminal.ts and pod-command.ts), reading one
// pod and listing pods by label (is the workspace there and ready, server/cohorts/workspace-pod.ts).
// The shapes are the domain's ports (PodExec, WorkspacePods), met here without importing it.
import { CoreV1Api, Exec, type KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { loadKubeConfig, type KubeTarget } from './kube-config.ts'
import { orAbsent, translateKubeError } from './kube-errors.ts'

/** client-node's Exec: the open stream is a `ws` WebSocket; the last argument gets the exit status. */
export function createPodExec(kc: KubeConfig) {
  const exec = new Exec(kc)
  return { exec: (...args: Parameters<Exec['exec']>) => exec.exec(...args) }
}

/** Exec, read and list in one cluster; `where` names the cluster or namespace in messages. */
export function createWorkspacePods(kc: KubeConfig) {
  let client: CoreV1Api | undefined
  const core = () => (client ??= kc.makeApiClient(CoreV1Api))
  return {
    exec: createPodExec(kc),
    /** The pod, or undefined when it does not exist. */
    async read(namespace: string, name: string, where: string): Promise<V1Pod | undefined> {
      try {
        return await orAbsent(() => core().readNamespacedPod({ name, namespace }))
      } catch (err) {
        throw translateKubeError(err, 'looking for your workspace pod', where)
      }
    },
    async list(namespace: string, labelSelector: string, where: string): Promise<V1Pod[]> {
      try {
        return (await core().listNamespacedPod({ namespace, labelSelector })).items
      } catch (err) {
        throw translateKubeError(err, 'looking for your workspace pod', where)
      }
    },
  }
}

/** The pods of the cluster a kubeconfig (and context) names; throws LAB_ERR_KUBE_NOT_CONFIGURED. */
export const connectWorkspacePods = (target: KubeTarget) => createWorkspacePods(loadKubeConfig(target).kc)
