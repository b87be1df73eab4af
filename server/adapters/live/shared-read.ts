// One read shared by concurrent callers: a call joins the read started at most `freshMs` before it
// (in flight or done) instead of starting its own. Used for what a class's simultaneous Checks all
// read from the same place (the gateway's /config_dump, its address). A failed read is not kept.

export interface SharedRead<T> {
  /** The result of a read that started at most `freshMs` ago, or of a new one. */
  (): Promise<T>
  /** Forget the last read (the next call starts a new one). */
  reset(): void
}

/**
 * @example
 * const dump = sharedRead(() => fetchConfigDump(host, port), { freshMs: 250 })
 * await Promise.all([dump(), dump()]) // one request to Envoy
 */
export function sharedRead<T>(read: () => Promise<T>, options: { freshMs: number; now?: () => number }): SharedRead<T> {
  const now = options.now ?? Date.now
  let last: { startedAt: number; value: Promise<T> } | undefined
  const call = (): Promise<T> => {
    const t = now()
    if (last !== undefined && t - last.startedAt <= options.freshMs) {
      return last.value
    }
    const value = read()
    const entry = { startedAt: t, value }
    last = entry
    value.catch(() => {
      if (last === entry) {
        last = undefined
      }
    })
    return value
  }
  return Object.assign(call, {
    reset: () => {
      last = undefined
    },
  })
}
