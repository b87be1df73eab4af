// Cohort load benchmark (npm run bench:cohort): one kindlab server (offline, its own process), a
// cohort of N trainees who join, each with a live terminal over /ws/terminal, typing and pressing
// Check in rounds. Prints server memory per session, Check latency p50/p95 and dropped frames.
// Loopback only (trainees come from distinct 127.0.1.x addresses so the per-address join limit
// holds); every wait is bounded; kills the server it starts.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { decodeServerFrame, encodeClientFrame, encodeInputFrames } from '../server/protocol/terminal-frames.ts'

const { values: args } = parseArgs({
  options: {
    trainees: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
    'spread-ms': { type: 'string', default: '0' },
  },
})
const N = Math.max(1, Math.min(250, Number(args.trainees)))
const ROUNDS = Math.max(1, Math.min(20, Number(args.rounds)))
/** 0: every trainee presses Check at the same moment (worst case); else at a random time within this window. */
const SPREAD_MS = Math.max(0, Math.min(60_000, Number(args['spread-ms'])))
const root = fileURLToPath(new URL('..', import.meta.url))
const log = (line: string) => process.stderr.write(`[bench:cohort] ${line}\n`)

function http<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  localAddress?: string,
): Promise<{ status: number; body: T; ms: number }> {
  const started = performance.now()
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      {
        method,
        ...(localAddress ? { localAddress } : {}),
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let data = ''
        res.on('data', (d: Buffer) => (data += d.toString()))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: (data ? JSON.parse(data) : undefined) as T,
            ms: performance.now() - started,
          }),
        )
      },
    )
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)))
    req.on('error', reject)
    req.end(payload)
  })
}

/** Resident memory (KiB) of a process and all its descendants (Linux /proc). */
function treeRssKiB(pid: number): { self: number; children: number } {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry)) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
      } catch {
        // gone meanwhile
      }
    }
  }
  const rss = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0)
  const descendants: number[] = []
  const queue = [pid]
  while (queue.length) {
    const p = queue.shift() ?? 0
    for (const [child, parent] of parents) {
      if (parent === p) {
        descendants.push(child)
        queue.push(child)
      }
    }
  }
  let children = 0
  for (const d of descendants) {
    try {
      children += rss(d)
    } catch {
      // exited
    }
  }
  return { self: rss(pid), children }
}

interface Trainee {
  token: string
  ws: WebSocket
  output: string
  frames: number
  badFrames: number
  closedEarly: boolean
}

