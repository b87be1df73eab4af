// Asks the machine about the tools the live lab needs (docker, kind, kubectl, istioctl), the
// memory, ports and inotify limits. Never throws: every answer is data for the doctor.
import { execa } from 'execa'
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { freemem, totalmem } from 'node:os'
import { delimiter, join } from 'node:path'
import { inheritedEnv } from '../../config.ts'

export interface CommandProbe {
  found: boolean
  ok: boolean
  output: string
}

export interface MachineFacts {
  dockerClient: CommandProbe
  dockerEngine: CommandProbe & { memBytes?: number }
  kind: CommandProbe
  kubectl: CommandProbe
  istioctl: CommandProbe
  totalMemBytes: number
  freeMemBytes: number
  portsInUse: Record<number, boolean>
  inotifyMaxUserInstances: number | undefined
  inotifyMaxUserWatches: number | undefined
}

/** Runs a command briefly; `found` is false when it is not installed. */
export async function probeCommand(file: string, args: string[], extraPath: string[] = []): Promise<CommandProbe> {
  // The tools are looked up on the user's PATH.
  const path = [...extraPath, inheritedEnv(['PATH'])['PATH'] ?? ''].join(delimiter)
  const result = await execa(file, args, {
    reject: false,
    timeout: 15_000,
    all: true,
    stdin: 'ignore',
    env: { PATH: path },
  })
  const notFound = (result as { code?: string }).code === 'ENOENT' || result.exitCode === 127
  const output = (typeof result.all === 'string' ? result.all : '').trim()
  return { found: !notFound, ok: !notFound && result.exitCode === 0, output: notFound ? '' : output }
}

/** True when something accepts connections on 127.0.0.1:port. */
export function isPortInUse(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (inUse: boolean) => {
      socket.destroy()
      resolve(inUse)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

async function readNumber(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined)
  const n = text === undefined ? NaN : Number(text.trim())
  return Number.isFinite(n) ? n : undefined
}

/** Gathers every fact the doctor judges; `binDir` is kindlab's own tools folder. */
export async function gatherMachineFacts(binDir: string, ports: readonly number[]): Promise<MachineFacts> {
  const extra = [binDir]
  const [dockerClient, dockerEngine, kind, kubectl, istioctl, instances, watches] = await Promise.all([
    probeCommand('docker', ['version', '--format', '{{.Client.Version}}'], extra),
    probeCommand('docker', ['info', '--format', '{{.ServerVersion}} {{.MemTotal}}'], extra),
    probeCommand('kind', ['version'], extra),
    probeCommand('kubectl', ['version', '--client', '-o', 'yaml'], extra),
    probeCommand('istioctl', ['version', '--remote=false', '--short'], extra),
    readNumber('/proc/sys/fs/inotify/max_user_instances'),
    readNumber('/proc/sys/fs/inotify/max_user_watches'),
  ])
  const portsInUse: Record<number, boolean> = {}
  for (const port of ports) {
    portsInUse[port] = await isPortInUse(port)
  }
  const mem = /\s(\d+)$/.exec(dockerEngine.output)?.[1]
  return {
    dockerClient,
    dockerEngine: { ...dockerEngine, ...(mem ? { memBytes: Number(mem) } : {}) },
    kind,
    kubectl,
    istioctl,
    totalMemBytes: totalmem(),
    freeMemBytes: freemem(),
    portsInUse,
    inotifyMaxUserInstances: instances,
    inotifyMaxUserWatches: watches,
  }
}

export const kindlabBinDir = (dataDir: string): string => join(dataDir, 'bin')
