// The manager and sessions without a websocket: real shells, fake viewers. Idle timeout, slow
// watchers, viewer bookkeeping and shutdown.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { decodeServerFrame, type ErrorInfo, type ServerFrame } from '../protocol/terminal-frames.ts'
import { isSessionAlive } from './process-tree.ts'
import { createTerminalManager, type TerminalManager } from './terminal-manager.ts'
import type { TerminalViewer } from './terminal-session.ts'

const workspace = mkdtempSync(join(tmpdir(), 'kindlab-mgr-'))
const managers: TerminalManager[] = []
const pids: number[] = []

class FakeViewer implements TerminalViewer {
  text = ''
  frames: ServerFrame[] = []
  closed: { code: number; error?: ErrorInfo } | undefined
  constructor(readonly readOnly = false) {}
  send(frame: Uint8Array): void {
    const decoded = decodeServerFrame(frame)
    if (decoded.ok) {
      this.frames.push(decoded.frame)
      if (decoded.frame.type === 'output') {
        this.text += new TextDecoder().decode(decoded.frame.data)
      }
    }
  }
  close(code: number, error?: ErrorInfo): void {
    this.closed = error === undefined ? { code } : { code, error }
  }
}

function manager(options: Parameters<typeof createTerminalManager>[0] = {}): TerminalManager {
  const m = createTerminalManager({ sessionDefaults: { killGraceMs: 300 }, ...options })
  managers.push(m)
  return m
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

afterEach(async () => {
  for (const m of managers.splice(0)) {
    for (const id of m.sessionIds()) {
      pids.push(m.get(id)!.pid)
    }
    await m.closeAll()
  }
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
  expect(pids.filter(isSessionAlive)).toEqual([])
})

describe('createTerminalManager', () => {
  it('closes a shell after the idle timeout with 4410 and a hint', async () => {
    const m = manager({ idleTimeoutMs: 300 })
    const viewer = new FakeViewer()
    const handle = m.attach({ sessionId: 's', workspaceDir: workspace, viewer })
    const pid = m.get('s')!.pid
    handle.input(enc('echo typed\r')) // input resets the idle clock
    await vi.waitFor(() => expect(viewer.closed).toBeDefined(), { timeout: 3000 })
    expect(viewer.closed).toMatchObject({ code: 4410, error: { code: 'LAB_ERR_TERMINAL_UNAVAILABLE' } })
    expect(m.sessionIds()).toEqual([])
    await vi.waitFor(() => expect(isSessionAlive(pid)).toBe(false))
  })

  it('drops a read-only watcher that falls too far behind, without pausing the shell', async () => {
    const m = manager({
      sessionDefaults: {
        killGraceMs: 300,
        flow: { highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 },
        watcherMaxUnackedBytes: 128 * 1024,
      },
    })
    const learner = new FakeViewer()
    const learnerHandle = m.attach({ sessionId: 's', workspaceDir: workspace, viewer: learner })
    const watcher = new FakeViewer(true)
    m.attach({ sessionId: 's', workspaceDir: workspace, viewer: watcher }) // never acks
    learnerHandle.input(enc('head -c 400000 /dev/zero | tr "\\0" x; echo; echo done-$((4*4))\r'))
    const acked = setInterval(() => learnerHandle.ack(1 << 30), 5) // the learner keeps up
    try {
      await vi.waitFor(() => expect(learner.text).toMatch(/done-16/), { timeout: 5000 })
    } finally {
      clearInterval(acked)
    }
    expect(watcher.closed?.code).toBe(4429)
    expect(m.get('s')!.stats()).toMatchObject({ viewers: 1, isPaused: false })
  })

  it('refuses a read-only viewer when the session has no shell', () => {
    const m = manager()
    expect(() => m.attach({ sessionId: 'none', workspaceDir: workspace, viewer: new FakeViewer(true) })).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_SESSION_NOT_FOUND' }),
    )
    expect(m.sessionIds()).toEqual([])
  })

  it('reports a missing workspace as LAB_ERR_TERMINAL_UNAVAILABLE', () => {
    const m = manager()
    const attach = (): unknown =>
      m.attach({ sessionId: 'x', workspaceDir: join(workspace, 'missing'), viewer: new FakeViewer() })
    expect(attach).toThrow(expect.objectContaining({ code: 'LAB_ERR_TERMINAL_UNAVAILABLE', hint: 'Restart the lab.' }))
    expect(m.sessionIds()).toEqual([])
  })

  it('falls back to /bin/sh when asked, and still honours HOME and env', async () => {
    const m = manager({ sessionDefaults: { shell: { file: '/bin/sh', args: ['-l'] }, baseEnv: { KL_BASE: 'base' } } })
    const viewer = new FakeViewer()
    const handle = m.attach({ sessionId: 's', workspaceDir: workspace, env: { KL_SESSION: 'sess' }, viewer })
    handle.input(enc('echo "$HOME|$KL_BASE|$KL_SESSION|$TERM"\r'))
    await vi.waitFor(() => expect(viewer.text).toContain(`${workspace}|base|sess|xterm-256color`))
  })

  it('closeAll ends every shell and closes viewers with 1001', async () => {
    const m = manager()
    const viewers = [new FakeViewer(), new FakeViewer()]
    m.attach({ sessionId: 'one', workspaceDir: workspace, viewer: viewers[0]! })
    m.attach({ sessionId: 'two', workspaceDir: workspace, viewer: viewers[1]! })
    const started = m.sessionIds().map((id) => m.get(id)!.pid)
    await m.closeAll()
    expect(m.sessionIds()).toEqual([])
    expect(viewers.map((v) => v.closed?.code)).toEqual([1001, 1001])
    expect(started.filter(isSessionAlive)).toEqual([])
  })
})
