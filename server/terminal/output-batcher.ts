// Batches pty output into fewer, larger websocket frames: flushes when a batch is full or a few
// milliseconds old, and at once right after the user typed (snappy echo). Pure apart from timers.
import { MAX_OUTPUT_BYTES } from '../protocol/terminal-frames.ts'

/** Timer and clock seam, so tests can drive time by hand. */
export interface BatcherClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface OutputBatcherOptions {
  /** Receives each batch: chunks in order, and their total size (≤ maxBytes). */
  onFlush(chunks: Uint8Array[], bytes: number): void
  /** Flush once a batch holds this many bytes; capped at MAX_OUTPUT_BYTES. @default 128 KiB */
  maxBytes?: number
  /** Flush a batch this long after its first byte arrived. @default 5 */
  delayMs?: number
  /** After `noteInput`, output is flushed without delay for this long. @default 25 */
  eagerWindowMs?: number
  clock?: BatcherClock
}

/** Collects output chunks and hands them on in batches. */
export interface OutputBatcher {
  push(chunk: Uint8Array): void
  /** Call when the user sent input: the echo that follows skips the batching delay. */
  noteInput(): void
  /** Sends whatever is pending now (before a new viewer attaches, before exit). */
  flush(): void
  /** Drops pending output and cancels the timer. */
  dispose(): void
  readonly pendingBytes: number
}

const systemClock: BatcherClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

/** Creates an output batcher. */
export function createOutputBatcher(options: OutputBatcherOptions): OutputBatcher {
  const maxBytes = Math.max(1, Math.min(options.maxBytes ?? 128 * 1024, MAX_OUTPUT_BYTES))
  const delayMs = options.delayMs ?? 5
  const eagerWindowMs = options.eagerWindowMs ?? 25
  const clock = options.clock ?? systemClock
  let chunks: Uint8Array[] = []
  let pending = 0
  let timer: unknown
  let eagerUntil = -Infinity
  let disposed = false

  function flush(): void {
    if (timer !== undefined) {
      clock.clearTimeout(timer)
      timer = undefined
    }
    if (pending === 0) {
      return
    }
    const batch = chunks
    const bytes = pending
    chunks = []
    pending = 0
    options.onFlush(batch, bytes)
  }

  function add(piece: Uint8Array): void {
    if (pending + piece.byteLength > maxBytes) {
      flush()
    }
    chunks.push(piece)
    pending += piece.byteLength
    if (pending >= maxBytes) {
      flush()
    }
  }

  return {
    push(chunk) {
      if (disposed || chunk.byteLength === 0) {
        return
      }
      for (let start = 0; start < chunk.byteLength; start += maxBytes) {
        add(start === 0 && chunk.byteLength <= maxBytes ? chunk : chunk.subarray(start, start + maxBytes))
      }
      if (clock.now() < eagerUntil) {
        flush()
      } else if (pending > 0 && timer === undefined) {
        timer = clock.setTimeout(flush, delayMs)
      }
    },
    noteInput() {
      eagerUntil = clock.now() + eagerWindowMs
    },
    flush,
    dispose() {
      disposed = true
      if (timer !== undefined) {
        clock.clearTimeout(timer)
        timer = undefined
      }
      chunks = []
      pending = 0
    },
    get pendingBytes() {
      return pending
    },
  }
}
