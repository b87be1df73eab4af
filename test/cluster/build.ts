// Builds the control-plane binaries (etcd, kube-*, kwok) from the pinned Go wrapper modules in
// test/cluster/go/ into ~/.cache/kindlab/cluster/<k8s version>/, only when missing.
// Run directly (`npm run cluster:build [-- --istiod | --dataplane]`) or through ensureBinaries(). Progress: stderr.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { binDir, type Log } from './bin-dir.ts'
import { goEnv, goJson, versions } from './versions.ts'

const here = dirname(fileURLToPath(import.meta.url))

/** Absolute paths of the built binaries. */
export interface Binaries {
  etcd: string
  kubeApiserver: string
  kubeControllerManager: string
  kubeScheduler: string
  kwok: string
  /** Only built with `{ istio: true }`. */
  pilotDiscovery: string
  /** Minimal ADS client for istiod (test/cluster/go/istio/xdsprobe); built with pilot-discovery. */
  xdsprobe: string
  /** kubectl's manifest decoder (test/cluster/go/kubernetes/yamlref), the YAML reader's reference. */
  yamlref: string
  /** Istio's proxy agent (SDS, xDS proxy, starts Envoy); only built with `{ dataplane: true }`. */
  pilotAgent: string
  /** istioctl (renders the blueprint's Istio install); only built with `{ dataplane: true }`. */
  istioctl: string
}

interface Target {
  module: string
  packages: string[]
  outputs: string[]
  /** -X flags; computed only when the target is built (it may query the module proxy). */
  ldflags: () => Promise<string[]>
  istio?: boolean
  dataplane?: boolean
}

export interface BuildOptions {
  /** Also build istiod (pilot-discovery) and xdsprobe. @default false */
  istio?: boolean
  /** Also build pilot-agent (the gateway's proxy agent). @default false */
  dataplane?: boolean
  log?: Log
  signal?: AbortSignal
}

export { binDir, type Log }
const defaultLog: Log = (line) => process.stderr.write(`[cluster:build] ${line}\n`)

export function binaries(dir = binDir()): Binaries {
  return {
    etcd: join(dir, `etcd-${versions.etcd}`),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubeScheduler: join(dir, 'kube-scheduler'),
    kwok: join(dir, `kwok-${versions.kwok}`),
    pilotDiscovery: join(dir, `pilot-discovery-${versions.istio}`),
    // Our own source: the name carries a hash of it, so an edit triggers a rebuild.
    xdsprobe: join(dir, `xdsprobe-${versions.istio}-${sourceHash(join(here, 'go/istio/xdsprobe/main.go'))}`),
    yamlref: join(dir, `yamlref-${sourceHash(join(here, 'go/kubernetes/yamlref/main.go'))}`),
    pilotAgent: join(dir, `pilot-agent-${versions.istio}`),
    istioctl: join(dir, `istioctl-${versions.istio}`),
  }
}

function sourceHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 8)
}

/** -X flags for istio.io/istio/pkg/version, so istiod reports its release. */
function istioVersionFlags(): Promise<string[]> {
  const values = { buildVersion: versions.istio, buildTag: versions.istio, buildStatus: 'Clean', buildHub: 'kindlab' }
  return Promise.resolve(Object.entries(values).map(([k, v]) => `-X istio.io/istio/pkg/version.${k}=${v}`))
}

/** -X flags that make the kube binaries report their real version, as hack/lib/version.sh does. */
async function kubeVersionFlags(): Promise<string[]> {
  const v = versions.kubernetes
  const [major = '1', minor = '0'] = v.replace(/^v/, '').split('.')
  const info = await goJson<{ Origin?: { Hash?: string }; Time?: string }>(here, [
    'list',
    '-m',
    '-json',
    `k8s.io/kubernetes@${v}`,
  ])
  const values: Record<string, string> = {
    gitVersion: v,
    gitMajor: major,
    gitMinor: minor,
    gitTreeState: 'clean',
    buildDate: (info.Time ?? '1970-01-01T00:00:00Z').replace(/\.\d+Z$/, 'Z'),
  }
  // The proxy's .info may omit Origin; an empty commit beats the "$Format:%H$" placeholder.
  values['gitCommit'] = info.Origin?.Hash ?? ''
  return Object.entries(values).flatMap(([key, value]) => [
    `-X k8s.io/component-base/version.${key}=${value}`,
    `-X k8s.io/client-go/pkg/version.${key}=${value}`,
  ])
}

