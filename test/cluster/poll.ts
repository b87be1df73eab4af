// Polling helper: retry a probe until it returns a value, with a deadline; never a blind sleep.
import { setTimeout as delay } from 'node:timers/promises'

export interface PollOptions {
  /** What we are waiting for, used in the timeout message. */
  what: string
  /** @default 60_000 */
  timeoutMs?: number
  /** @default 250 */
  intervalMs?: number
  /** Checked on every round; throwing aborts the wait (e.g. a component died). */
  abort?: () => void
}

/** Calls `probe` until it returns something other than undefined; errors count as "not yet". */
export async function poll<T>(probe: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  let lastError: unknown
  for (;;) {
    options.abort?.()
    try {
      const value = await probe()
      if (value !== undefined) {
        return value
      }
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : ''
      throw new Error(`timed out waiting for ${options.what}${why}`)
    }
    await delay(options.intervalMs ?? 250)
  }
}
