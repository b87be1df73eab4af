// Chooses where a terminal runs: a trainee of a live cohort gets a shell in their workspace pod
// (exec), everyone else a local shell. Plugs into the terminal manager's `createSession` seam;
// trainee sessions are recognised by the TRAINEE_NAMESPACE variable their session carries.
//
// Wiring (server/terminal-wiring.ts, the terminal owner's file): pass
// `createSession: createCohortSessionFactory(createPodExec(kc))` to createTerminalManager when
// the server has a cluster. Offline, trainees keep local shells.
import type { TerminalSession, TerminalSessionOptions } from '../terminal/terminal-session.ts'
import { createTerminalSession } from '../terminal/terminal-session.ts'
import { createPodTerminalSession, type PodExec } from './pod-terminal.ts'

export function createCohortSessionFactory(
  exec: PodExec,
  local: (options: TerminalSessionOptions) => TerminalSession = createTerminalSession,
): (options: TerminalSessionOptions) => TerminalSession {
  return (options) => {
    const namespace = options.env?.['TRAINEE_NAMESPACE']
    if (!namespace) {
      return local(options)
    }
    return createPodTerminalSession({
      exec,
      target: { namespace, pod: 'workspace', container: 'shell' },
      ...(options.size ? { size: options.size } : {}),
      ...(options.scrollbackBytes ? { scrollbackBytes: options.scrollbackBytes } : {}),
      onExit: (info) => options.onExit?.(info),
      onViewerCountChange: (count) => options.onViewerCountChange?.(count),
    })
  }
}

/**
 * The same choice, with the cluster's kubeconfig read only when the first trainee shell starts
 * (`kindlab up` serves the page before the cluster exists).
 */
export function createLazyCohortSessionFactory(
  loadExec: () => PodExec,
): (options: TerminalSessionOptions) => TerminalSession {
  let factory: ((options: TerminalSessionOptions) => TerminalSession) | undefined
  return (options) => {
    if (!options.env?.['TRAINEE_NAMESPACE']) {
      return createTerminalSession(options)
    }
    factory ??= createCohortSessionFactory(loadExec())
    return factory(options)
  }
}
