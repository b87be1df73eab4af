// `npm run cluster:sim`: runs a real control plane in the foreground. Prints `KUBECONFIG=<path>` on
// stdout once ready (with --dataplane also GATEWAY_ADDRESS=, ENVOY_ADMIN=, ENVOY_ACCESS_LOG=, and with
// --lab LEARNER_NAMESPACE=, one per line; progress goes to stderr); SIGINT/SIGTERM stop it and delete
// its data and network namespaces.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { cleanupSync, startControlPlane, type ControlPlane } from './controlplane.ts'
import { createPodNetwork, removeNetworksSync, type PodNetwork } from './dataplane/netns.ts'
import { dataplaneIstiodOptions, startDataplane } from './dataplane/start.ts'
import { ensureEnvoy } from './envoy.ts'

const usage = `usage: npm run cluster:sim -- [--nodes N] [--istiod] [--dataplane [--lab LAB]] [--keep-data] [--exit-on-stdin-close]
  --nodes N               fake kwok nodes to create (default 3)
  --istiod                also run istiod (built from istio.io/istio); endpoints in <data>/istiod.json
  --dataplane             also the ingress gateway: Istio installed as \`kindlab up\` does (istioctl's
                          manifests for clusters/istio/overlay.yaml), pilot-agent + upstream Envoy as
                          the istio-system/istio-ingressgateway pod, in network namespaces (root only),
                          and one more for each Kubernetes Gateway istiod deploys
  --lab LAB               with --dataplane: also the shop and the addons of clusters/blueprint.yaml,
                          as \`kindlab up\` deploys them for LAB; their pods get stand-in processes
  --keep-data             keep the data directory (PKI, etcd, logs) after stopping
  --exit-on-stdin-close   stop when stdin closes (used by the test harness as a lifeline)`

const log = (line: string): void => {
  process.stderr.write(`[cluster:sim] ${line}\n`)
}

interface Options {
  nodes: number
  keepData: boolean
  stdinLifeline: boolean
  istiod: boolean
  dataplane: boolean
  lab: string | undefined
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '3' },
      'keep-data': { type: 'boolean', default: false },
      'exit-on-stdin-close': { type: 'boolean', default: false },
      istiod: { type: 'boolean', default: false },
      dataplane: { type: 'boolean', default: false },
      lab: { type: 'string' },
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
  if (values.lab !== undefined && !values.dataplane) {
    throw new Error(`--lab needs --dataplane\n${usage}`)
  }
  return {
    nodes,
    keepData: values['keep-data'],
    stdinLifeline: values['exit-on-stdin-close'],
    istiod: values.istiod || values.dataplane,
    dataplane: values.dataplane,
    lab: values.lab,
  }
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
  const running: { plane?: ControlPlane; net?: PodNetwork; workDir?: string; stopDataplane?: () => Promise<void> } = {}
  const removeDataplane = async (): Promise<void> => {
    await running.net?.remove()
    if (running.workDir && !opts.keepData) {
      rmSync(running.workDir, { recursive: true, force: true })
    }
  }
  let stopping: Promise<void> | undefined
  const starting = new AbortController()
  const shutdown = (why: string, exitCode: number): Promise<void> => {
    stopping ??= (async () => {
      log(`${why}: stopping`)
      if (running.plane) {
        await running.stopDataplane?.().catch((err: unknown) => log(`data plane stop: ${String(err)}`))
        await running.plane.stop()
        await removeDataplane()
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
  process.on('exit', () => {
    cleanupSync()
    removeNetworksSync()
    if (running.workDir && !opts.keepData) {
      rmSync(running.workDir, { recursive: true, force: true })
    }
  })
  watchGroupLeader(() => void shutdown('the process that started us exited', 0))
  if (opts.stdinLifeline) {
    process.stdin.on('end', () => void shutdown('stdin closed', 0)).resume()
  }
  let dataplane: { accessLog: string; envoy: string } | undefined
  if (opts.dataplane) {
    const envoy = await ensureEnvoy(log, starting.signal)
    running.net = await createPodNetwork()
    running.workDir = mkdtempSync(join(tmpdir(), 'kindlab-dataplane-'))
    dataplane = { accessLog: join(running.workDir, 'envoy-access.log'), envoy }
    log(`network namespaces ${running.net.gatewayNs}, ${running.net.podsNs}; pod IPs from ${running.net.kwokCidr}`)
  }
  const plane = await startControlPlane({
    nodes: opts.nodes,
    istiod: opts.istiod,
    dataplane: opts.dataplane,
    ...(running.net && dataplane
      ? { podCidr: running.net.kwokCidr, istiodOptions: dataplaneIstiodOptions(running.net, dataplane.accessLog) }
      : {}),
    keepData: opts.keepData,
    log,
    signal: starting.signal,
    onComponentExit: (err) => {
      log(err.message)
      void shutdown('a component died', 1)
    },
  })
  running.plane = plane
  const lines = [`KUBECONFIG=${plane.kubeconfig}`]
  if (running.net && running.workDir && dataplane) {
    const dp = await startDataplane({
      plane,
      net: running.net,
      envoy: dataplane.envoy,
      workDir: running.workDir,
      accessLog: dataplane.accessLog,
      ...(opts.lab !== undefined ? { lab: opts.lab } : {}),
      log,
      abort: () => starting.signal.throwIfAborted(),
      signal: starting.signal,
    })
    running.stopDataplane = () => dp.stop()
    log(`gateway ${dp.pod.namespace}/${dp.pod.name}: Envoy at ${dp.address}, admin ${dp.admin}`)
    // Before the others: a reader may stop at ENVOY_ACCESS_LOG, the last line it needs.
    if (dp.learnerNamespace !== undefined) {
      lines.push(`LEARNER_NAMESPACE=${dp.learnerNamespace}`)
    }
    lines.push(`GATEWAY_ADDRESS=${dp.address}`, `ENVOY_ADMIN=${dp.admin}`, `ENVOY_ACCESS_LOG=${dp.accessLog}`)
  }
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${plane.server} (Ctrl-C to stop)`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err))
  process.exit(process.exitCode ?? 1)
})
