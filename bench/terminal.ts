// Terminal benchmark (npm run bench:terminal): throughput of a large `cat` and keystroke echo latency
// through kindlab's terminal websocket, then the same through ttyd when it is installed. Loopback
// only; every loop and wait is bounded; kills every process it starts. See bench/README.md.
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { buildShellEnv } from '../server/terminal/spawn-shell.ts'
import { openKindlabClient, openTtydClient, withTimeout, type BenchClient } from './terminal-clients.ts'
import { measureEcho, measureThroughput, percentile, waitForShell } from './terminal-measure.ts'

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '50' },
    keys: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    'no-ttyd': { type: 'boolean', default: false },
  },
})
const MIB = Math.max(1, Math.min(1024, Number(args.mib)))
const KEYS = Math.max(10, Math.min(5000, Number(args.keys)))
const ROUNDS = Math.max(1, Math.min(20, Number(args.rounds)))
const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const children = new Set<ChildProcess>()

/** One server under test, with its connected client and what was measured on it. */
interface Target {
  name: string
  client: BenchClient
  /** Cumulative CPU milliseconds of the server process. */
  cpuMs: () => Promise<number>
  stop(): Promise<void>
  /** Extra facts to print after the table. */
  note?: () => Promise<string>
  mibPerSecond: number[]
  echoMs: number[]
  cpuMsTotal: number
}

async function writePayload(file: string, bytes: number): Promise<void> {
  const line = 'kindlab terminal benchmark: the quick brown fox jumps over the lazy dog 0123456789\n'
  const block = line.repeat(Math.ceil((1024 * 1024) / line.length)).slice(0, 1024 * 1024)
  const out = createWriteStream(file)
  for (let written = 0; written < bytes; written += block.length) {
    if (!out.write(block)) {
      await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
}

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return
  }
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await withTimeout(exited, 3000, 'child did not stop').catch(() => child.kill('SIGKILL'))
}

/** CPU milliseconds of `pid` from /proc (clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

const blank = (): Pick<Target, 'mibPerSecond' | 'echoMs' | 'cpuMsTotal'> => ({
  mibPerSecond: [],
  echoMs: [],
  cpuMsTotal: 0,
})

interface ServerStats {
  peakUnackedBytes: number
  peakRssBytes: number
  cpuMs: number
}

/** Starts bench/terminal-server.ts in its own process and connects kindlab's browser client. */
async function startKindlab(workspace: string): Promise<Target> {
  const server = track(
    spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/terminal-server.ts'), workspace], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  )
  const lines = createInterface({ input: server.stdout! })
  const nextLine = (): Promise<string> =>
    withTimeout(new Promise((resolve) => lines.once('line', resolve)), 30_000, 'kindlab bench server did not answer')
  const stats = async (): Promise<ServerStats> => {
    server.stdin!.write('stats\n')
    return JSON.parse(await nextLine()) as ServerStats
  }
  const { port, token } = JSON.parse(await nextLine()) as { port: number; token: string }
  const mib = (n: number): string => (n / 1024 / 1024).toFixed(1)
  return {
    name: 'kindlab',
    client: await openKindlabClient(port, token),
    cpuMs: async () => (await stats()).cpuMs,
    note: async () => {
      const { peakUnackedBytes, peakRssBytes } = await stats()
      return `server peak unacked output ${mib(peakUnackedBytes)} MiB, peak RSS ${mib(peakRssBytes)} MiB`
    },
    stop: async () => {
      server.stdin!.end()
      await stop(server)
    },
    ...blank(),
  }
}

/** ttyd on PATH or in ~/.cache/kindlab/ttyd/, or why not. */
function findTtyd(): { path: string } | { reason: string } {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), join(homedir(), '.cache/kindlab/ttyd')]
  for (const candidate of dirs.filter((d) => d !== '').map((dir) => join(dir, 'ttyd'))) {
    try {
      accessSync(candidate, constants.X_OK)
      return { path: candidate }
    } catch {
      // next
    }
  }
  return { reason: 'ttyd is not on PATH nor in ~/.cache/kindlab/ttyd/ (build it with `bash bench/build-ttyd.sh`)' }
}

