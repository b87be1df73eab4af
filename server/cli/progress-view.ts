// Draws provisioning progress in the terminal: on a TTY one live line (spinner, step n/N, elapsed
// time, what is being waited for) above the finished steps; elsewhere (CI, logs) plain lines.
import { pc } from './colors.ts'
import type { ProgressEventDto } from '../protocol/api-dto.ts'

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export interface ProgressView {
  update(event: ProgressEventDto): void
  /** Clears the live line; call before printing anything else. */
  stop(): void
}

/** "1m05s", "42s". */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000)
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

const mark = { done: pc.green('✔'), skipped: pc.dim('↷'), failed: pc.red('✘'), pending: ' ', running: ' ' } as const

function finishedLine(e: ProgressEventDto): string {
  const head = `${mark[e.state]} [${e.index + 1}/${e.total}] ${e.title}`
  const tail = e.state === 'failed' ? '' : pc.dim(` (${formatElapsed(e.elapsedMs)})${e.detail ? ` ${e.detail}` : ''}`)
  return `${head}${tail}\n`
}

function fit(line: string, columns: number): string {
  return line.length > columns - 1 ? `${line.slice(0, columns - 2)}…` : line
}

/** A live, redrawn line for terminals. */
function ttyView(out: NodeJS.WriteStream): ProgressView {
  let current: { event: ProgressEventDto; since: number } | undefined
  let frame = 0
  const draw = () => {
    if (!current) {
      return
    }
    const e = current.event
    const elapsed = formatElapsed(Date.now() - current.since)
    const line = `${frames[frame++ % frames.length] ?? '-'} [${e.index + 1}/${e.total}] ${e.title} ${elapsed}${e.detail ? ` · ${e.detail}` : ''}`
    out.write(`\r\u001b[2K${fit(line, out.columns || 100)}`)
  }
  const timer = setInterval(draw, 100)
  timer.unref()
  return {
    update(event) {
      if (event.state === 'running') {
        current = { event, since: current?.event.step === event.step ? current.since : Date.now() - event.elapsedMs }
        draw()
        return
      }
      out.write('\r\u001b[2K')
      current = undefined
      out.write(finishedLine(event))
    },
    stop() {
      clearInterval(timer)
      if (current) {
        out.write('\r\u001b[2K')
      }
    },
  }
}

/** Plain lines for logs: each state change, and detail changes at most every 5 seconds. */
function lineView(out: NodeJS.WritableStream): ProgressView {
  let lastDetailAt = 0
  let lastStep = ''
  return {
    update(event) {
      if (event.state !== 'running') {
        out.write(finishedLine(event))
        return
      }
      const now = Date.now()
      if (event.step !== lastStep) {
        lastStep = event.step
        lastDetailAt = now
        out.write(`… [${event.index + 1}/${event.total}] ${event.title}\n`)
      } else if (event.detail && now - lastDetailAt >= 5000) {
        lastDetailAt = now
        out.write(`    ${formatElapsed(event.elapsedMs)} ${event.detail}\n`)
      }
    },
    stop() {},
  }
}

/** The view for `out`: live on a TTY, plain lines otherwise. */
export function createProgressView(out: NodeJS.WriteStream = process.stdout): ProgressView {
  return out.isTTY ? ttyView(out) : lineView(out)
}
