// Starts and stops the control-plane processes: one log file each, early-exit detection, and a
// graceful SIGTERM-then-SIGKILL shutdown. Children stay in our process group, so a group kill ends them.
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One started component. */
export interface Managed {
  name: string
  child: ChildProcess
  logPath: string
  exited: Promise<number | null>
}

/** Every process any Supervisor in this process started, for synchronous 'exit' cleanup. */
const everyStarted = new Set<ChildProcess>()

/** SIGKILLs every component still alive that this process started (safe in an 'exit' handler). */
export function killEverythingSync(): void {
  for (const child of everyStarted) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
    }
  }
}

/** Owns every process it started; nothing else is ever signalled. */
export class Supervisor {
  readonly #procs: Managed[] = []
  #stopping = false
  /** Processes stopped on purpose one by one (stopOne): their exit is not unexpected. */
  readonly #retired = new WeakSet<Managed>()
  #onUnexpectedExit: ((proc: Managed, code: number | null) => void) | undefined

  constructor(readonly logDir: string) {}

  get processes(): readonly Managed[] {
    return this.#procs
  }

  /** Called when a component dies on its own (not during stop()). */
  onUnexpectedExit(handler: (proc: Managed, code: number | null) => void): void {
    this.#onUnexpectedExit = handler
  }

  start(
    name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ): Managed {
    const logPath = join(this.logDir, `${name}.log`)
    const fd = openSync(logPath, 'a')
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: options.env ?? process.env, cwd: options.cwd })
    closeSync(fd)
    everyStarted.add(child)
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(-1))
      child.once('exit', (code, signal) => {
        everyStarted.delete(child)
        resolve(code ?? (signal ? 128 : null))
      })
    })
    const proc: Managed = { name, child, logPath, exited }
    void exited.then((code) => {
      if (!this.#stopping && !this.#retired.has(proc)) {
        this.#onUnexpectedExit?.(proc, code)
      }
    })
    this.#procs.push(proc)
    return proc
  }

  /** Last lines of a component's log, for error messages. */
  tail(proc: Managed, lines = 25): string {
    try {
      return readFileSync(proc.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
    } catch {
      return '(no log)'
    }
  }

  /**
   * Stops one process on purpose (e.g. a proxy whose pod went away): SIGTERM, then SIGKILL after
   * graceMs. Its exit is not reported as unexpected, and stop() no longer waits for it.
   */
  async stopOne(proc: Managed, graceMs = 10_000): Promise<void> {
    this.#retired.add(proc)
    await stopOne(proc, graceMs)
    const at = this.#procs.indexOf(proc)
    if (at >= 0) {
      this.#procs.splice(at, 1)
    }
  }

  /** Stops in reverse start order: SIGTERM, then SIGKILL after graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true
    for (const proc of [...this.#procs].reverse()) {
      await stopOne(proc, graceMs)
    }
  }
}

async function stopOne(proc: Managed, graceMs: number): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    return
  }
  proc.child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      proc.child.kill('SIGKILL')
      resolve()
    }, graceMs)
  })
  await Promise.race([proc.exited, killed])
  clearTimeout(timer)
  await proc.exited
}
