// The terminal: one manager for every shell (learners', trainees', and the ones instructors watch),
// built with the root logger before anything that closes shells, and the choice of where each
// shell runs. Offline, local shells: a trainee's in a sandbox showing only their workspace (refused
// when it cannot start), a solo learner's in its own PID namespace. Live, a trainee's shell runs in
// their workspace pod (exec), in the class cluster or in their own kind cluster (cluster mode).
import type { Config } from '../config.ts'
import { createLazyCohortSessionFactory } from '../cohorts/terminal-backend.ts'
import { createPodExec } from '../adapters/kube/pods.ts'
import type { PodExec } from '../cohorts/pod-terminal.ts'
import type { SessionService } from '../services/session-service.ts'
import type { TraineeSandbox } from '../terminal/sandbox/bwrap.ts'
import { createIsolatedSessionFactory } from '../terminal/sandbox/isolated-sessions.ts'
import { createPidNamespace } from '../terminal/sandbox/pid-namespace.ts'
import type { TerminalAuth } from '../terminal/terminal-connection.ts'
import { createTerminalManager, type TerminalLogger, type TerminalManager } from '../terminal/terminal-manager.ts'
import type { ClassCluster } from './class-cluster.ts'

export interface Terminal {
  manager: TerminalManager
  /** The shell a learner's session token opens: their workspace, lab variables and the cluster's environment. */
  authenticate(token: string): TerminalAuth | undefined
}

export interface TerminalInput {
  config: Pick<Config, 'offline' | 'sessionIdleMinutes' | 'maxTerminals'>
  logger: TerminalLogger
  sessions: SessionService
  /** Environment every shell gets (KUBECONFIG when a cluster is attached); it wins over lab variables. */
  clusterEnv: Readonly<Record<string, string>>
  classCluster: ClassCluster
  traineeSandbox: TraineeSandbox
  /** The exec into a cluster-mode trainee's own cluster (server/cohorts/server-wiring.ts). */
  traineeClusterExec: (clusterName: string) => PodExec
}

export function createTerminal(input: TerminalInput): Terminal {
  const localShells = createIsolatedSessionFactory({
    trainee: input.traineeSandbox,
    solo: createPidNamespace(),
  })
  const manager = createTerminalManager({
    logger: input.logger,
    idleTimeoutMs: input.config.sessionIdleMinutes * 60_000,
    maxShells: input.config.maxTerminals,
    createSession: input.config.offline
      ? localShells
      : createLazyCohortSessionFactory(
          () => createPodExec(input.classCluster.load().kc),
          input.traineeClusterExec,
          localShells,
        ),
  })
  return {
    manager,
    authenticate(token) {
      const session = input.sessions.authenticate(token)
      return session
        ? {
            sessionId: session.id,
            workspaceDir: session.workspaceDir,
            env: { ...session.vars, ...input.clusterEnv },
            sessionKind: session.kind,
          }
        : undefined
    },
  }
}
