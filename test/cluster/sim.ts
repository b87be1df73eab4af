// `npm run cluster:sim`: runs a real control plane in the foreground. Prints exactly one stdout line,
// `KUBECONFIG=<path>`, once ready (progress goes to stderr); SIGINT/SIGTERM stop it and delete its data.
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
