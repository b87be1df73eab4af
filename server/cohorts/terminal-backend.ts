// Chooses where a terminal runs: a trainee of a live cohort gets a shell in their workspace pod
// (exec), everyone else a local shell. Plugs into the terminal manager's `createSession` seam;
// trainee sessions are recognised by the TRAINEE_NAMESPACE variable their session carries, and a
// cluster-mode trainee's by TRAINEE_CLUSTER: their pod is in their own kind cluster, reached with
// that cluster's kubeconfig.
//
// Wiring (server/compose/terminal.ts): `createSession: createLazyCohortSessionFactory(...)` when the
// server is live. Offline, trainees get local shells in a sandbox (terminal/sandbox/isolated-sessions.ts).
import type { TerminalSession, TerminalSessionOptions } from '../terminal/terminal-session.ts'
import { createTerminalSession } from '../terminal/terminal-session.ts'
import { createPodTerminalSession, type PodExec } from './pod-terminal.ts'

type Factory = (options: TerminalSessionOptions) => TerminalSession

export function createCohortSessionFactory(
  exec: PodExec,
  local: Factory = createTerminalSession,
  /** The exec into a cluster-mode trainee's own cluster, by kind cluster name. */
  traineeClusterExec?: (clusterName: string) => PodExec,
): Factory {
  return (options) => {
    const namespace = options.env?.['TRAINEE_NAMESPACE']
    if (!namespace) {
      return local(options)
    }
    const cluster = options.env?.['TRAINEE_CLUSTER']
    return createPodTerminalSession({
      exec: cluster && traineeClusterExec ? traineeClusterExec(cluster) : exec,
      target: { namespace, pod: 'workspace', container: 'shell' },
      ...(options.size ? { size: options.size } : {}),
      ...(options.scrollbackBytes ? { scrollbackBytes: options.scrollbackBytes } : {}),
      onExit: (info) => options.onExit?.(info),
      onViewerCountChange: (count) => options.onViewerCountChange?.(count),
    })
  }
}

/**
 * The same choice, with the class cluster's kubeconfig read only when the first namespace-mode
 * trainee shell starts (`kindlab up` serves the page before the cluster exists). A cluster-mode
 * trainee's kubeconfig is read at each shell start: a reset rebuilds their cluster.
 */
export function createLazyCohortSessionFactory(
  loadExec: () => PodExec,
  traineeClusterExec?: (clusterName: string) => PodExec,
  /** Shells of everyone who is not a trainee. @default createTerminalSession */
  local: Factory = createTerminalSession,
): Factory {
  let classExec: PodExec | undefined
  const lazyClassExec: PodExec = {
    exec: (...args) => {
      classExec ??= loadExec()
      return classExec.exec(...args)
    },
  }
  let factory: Factory | undefined
  return (options) => {
    if (!options.env?.['TRAINEE_NAMESPACE']) {
      return local(options)
    }
    if (!options.env['TRAINEE_CLUSTER']) {
      // Read now, so that a missing kubeconfig is an error of this shell's start.
      classExec ??= loadExec()
    }
    factory ??= createCohortSessionFactory(lazyClassExec, local, traineeClusterExec)
    return factory(options)
  }
}
