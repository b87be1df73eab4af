// Builds the control-plane binaries (etcd, kube-*, kwok) from the pinned Go wrapper modules in
// test/cluster/go/ into ~/.cache/kindlab/cluster/<k8s version>/, only when missing.
// Run directly (`npm run cluster:build`) or through ensureBinaries(). Progress goes to stderr.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { goEnv, goJson, versions } from './versions.ts'

const here = dirname(fileURLToPath(import.meta.url))

/** Absolute paths of the built binaries. */
export interface Binaries {
  etcd: string
  kubeApiserver: string
  kubeControllerManager: string
  kubeScheduler: string
  kwok: string
}

interface Target {
  module: string
  packages: string[]
  outputs: string[]
  ldflags: string[]
}

export type Log = (line: string) => void
const defaultLog: Log = (line) => process.stderr.write(`[cluster:build] ${line}\n`)

/** Where binaries for the pinned versions live; override the root with KINDLAB_CACHE_DIR. */
export function binDir(): string {
  const root =
    process.env['KINDLAB_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'kindlab')
  return join(root, 'cluster', versions.kubernetes)
}

export function binaries(dir = binDir()): Binaries {
  return {
    etcd: join(dir, `etcd-${versions.etcd}`),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubeScheduler: join(dir, 'kube-scheduler'),
    kwok: join(dir, `kwok-${versions.kwok}`),
  }
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
  if (info.Origin?.Hash) {
    values['gitCommit'] = info.Origin.Hash
  }
  return Object.entries(values).flatMap(([key, value]) => [
    `-X k8s.io/component-base/version.${key}=${value}`,
    `-X k8s.io/client-go/pkg/version.${key}=${value}`,
  ])
}

async function targets(bins: Binaries): Promise<Target[]> {
  return [
    { module: 'etcd', packages: ['go.etcd.io/etcd/server/v3'], outputs: [bins.etcd], ldflags: [] },
    { module: 'kwok', packages: ['sigs.k8s.io/kwok/cmd/kwok'], outputs: [bins.kwok], ldflags: [] },
    {
      module: 'kubernetes',
      packages: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
        (c) => `k8s.io/kubernetes/cmd/${c}`,
      ),
      outputs: [bins.kubeApiserver, bins.kubeControllerManager, bins.kubeScheduler],
      ldflags: await kubeVersionFlags(),
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
    const ldflags = ['-s', '-w', ...target.ldflags].join(' ')
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
export async function ensureBinaries(log: Log = defaultLog, signal?: AbortSignal): Promise<Binaries> {
  const bins = binaries()
  for (const target of await targets(bins)) {
    if (target.outputs.every((o) => existsSync(o))) {
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now()
  ensureBinaries()
    .then((bins) => {
      defaultLog(`ready in ${Math.round((Date.now() - started) / 1000)}s:`)
      for (const path of Object.values(bins)) {
        process.stdout.write(`${path}\n`)
      }
    })
    .catch((err: unknown) => {
      defaultLog(err instanceof Error ? err.message : String(err))
      process.exitCode = 1
    })
}
