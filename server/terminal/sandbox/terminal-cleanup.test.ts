// Issue 13, build item 5: closing a terminal ends everything it started, including processes that
// left its session with setsid and double-forked daemons. Real node-pty shells, real unshare and
// bubblewrap; the processes are looked up in the host's /proc.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { decodeServerFrame, type ErrorInfo } from '../../protocol/terminal-frames.ts'
import { createTerminalManager } from '../terminal-manager.ts'
import type { TerminalViewer } from '../terminal-session.ts'
import { createTraineeSandbox } from './bwrap.ts'
import { createIsolatedSessionFactory } from './isolated-sessions.ts'
import { createPidNamespace } from './pid-namespace.ts'

const root = mkdtempSync(join(tmpdir(), 'kindlab-cleanup-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

class TextViewer implements TerminalViewer {
  readonly readOnly = false
  text = ''
  closed: { code: number; error?: ErrorInfo } | undefined
  send(frame: Uint8Array): void {
    const decoded = decodeServerFrame(frame)
    if (decoded.ok && decoded.frame.type === 'output') {
      this.text += new TextDecoder().decode(decoded.frame.data)
    }
  }
  close(code: number, error?: ErrorInfo): void {
    this.closed = error === undefined ? { code } : { code, error }
  }
}

/** Host pids whose command line is exactly `sleep <seconds>`. */
function sleepers(seconds: number): number[] {
  const wanted = `sleep\0${seconds}\0`
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted && state !== 'Z') {
        pids.push(Number(entry))
      }
    } catch {
      // gone while we looked
    }
  }
  return pids
}

const factory = createIsolatedSessionFactory({
  trainee: createTraineeSandbox({ stateDir: join(root, 'sandbox') }),
  solo: createPidNamespace(),
})

const cases = [
  { who: 'a solo learner (PID namespace)', sessionKind: 'solo', base: 4_100_000 },
  { who: 'a trainee (bubblewrap)', sessionKind: 'trainee', base: 4_200_000 },
]

describe.each(cases)('closing the terminal of $who', ({ sessionKind, base }) => {
  it('kills setsid children and double-forked daemons', async () => {
    const manager = createTerminalManager({ createSession: factory, sessionDefaults: { killGraceMs: 300 } })
    const workspaceDir = mkdtempSync(join(root, 'ws-'))
    const viewer = new TextViewer()
    const handle = manager.attach({ sessionId: sessionKind, workspaceDir, sessionKind, viewer })
    const [a, b, c] = [base + 1, base + 2, base + 3]
    handle.input(
      new TextEncoder().encode(
        `setsid sleep ${a} & (setsid sleep ${b} &) ; sh -c '(nohup sleep ${c} >/dev/null 2>&1 &) &' ; echo started-$((1+1))\r`,
      ),
    )
    await vi.waitFor(() => expect(viewer.text).toContain('started-2'), { timeout: 10_000 })
    await vi.waitFor(() => expect([a, b, c].map((s) => sleepers(s).length)).toEqual([1, 1, 1]), { timeout: 5000 })
    await manager.closeSession(sessionKind)
    await vi.waitFor(() => expect([...sleepers(a), ...sleepers(b), ...sleepers(c)]).toEqual([]), { timeout: 5000 })
  })
})
