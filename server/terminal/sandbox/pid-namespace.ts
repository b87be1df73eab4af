// Adapter for util-linux `unshare`: runs a learner's own shell as the first process of a new PID
// namespace, so that everything it starts (setsid and double-forked daemons too) dies when the
// terminal closes. Only isolates processes: the shell keeps the learner's identity and files.
import { spawnSync } from 'node:child_process'
import { isExecutable, type ShellCommand } from '../spawn-shell.ts'

export interface PidNamespace {
  /** The shell in its own PID namespace, or the shell itself when this machine cannot do it. */
  wrap(shell: ShellCommand): ShellCommand
  /** Why shells are not put in a PID namespace here (checked once), or undefined. */
  unavailableReason(): string | undefined
}

/**
 * `unshare --pid --fork --kill-child --mount-proc`: unshare forks the shell as PID 1 of the new
 * namespace and kills it when it dies itself (SIGHUP from a closed terminal); the kernel then kills
 * every other process of the namespace. Without root, a user namespace that maps the learner to
 * themselves is needed as well (`--user --map-current-user`; `sudo` does not work in there).
 */
const PRIVILEGED = ['--pid', '--fork', '--kill-child', '--mount-proc']
const UNPRIVILEGED = ['--user', '--map-current-user', ...PRIVILEGED]

export function createPidNamespace(options: { unsharePath?: string } = {}): PidNamespace {
  const unshare = options.unsharePath ?? ['/usr/bin/unshare', '/bin/unshare'].find(isExecutable)
  let flags: string[] | undefined
  let reason: string | undefined | null = null
  const probe = (): void => {
    if (unshare === undefined) {
      reason = 'util-linux unshare is not installed'
      return
    }
    for (const candidate of [PRIVILEGED, UNPRIVILEGED]) {
      const run = spawnSync(unshare, [...candidate, '/bin/sh', '-c', 'exit 0'], { timeout: 10_000, stdio: 'ignore' })
      if (run.status === 0) {
        flags = candidate
        reason = undefined
        return
      }
    }
    reason = 'this machine does not let kindlab create PID namespaces'
  }
  return {
    unavailableReason() {
      if (reason === null) {
        probe()
      }
      return reason ?? undefined
    },
    wrap(shell) {
      if (this.unavailableReason() !== undefined || unshare === undefined || flags === undefined) {
        return shell
      }
      return { file: unshare, args: [...flags, shell.file, ...shell.args] }
    },
  }
}
