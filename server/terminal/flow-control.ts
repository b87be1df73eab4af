// Watermark flow control for one terminal viewer: counts output bytes sent but not yet acknowledged
// by the browser (after xterm.js has parsed them). Pure: no timers, no I/O.

/** What the caller must do to the pty after accounting or acknowledging bytes. */
export type FlowSignal = 'pause' | 'resume' | undefined

export interface FlowControlOptions {
  /**
   * Pause the source once this many bytes are unacknowledged. Big enough that a fast browser never
   * stalls, small enough that a runaway `yes` cannot grow server or browser memory.
   * @default 2 MiB
   */
  highWaterBytes?: number
  /** Resume once the unacknowledged bytes drop below this. @default 512 KiB */
  lowWaterBytes?: number
}

/** Defaults follow wetty's flow control (high 2 MiB, low 512 KiB). */
export const DEFAULT_HIGH_WATER_BYTES = 2 * 1024 * 1024
export const DEFAULT_LOW_WATER_BYTES = 512 * 1024

/** A watermark counter. `account` after sending, `ack` when the client confirms. */
export interface FlowControl {
  /** Records `bytes` sent; returns 'pause' exactly when the high watermark is first passed. */
  account(bytes: number): FlowSignal
  /** Records `bytes` acknowledged (clamped, a client cannot ack more than was sent). */
  ack(bytes: number): FlowSignal
  readonly unackedBytes: number
  readonly isPaused: boolean
}

/** Creates a flow-control counter; throws RangeError when low ≥ high. */
export function createFlowControl(options: FlowControlOptions = {}): FlowControl {
  const high = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES
  const low = options.lowWaterBytes ?? DEFAULT_LOW_WATER_BYTES
  if (!(low >= 0 && high > low)) {
    throw new RangeError(`flow control needs 0 <= lowWaterBytes < highWaterBytes (got ${low}, ${high})`)
  }
  let unacked = 0
  let paused = false
  return {
    account(bytes) {
      unacked += Math.max(0, bytes)
      if (!paused && unacked > high) {
        paused = true
        return 'pause'
      }
      return undefined
    },
    ack(bytes) {
      unacked = Math.max(0, unacked - Math.max(0, bytes))
      if (paused && unacked < low) {
        paused = false
        return 'resume'
      }
      return undefined
    },
    get unackedBytes() {
      return unacked
    },
    get isPaused() {
      return paused
    },
  }
}
