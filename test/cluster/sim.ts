// `npm run cluster:sim`: runs a real control plane in the foreground. Prints exactly one stdout line,
// `KUBECONFIG=<path>`, once ready (progress goes to stderr); SIGINT/SIGTERM stop it and delete its data.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { cleanupSync, startControlPlane, type ControlPlane } from './controlplane.ts'

const usage = `usage: npm run cluster:sim -- [--nodes N] [--istiod] [--keep-data] [--exit-on-stdin-close]
  --nodes N               fake kwok nodes to create (default 3)
  --istiod                also run istiod (built from istio.io/istio); endpoints in <data>/istiod.json
  --keep-data             keep the data directory (PKI, etcd, logs) after stopping
  --exit-on-stdin-close   stop when stdin closes (used by the test harness as a lifeline)`

const log = (line: string): void => {
  process.stderr.write(`[cluster:sim] ${line}\n`)
}

function options(): { nodes: number; keepData: boolean; stdinLifeline: boolean; istiod: boolean } {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '3' },
      'keep-data': { type: 'boolean', default: false },
      'exit-on-stdin-close': { type: 'boolean', default: false },
      istiod: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    process.stderr.write(`${usage}\n`)
    process.exit(0)
  }
  const nodes = Number(values.nodes)
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new Error(`--nodes must be a positive integer\n${usage}`)
  }
  return { nodes, keepData: values['keep-data'], stdinLifeline: values['exit-on-stdin-close'], istiod: values.istiod }
}

// Our reader (a test harness) may be gone: a broken stdout/stderr pipe must not crash the cleanup.
process.stdout.on('error', () => undefined)
process.stderr.on('error', () => undefined)

/**
 * Calls `onGone` when the leader of our process group exits. `npm run` does not pass SIGTERM on to
 * its script, so `kill <npm pid>` would otherwise leave us running. Linux only; a no-op elsewhere,
 * or when we lead the group ourselves (the test harness starts us that way).
 */
function watchGroupLeader(onGone: () => void): void {
  let leader: number
  try {
    // /proc/self/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after ')'.
    const stat = readFileSync('/proc/self/stat', 'utf8')
    leader = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
  } catch {
    return
  }
  if (!Number.isInteger(leader) || leader <= 1 || leader === process.pid) {
    return
  }
  setInterval(() => {
    try {
      process.kill(leader, 0)
    } catch {
      onGone()
    }
  }, 1_000).unref()
}

async function main(): Promise<void> {
  const opts = options()
  const started = Date.now()
  const running: { plane?: ControlPlane } = {}
  let stopping: Promise<void> | undefined
  const starting = new AbortController()
  const shutdown = (why: string, exitCode: number): Promise<void> => {
    stopping ??= (async () => {
      log(`${why}: stopping`)
      if (running.plane) {
        await running.plane.stop()
        log('stopped, data removed')
        process.exit(exitCode)
      }
      process.exitCode = exitCode
      starting.abort(new Error(`${why} during start-up`))
    })()
    return stopping
  }
  process.on('SIGINT', () => void shutdown('SIGINT', 130))
  process.on('SIGTERM', () => void shutdown('SIGTERM', 143))
  // Last resort (e.g. a crash): no component may outlive us, even during start-up.
  process.on('exit', cleanupSync)
  watchGroupLeader(() => void shutdown('the process that started us exited', 0))
  if (opts.stdinLifeline) {
    process.stdin.on('end', () => void shutdown('stdin closed', 0)).resume()
  }
  const plane = await startControlPlane({
    nodes: opts.nodes,
    istiod: opts.istiod,
    keepData: opts.keepData,
    log,
    signal: starting.signal,
    onComponentExit: (err) => {
      log(err.message)
      void shutdown('a component died', 1)
    },
  })
  running.plane = plane
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${plane.server} (Ctrl-C to stop)`)
  process.stdout.write(`KUBECONFIG=${plane.kubeconfig}\n`)
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err))
  process.exit(process.exitCode ?? 1)
})