/** Starts ttyd (writable, loopback, random port) running the same login shell, and connects. */
async function startTtyd(ttyd: string, workspace: string): Promise<Target> {
  const child = track(
    spawn(ttyd, ['-W', '-i', '127.0.0.1', '-p', '0', '-w', workspace, 'bash', '-l'], {
      cwd: workspace,
      env: buildShellEnv(workspace),
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  )
  const port = await withTimeout(
    new Promise<number>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        const match = /Listening on port: (\d+)/.exec(chunk.toString())
        if (match) {
          resolve(Number(match[1]))
        }
      })
    }),
    10_000,
    'ttyd did not report its port',
  )
  return {
    name: 'ttyd',
    client: await openTtydClient(port),
    cpuMs: async () => procCpuMs(child.pid!),
    stop: () => stop(child),
    ...blank(),
  }
}

/** Runs the measurements on every target in turn (A B A B...), so load drifts hit them alike. */
async function runInterleaved(targets: Target[], file: string): Promise<void> {
  for (const t of targets) {
    await waitForShell(t.client)
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const t of targets) {
      const before = await t.cpuMs()
      t.mibPerSecond.push(await measureThroughput(t.client, file, MIB * 1024 * 1024, `${t.name}-${round}`))
      t.cpuMsTotal += (await t.cpuMs()) - before
    }
  }
  const block = 25
  for (let done = 0; done < KEYS; done += block) {
    for (const t of targets) {
      t.echoMs.push(...(await measureEcho(t.client, Math.min(block, KEYS - done))))
    }
  }
}

const median = (xs: readonly number[]): number => percentile(xs, 50)
const fmt = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a')

function printTable(targets: Target[]): void {
  console.log(
    `\nterminal benchmark: cat of ${MIB} MiB x ${ROUNDS} rounds (median, min-max), ${KEYS} keystroke echoes, interleaved; loopback\n`,
  )
  console.log(
    ['server'.padEnd(10), 'cat throughput'.padEnd(30), 'CPU/MiB'.padEnd(10), 'echo p50'.padEnd(12), 'echo p99'].join(
      '',
    ),
  )
  for (const t of targets) {
    const tput = `${fmt(median(t.mibPerSecond), 1)} MiB/s (${fmt(Math.min(...t.mibPerSecond), 1)}-${fmt(Math.max(...t.mibPerSecond), 1)})`
    const cpu = `${fmt(t.cpuMsTotal / (MIB * ROUNDS), 1)} ms`
    console.log(
      [
        t.name.padEnd(10),
        tput.padEnd(30),
        cpu.padEnd(10),
        `${fmt(percentile(t.echoMs, 50), 2)} ms`.padEnd(12),
        `${fmt(percentile(t.echoMs, 99), 2)} ms`,
      ].join(''),
    )
  }
  const [ours, theirs] = targets
  if (ours !== undefined && theirs !== undefined) {
    const pairRatios = ours.mibPerSecond.map((v, i) => v / (theirs.mibPerSecond[i] ?? Number.NaN))
    const r = (a: number, b: number): string => fmt(a / b, 2)
    console.log(
      `\nkindlab/ttyd: throughput ${fmt(median(pairRatios), 2)}x (median of per-round ratios; higher is better); ` +
        `echo p50 ${r(percentile(ours.echoMs, 50), percentile(theirs.echoMs, 50))}x, p99 ${r(percentile(ours.echoMs, 99), percentile(theirs.echoMs, 99))}x, ` +
        `server CPU per MiB ${r(ours.cpuMsTotal, theirs.cpuMsTotal)}x (lower is better)`,
    )
  }
}

async function main(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'kindlab-bench-'))
  const file = join(workspace, 'payload.txt')
  const targets: Target[] = []
  try {
    await writePayload(file, MIB * 1024 * 1024)
    targets.push(await startKindlab(workspace))
    const ttyd = args['no-ttyd'] ? { reason: 'skipped (--no-ttyd)' } : findTtyd()
    if ('path' in ttyd) {
      targets.push(await startTtyd(ttyd.path, workspace))
    }
    await runInterleaved(targets, file)
    printTable(targets)
    for (const t of targets) {
      if (t.note) {
        console.log(`${t.name}: ${await t.note()}`)
      }
    }
    if ('reason' in ttyd) {
      console.log(`ttyd: not measured: ${ttyd.reason}`)
    }
  } finally {
    for (const t of targets) {
      t.client.close()
      await t.stop()
    }
    await Promise.all([...children].map(stop))
    rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  }
}

process.on('SIGINT', () => {
  for (const child of children) {
    child.kill('SIGKILL')
  }
  process.exit(130)
})
await main()