function openTerminal(url: string, token: string): Promise<Trainee> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    const t: Trainee = { token, ws, output: '', frames: 0, badFrames: 0, closedEarly: false }
    const timer = setTimeout(() => reject(new Error('terminal did not get ready in 30 s')), 30_000)
    let unacked = 0
    ws.binaryType = 'nodebuffer'
    ws.on('open', () => ws.send(encodeClientFrame({ type: 'hello', token, cols: 120, rows: 30 })))
    ws.on('message', (data: Buffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data))
      t.frames++
      if (!decoded.ok) {
        t.badFrames++
        return
      }
      if (decoded.frame.type === 'ready') {
        clearTimeout(timer)
        resolve(t)
      } else if (decoded.frame.type === 'output') {
        t.output += Buffer.from(decoded.frame.data).toString('utf8')
        if (t.output.length > 200_000) {
          t.output = t.output.slice(-100_000)
        }
        unacked += decoded.frame.data.byteLength
        if (unacked > 64 * 1024) {
          ws.send(encodeClientFrame({ type: 'ack', bytes: unacked }))
          unacked = 0
        }
      }
    })
    ws.on('close', () => (t.closedEarly = true))
    ws.on('error', reject)
  })
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > deadline) {
      log(`timed out waiting for ${what}`)
      return false
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return true
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string; adminToken: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/cli/entry.ts', 'serve', '--offline', '--port', '0', '--data', dataDir],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const ok = await until('the server to start', () => /serving the labs at/.test(out), 30_000)
  const url = /serving the labs at (http:\/\/\S+)/.exec(out)?.[1]
  const adminToken = /admin token[^:]*: (kla_\S+)/.exec(out)?.[1]
  if (!ok || !url || !adminToken) {
    child.kill('SIGKILL')
    throw new Error(`server did not start:\n${out}`)
  }
  return { child, url, adminToken }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-bench-cohort-'))
  const { child, url, adminToken } = await startServer(dataDir)
  const stop = () => child.kill('SIGTERM')
  process.once('SIGINT', stop)
  try {
    const pid = child.pid ?? 0
    const login = await http<{ token: string }>(url, 'POST', '/api/instructor/session', { adminToken })
    const created = await http<{ id: string; classCode: string }>(
      url,
      'POST',
      '/api/cohorts',
      { name: 'bench', labId: 'hello-kindlab', trainees: N, reserve: 0 },
      login.body.token,
    )
    if (created.status !== 201) {
      throw new Error(`create failed: ${JSON.stringify(created.body)}`)
    }
    await new Promise((r) => setTimeout(r, 1000))
    // The instructor's live grade book stays open through the run, as in a class.
    let rowEvents = 0
    const stream = request(
      new URL(`/api/cohorts/${created.body.id}/gradebook/stream`, url),
      { headers: { authorization: `Bearer ${login.body.token}` } },
      (res) => {
        res.on('data', (d: Buffer) => (rowEvents += d.toString().split('event: row').length - 1))
      },
    )
    stream.on('error', () => undefined)
    stream.end()
    const before = treeRssKiB(pid)
    log(`server up (pid ${pid}, ${Math.round(before.self / 1024)} MiB); ${N} trainees join…`)
    const joins = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        http<{ token: string }>(
          url,
          'POST',
          '/api/join',
          { classCode: created.body.classCode, displayName: `Trainee ${i + 1}` },
          undefined,
          `127.0.1.${i + 1}`,
        ),
      ),
    )
    const refusedJoins = joins.filter((j) => j.status !== 201).length
    const wsUrl = url.replace(/^http/, 'ws').replace(/\/$/, '') + '/ws/terminal'
    const trainees: Trainee[] = []
    for (let i = 0; i < joins.length; i += 20) {
      trainees.push(
        ...(await Promise.all(
          joins
            .slice(i, i + 20)
            .filter((j) => j.status === 201)
            .map((j) => openTerminal(wsUrl, j.body.token)),
        )),
      )
    }
    await new Promise((r) => setTimeout(r, 3000))
    const connected = treeRssKiB(pid)
    log(`${trainees.length} terminals open; ${ROUNDS} rounds of typing and Check…`)
    const latencies: number[] = []
    let limited = 0
    let missing = 0
    for (let round = 0; round < ROUNDS; round++) {
      trainees.forEach((t, i) => {
        for (const frame of encodeInputFrames(
          `echo bench-${round}-${i}-$((1-1))ok${round === 2 ? ' > ~/hello.txt; cat ~/hello.txt' : ''}\r`,
        )) {
          t.ws.send(frame)
        }
      })
      const results = await Promise.all(
        trainees.map(async (t) => {
          await new Promise((r) => setTimeout(r, Math.random() * SPREAD_MS))
          return http(url, 'POST', '/api/labs/hello-kindlab/steps/0/check', {}, t.token)
        }),
      )
      for (const r of results) {
        if (r.status === 200) {
          latencies.push(r.ms)
        } else {
          limited++
        }
      }
      await until(
        `round ${round} echoes`,
        () => trainees.every((t, i) => t.output.includes(`bench-${round}-${i}-0ok`)),
        20_000,
      )
      missing += trainees.filter((t, i) => !t.output.includes(`bench-${round}-${i}-0ok`)).length
      await new Promise((r) => setTimeout(r, 1100)) // stay within the per-session Check limit
    }
    const after = treeRssKiB(pid)
    const book = await http<{ rows: Array<{ checks: Record<string, { passed: boolean }> }> }>(
      url,
      'GET',
      `/api/cohorts/${created.body.id}/gradebook`,
      undefined,
      login.body.token,
    )
    const passed = book.body.rows.filter((r) => r.checks['hello-file-exists']?.passed).length
    const frames = trainees.reduce((n, t) => n + t.frames, 0)
    const bad = trainees.reduce((n, t) => n + t.badFrames, 0)
    const closed = trainees.filter((t) => t.closedEarly).length
    const perSession = (kib: number) => `${(kib / 1024 / Math.max(1, trainees.length)).toFixed(2)} MiB`
    const lines = [
      `trainees joined: ${N - refusedJoins}/${N}, terminals open: ${trainees.length}, closed early: ${closed}`,
      `server process memory: ${Math.round(before.self / 1024)} MiB before, ${Math.round(connected.self / 1024)} MiB with ${trainees.length} terminals, ${Math.round(after.self / 1024)} MiB after ${ROUNDS} rounds`,
      `memory per session (server process): ${perSession(connected.self - before.self)} connected, ${perSession(after.self - before.self)} after the rounds`,
      `memory per session (its shell processes): ${perSession(after.children - before.children)}`,
      `checks (${SPREAD_MS ? `spread over ${SPREAD_MS / 1000} s` : 'all at once'} per round): ${latencies.length} answered, ${limited} refused; latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      `grade book: ${passed}/${trainees.length} trainees show hello-file-exists passed; the live stream pushed ${rowEvents} row updates`,
      `terminal frames received: ${frames}; malformed: ${bad}; echoes missing (dropped): ${missing} of ${ROUNDS * trainees.length}`,
      `dropped frames: ${bad + missing}`,
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
    for (const t of trainees) {
      t.ws.close()
    }
    stream.destroy()
  } finally {
    stop()
    await until('the server to stop', () => child.exitCode !== null || child.signalCode !== null, 15_000)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
