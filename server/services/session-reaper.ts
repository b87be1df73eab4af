// Ends solo sessions unused for `expiryMs`, closes their terminals and deletes their workspaces,
// on a timer that never keeps the process alive. (Trainee sessions: the cohort reaper.)
import { removeWorkspace } from '../adapters/workspace/workspace-cleanup.ts'
import type { SessionsRepo } from '../store/sessions-repo.ts'

export interface SoloReaperOptions {
  repo: SessionsRepo
  dataDir: string
  expiryMs: number
  /** @default 60 s */
  everyMs?: number
  /** Told for each ended session, before its workspace goes (e.g. close its shell). */
  onEnded?: (sessionId: string) => Promise<void> | void
  log?: { warn(obj: object, msg: string): void }
  now?: () => number
}

export function createSoloSessionReaper(options: SoloReaperOptions) {
  const now = options.now ?? Date.now
  let timer: ReturnType<typeof setInterval> | undefined
  let running: Promise<number> | undefined

  async function reapOnce(): Promise<number> {
    const ended = options.repo.endIdleSolo(now() - options.expiryMs)
    for (const session of ended) {
      try {
        await options.onEnded?.(session.id)
        await removeWorkspace(options.dataDir, session.id)
      } catch (err) {
        options.log?.warn({ err, sessionId: session.id }, 'could not clean up an expired session')
      }
    }
    return ended.length
  }

  const reaper = {
    /** Ends idle solo sessions now; resolves with how many ended. */
    reap(): Promise<number> {
      running ??= reapOnce().finally(() => {
        running = undefined
      })
      return running
    },
    start(): void {
      timer ??= setInterval(() => void reaper.reap(), options.everyMs ?? 60_000)
      timer.unref()
    },
    async stop(): Promise<void> {
      clearInterval(timer)
      timer = undefined
      await running
    },
  }
  return reaper
}
