// How long to wait before the next reconnect attempt (terminal websocket, grade book stream): it
// starts small and grows gently to a low cap, so a restarted server is found within about a
// second of being back, while a server that stays down gets about one call a second from each
// page. Jitter (±25%) keeps a class of browsers from reconnecting in lockstep.

export interface Backoff {
  initialMs: number
  factor: number
  maxMs: number
}

/** 100 ms, 150, 225, … up to 1 s. */
export const RECONNECT_BACKOFF: Backoff = { initialMs: 100, factor: 1.5, maxMs: 1000 }

/** The delay before attempt `attempt` (1 for the first retry). */
export function reconnectDelayMs(attempt: number, backoff: Backoff = RECONNECT_BACKOFF, random = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, attempt - 1))
  return Math.round(base * (0.75 + random() * 0.5))
}