function targets(bins: Binaries): Target[] {
  const none = (): Promise<string[]> => Promise.resolve([])
  return [
    { module: 'etcd', packages: ['go.etcd.io/etcd/server/v3'], outputs: [bins.etcd], ldflags: none },
    { module: 'kwok', packages: ['sigs.k8s.io/kwok/cmd/kwok'], outputs: [bins.kwok], ldflags: none },
    {
      module: 'kubernetes',
      packages: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
        (c) => `k8s.io/kubernetes/cmd/${c}`,
      ),
      outputs: [bins.kubeApiserver, bins.kubeControllerManager, bins.kubeScheduler],
      ldflags: kubeVersionFlags,
    },
    // Same module as the kube binaries, so the decoder is built from the very same apimachinery
    // and sigs.k8s.io/yaml versions; a separate target so that it builds in seconds on its own.
    {
      module: 'kubernetes',
      packages: ['kindlab.local/cluster/kubernetes/yamlref'],
      outputs: [bins.yamlref],
      ldflags: none,
    },
    {
      module: 'istio',
      packages: ['istio.io/istio/pilot/cmd/pilot-discovery', 'kindlab.local/cluster/istio/xdsprobe'],
      outputs: [bins.pilotDiscovery, bins.xdsprobe],
      ldflags: istioVersionFlags,
      istio: true,
    },
    // Its own target, so an existing istiod is not rebuilt; ~30 s with istiod's build cache warm.
    {
      module: 'istio',
      packages: ['istio.io/istio/pilot/cmd/pilot-agent'],
      outputs: [bins.pilotAgent],
      ldflags: istioVersionFlags,
      dataplane: true,
    },
    // istioctl from the same wrapper module: `manifest generate` renders the blueprint's install
    // (dataplane/istioctl-install.ts). Its own target too; measured in test/cluster/README.md.
    {
      module: 'istio',
      packages: ['istio.io/istio/istioctl/cmd/istioctl'],
      outputs: [bins.istioctl],
      ldflags: istioVersionFlags,
      dataplane: true,
    },
  ]
}

/** Runs `go build -v`, counting compiled packages so a long build shows it is alive. */
function goBuild(cwd: string, args: string[], log: Log, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd, env: goEnv(), stdio: ['ignore', 'inherit', 'pipe'], signal })
    let compiled = 0
    let last = ''
    let tail: string[] = []
    const started = Date.now()
    const timer = setInterval(() => {
      log(`  ... ${compiled} packages compiled, ${Math.round((Date.now() - started) / 1000)}s (last: ${last})`)
    }, 20_000)
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        compiled += 1
        last = line
        tail = [...tail.slice(-40), line]
      }
    })
    child.on('error', reject)
    child.on('close', (code) => {
      clearInterval(timer)
      if (code === 0) {
        resolve()
      } else {
        reject(new Error(`go ${args.join(' ')} failed (exit ${code}) in ${cwd}:\n${tail.join('\n')}`))
      }
    })
  })
}

async function buildTarget(target: Target, log: Log, signal?: AbortSignal): Promise<void> {
  const outDir = dirname(target.outputs[0] ?? '')
  mkdirSync(outDir, { recursive: true })
  const tmp = mkdtempSync(join(outDir, '.build-'))
  try {
    const ldflags = ['-s', '-w', ...(await target.ldflags())].join(' ')
    await goBuild(
      join(here, 'go', target.module),
      ['build', '-v', '-ldflags', ldflags, '-o', `${tmp}/`, ...target.packages],
      log,
      signal,
    )
    target.packages.forEach((pkg, i) => {
      const out = target.outputs[i]
      const base = pkg.split('/').at(-1) === 'v3' ? 'server' : (pkg.split('/').at(-1) ?? '')
      if (out) {
        renameSync(join(tmp, base), out)
      }
    })
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** Builds whatever is missing and returns the binary paths. Safe to call on every start. */
export async function ensureBinaries(options: BuildOptions = {}): Promise<Binaries> {
  const { log = defaultLog, signal } = options
  const bins = binaries()
  for (const target of targets(bins)) {
    const wanted = (!target.istio || options.istio) && (!target.dataplane || options.dataplane)
    if (!wanted || target.outputs.every((o) => existsSync(o))) {
      continue
    }
    const started = Date.now()
    log(
      `building ${target.packages.join(', ')} (module test/cluster/go/${target.module}); the first build takes many minutes`,
    )
    signal?.throwIfAborted()
    await buildTarget(target, log, signal)
    log(
      `built ${target.module} in ${Math.round((Date.now() - started) / 1000)}s -> ${dirname(target.outputs[0] ?? '')}`,
    )
  }
  return bins
}

/** Builds only kubectl's YAML decoder (seconds, with a warm module cache) and returns its path. */
export async function ensureYamlref(options: BuildOptions = {}): Promise<string> {
  const bins = binaries()
  const target = targets(bins).find((t) => t.outputs.includes(bins.yamlref))
  if (target !== undefined && !existsSync(bins.yamlref)) {
    await buildTarget(target, options.log ?? defaultLog, options.signal)
  }
  return bins.yamlref
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now()
  const dataplane = process.argv.includes('--dataplane')
  const istio = dataplane || process.argv.includes('--istiod')
  ensureBinaries({ istio, dataplane })
    .then(async (bins) => {
      const envoy = dataplane ? await (await import('./envoy.ts')).ensureEnvoy(defaultLog) : undefined
      defaultLog(`ready in ${Math.round((Date.now() - started) / 1000)}s:`)
      const { pilotDiscovery, xdsprobe, pilotAgent, istioctl, ...control } = bins
      for (const path of [
        ...Object.keys(control).map((k) => bins[k as keyof typeof control]),
        ...(istio ? [pilotDiscovery, xdsprobe] : []),
        ...(dataplane && envoy ? [pilotAgent, istioctl, envoy] : []),
      ]) {
        process.stdout.write(`${path}\n`)
      }
    })
    .catch((err: unknown) => {
      defaultLog(err instanceof Error ? err.message : String(err))
      process.exitCode = 1
    })
}
