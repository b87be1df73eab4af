// Vitest globalSetup for the cluster suite: one control plane per run (sim.ts in its own process
// group, tied to us by a stdin lifeline), or the cluster named by KUBECONFIG_TEST. Always cleaned up.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import type { IstiodEndpoints } from './istiod.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig of the cluster under test. */
    kubeconfig: string
    /** 'sim' for the built-in control plane (kwok nodes), 'external' for KUBECONFIG_TEST. */
    clusterKind: 'sim' | 'external'
    /** istiod started with the control plane (unless KINDLAB_CLUSTER_ISTIOD=0), else null. */
    istiod: IstiodEndpoints | null
  }
}

const simPath = fileURLToPath(new URL('./sim.ts', import.meta.url))
const log = (line: string): void => {
  process.stderr.write(`[cluster:setup] ${line}\n`)
}

/** Starts sim.ts and resolves with the kubeconfig path from its `KUBECONFIG=` line. */
function startSim(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const tail: string[] = []
    createInterface({ input: child.stderr! }).on('line', (line) => {
      tail.push(line)
      tail.splice(0, tail.length - 30)
      process.stderr.write(`${line}\n`)
    })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^KUBECONFIG=(.+)$/.exec(line)
      if (match?.[1]) {
        resolve(match[1])
      }
    })
    child.once('exit', (code, signal) => {
      reject(new Error(`cluster:sim exited (${signal ?? code}) before it was ready:\n${tail.join('\n')}`))
    })
    child.once('error', reject)
  })
}

function groupKill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, signal)
    } catch {
      // The group is already gone.
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env['KUBECONFIG_TEST']
  if (external) {
    if (!existsSync(external)) {
      throw new Error(`KUBECONFIG_TEST=${external} does not exist`)
    }
    log(`using the existing cluster from KUBECONFIG_TEST=${external}`)
    project.provide('kubeconfig', external)
    project.provide('clusterKind', 'external')
    project.provide('istiod', null)
    return async () => {}
  }

  // Own process group (detached), so the group kill of last resort reaches sim and every component.
  // stdin is the lifeline: however this process ends, the pipe closes and sim stops gracefully.
  // istiod by default (a cold build adds ~14 min once; the binary is cached): opt out with =0.
  const withIstiod = process.env['KINDLAB_CLUSTER_ISTIOD'] !== '0'
  const simArgs = [simPath, '--exit-on-stdin-close', ...(withIstiod ? ['--istiod'] : [])]
  const child = spawn(process.execPath, ['--import', 'tsx', ...simArgs], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const state: { dataDir?: string } = {}
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  /** Graceful stop (sim removes its data), then a group SIGKILL and data removal after `graceMs`. */
  const stop = async (graceMs: number): Promise<void> => {
    child.stdin?.destroy()
    const timer = setTimeout(() => groupKill(child, 'SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
    groupKill(child, 'SIGKILL')
    if (state.dataDir) {
      rmSync(state.dataDir, { recursive: true, force: true })
    }
  }
  // 'exit' handlers cannot wait: closing the lifeline is enough, the detached sim cleans up.
  const onExit = (): void => {
    child.stdin?.destroy()
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    unregister()
    void stop(15_000).finally(() => process.kill(process.pid, signal))
  }
  const unregister = (): void => {
    process.removeListener('exit', onExit)
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
  process.on('exit', onExit)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  let kubeconfig: string
  try {
    kubeconfig = await startSim(child)
  } catch (err) {
    unregister()
    await stop(15_000)
    throw err
  }
  state.dataDir = dirname(kubeconfig)
  project.provide('kubeconfig', kubeconfig)
  project.provide('clusterKind', 'sim')
  const istiodFile = join(state.dataDir, 'istiod.json')
  project.provide(
    'istiod',
    existsSync(istiodFile) ? (JSON.parse(readFileSync(istiodFile, 'utf8')) as IstiodEndpoints) : null,
  )

  return async () => {
    unregister()
    await stop(30_000)
    log('control plane stopped')
  }
}
