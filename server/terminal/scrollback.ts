// A bounded ring buffer of recent terminal output, replayed to a browser that reconnects. It copies
// into one fixed block, so memory stays at its capacity however small or large the chunks are.

/** Default scrollback kept per shell for replay. */
export const DEFAULT_SCROLLBACK_BYTES = 256 * 1024

/** Recent output, oldest first. */
export interface Scrollback {
  write(chunk: Uint8Array): void
  /**
   * The kept output as one copy. Once older output was dropped, the copy starts at the next line
   * (within the first 4 KiB), so a replay does not begin inside a UTF-8 character or escape sequence.
   */
  snapshot(): Uint8Array
  readonly byteLength: number
  /** Total bytes ever dropped to stay within capacity. */
  readonly droppedBytes: number
}

const LINE_SEARCH_BYTES = 4096

/** Creates a scrollback ring of `capacityBytes`. */
export function createScrollback(capacityBytes = DEFAULT_SCROLLBACK_BYTES): Scrollback {
  if (!Number.isInteger(capacityBytes) || capacityBytes < 1) {
    throw new RangeError(`scrollback capacity must be a positive integer (got ${capacityBytes})`)
  }
  const ring = new Uint8Array(capacityBytes)
  let start = 0
  let length = 0
  let dropped = 0

  function write(data: Uint8Array): void {
    if (data.byteLength >= capacityBytes) {
      dropped += length + data.byteLength - capacityBytes
      ring.set(data.subarray(data.byteLength - capacityBytes))
      start = 0
      length = capacityBytes
      return
    }
    const end = (start + length) % capacityBytes
    const first = Math.min(data.byteLength, capacityBytes - end)
    ring.set(data.subarray(0, first), end)
    ring.set(data.subarray(first), 0)
    length += data.byteLength
    if (length > capacityBytes) {
      const over = length - capacityBytes
      dropped += over
      start = (start + over) % capacityBytes
      length = capacityBytes
    }
  }

  function copyOut(): Uint8Array {
    const out = new Uint8Array(length)
    const first = Math.min(length, capacityBytes - start)
    out.set(ring.subarray(start, start + first))
    out.set(ring.subarray(0, length - first), first)
    return out
  }

  return {
    write,
    snapshot() {
      const out = copyOut()
      if (dropped === 0) {
        return out
      }
      const newline = out.subarray(0, LINE_SEARCH_BYTES).indexOf(0x0a)
      return newline >= 0 ? out.subarray(newline + 1) : out
    },
    get byteLength() {
      return length
    },
    get droppedBytes() {
      return dropped
    },
  }
}
