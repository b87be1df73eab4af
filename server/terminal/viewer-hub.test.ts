// The viewer hub with a scripted source and fake viewers: no process, no socket, no timers (batches
// are filled to their size limit so they flush at once).
import { describe, expect, it } from 'vitest'
import { decodeServerFrame, type ErrorInfo, type ServerFrame } from '../protocol/terminal-frames.ts'
import { ViewerHub, type TerminalSource, type TerminalViewer } from './viewer-hub.ts'

const BATCH = 1024

class FakeSource implements TerminalSource {
  readonly calls: string[] = []
  readonly written: string[] = []
  pause(): void {
    this.calls.push('pause')
  }
  resume(): void {
    this.calls.push('resume')
  }
  write(data: Uint8Array): void {
    this.written.push(new TextDecoder().decode(data))
  }
  resize(size: { cols: number; rows: number }): void {
    this.calls.push(`resize ${size.cols}x${size.rows}`)
  }
}

class FakeViewer implements TerminalViewer {
  frames: ServerFrame[] = []
  closed: { code: number; error?: ErrorInfo } | undefined
  constructor(readonly readOnly = false) {}
  send(frame: Uint8Array): void {
    const decoded = decodeServerFrame(frame)
    if (!decoded.ok) {
      throw new Error(decoded.reason)
    }
    this.frames.push(decoded.frame)
  }
  close(code: number, error?: ErrorInfo): void {
    this.closed = error === undefined ? { code } : { code, error }
  }
  get outputBytes(): number {
    return this.frames.reduce((n, f) => n + (f.type === 'output' ? f.data.byteLength : 0), 0)
  }
  get text(): string {
    return this.frames.map((f) => (f.type === 'output' ? new TextDecoder().decode(f.data) : '')).join('')
  }
}

function setup(watcherMaxUnackedBytes = 8 * BATCH) {
  const source = new FakeSource()
  const counts: number[] = []
  const hub = new ViewerHub(source, {
    batch: { maxBytes: BATCH },
    flow: { highWaterBytes: 4 * BATCH, lowWaterBytes: BATCH },
    watcherMaxUnackedBytes,
    onViewerCountChange: (n) => counts.push(n),
  })
  const pushBatches = (n: number, fill = 'x'): void => {
    for (let i = 0; i < n; i++) {
      hub.push(new TextEncoder().encode(fill.repeat(BATCH)))
    }
  }
  return { source, hub, counts, pushBatches }
}

describe('ViewerHub', () => {
  it('pauses the source while a writable viewer is past the high watermark, resumes below low', () => {
    const { source, hub, pushBatches } = setup()
    const viewer = new FakeViewer()
    const handle = hub.attach(viewer)
    pushBatches(4)
    expect(source.calls).toEqual([])
    pushBatches(1) // 5 KiB unacked > 4 KiB
    expect(source.calls).toEqual(['pause'])
    expect(hub.isPaused).toBe(true)
    handle.ack(3 * BATCH) // 2 KiB left: not below low
    expect(source.calls).toEqual(['pause'])
    handle.ack(BATCH + 1)
    expect(source.calls).toEqual(['pause', 'resume'])
    expect(viewer.outputBytes).toBe(5 * BATCH)
  })

  it('resumes when the paused viewer leaves, and never pauses for a read-only watcher', () => {
    const { source, hub, pushBatches } = setup(100 * BATCH)
    const watcher = new FakeViewer(true)
    hub.attach(watcher)
    pushBatches(10)
    expect(source.calls).toEqual([])
    const handle = hub.attach(new FakeViewer())
    pushBatches(5)
    expect(source.calls).toEqual(['pause'])
    handle.detach()
    expect(source.calls).toEqual(['pause', 'resume'])
  })

  it('drops a watcher that falls too far behind, with 4429 and a message', () => {
    const { hub, pushBatches, counts } = setup(3 * BATCH)
    const watcher = new FakeViewer(true)
    hub.attach(watcher)
    pushBatches(4)
    expect(watcher.closed).toMatchObject({ code: 4429, error: { code: 'LAB_ERR_TERMINAL_UNAVAILABLE' } })
    expect(hub.viewerCount).toBe(0)
    expect(counts).toEqual([1, 0])
  })

  it('replays the scrollback to a late viewer exactly once, after a ready frame', () => {
    const { hub, pushBatches } = setup()
    hub.push(new TextEncoder().encode('early ')) // still in the batcher, not yet flushed
    const late = new FakeViewer()
    hub.attach(late)
    pushBatches(1, 'y')
    expect(late.frames[0]).toMatchObject({ type: 'ready', reattached: false, replayBytes: 6 })
    expect(late.text).toBe(`early ${'y'.repeat(BATCH)}`)
    const later = new FakeViewer()
    hub.attach(later)
    expect(later.frames[0]).toMatchObject({ type: 'ready', reattached: true, replayBytes: 6 + BATCH })
  })

  it('passes input and resizes from writable viewers only', () => {
    const { source, hub } = setup()
    const writer = hub.attach(new FakeViewer())
    const watcher = hub.attach(new FakeViewer(true))
    writer.input(new TextEncoder().encode('ls\r'))
    watcher.input(new TextEncoder().encode('rm -rf /\r'))
    writer.resize({ cols: 100, rows: 30 })
    watcher.resize({ cols: 1, rows: 1 })
    writer.detach()
    writer.input(new TextEncoder().encode('after detach\r'))
    expect(source.written).toEqual(['ls\r'])
    expect(source.calls).toEqual(['resize 100x30'])
  })

  it('on end sends the last output, an exit frame, and closes viewers with 4000', () => {
    const { hub } = setup()
    const viewer = new FakeViewer()
    hub.attach(viewer)
    hub.push(new TextEncoder().encode('bye'))
    hub.end({ code: 0, signal: null })
    expect(viewer.text).toBe('bye')
    expect(viewer.frames.at(-1)).toEqual({ type: 'exit', code: 0, signal: null })
    expect(viewer.closed?.code).toBe(4000)
    expect(hub.viewerCount).toBe(0)
  })
})
