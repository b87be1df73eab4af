// Timing helpers for bench:live: the grading services wrapped so each adapter call (the API list,
// Envoy's /config_dump, the probes) adds its time to a tally, percentiles, and a process's CPU time
// from /proc. Bench code only.
import { readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { LiveServices } from '../server/adapters/live/live-services.ts'
import type { LiveCluster, ResourceSource } from '../server/checks/live-services.ts'

/** Milliseconds spent per adapter call kind during one run. */
export type Tally = Record<'resources' | 'configDump' | 'waitForEnvoy' | 'httpProbe' | 'tcpProbe', number>

export const emptyTally = (): Tally => ({ resources: 0, configDump: 0, waitForEnvoy: 0, httpProbe: 0, tcpProbe: 0 })

/** The services with every resource-source and live-cluster call timed into `tally()`. */
export function timedServices(services: LiveServices, tally: () => Tally): LiveServices {
  const time = async <T>(key: keyof Tally, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await fn()
    } finally {
      tally()[key] += performance.now() - started
    }
  }
  const { resources, cluster } = services
  const timedResources: ResourceSource = {
    describe: () => resources.describe(),
    list: () => time('resources', () => resources.list()),
  }
  const timedCluster: LiveCluster = {
    describe: () => cluster.describe(),
    configDump: () => time('configDump', () => cluster.configDump()),
    waitForEnvoy: (ready, timeoutMs) => time('waitForEnvoy', () => cluster.waitForEnvoy(ready, timeoutMs)),
    httpProbe: (req) => time('httpProbe', () => cluster.httpProbe(req)),
    tcpProbe: (req) => time('tcpProbe', () => cluster.tcpProbe(req)),
  }
  return { ...services, resources: timedResources, cluster: timedCluster }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

export const median = (values: readonly number[]): number => percentile(values, 50)

/** User + system CPU milliseconds a process has used so far (Linux /proc/<pid>/stat). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15)
  return (ticks * 1000) / 100 // USER_HZ is 100 on Linux
}

/** Busy CPU milliseconds of the whole machine so far, all cores (/proc/stat: everything but idle and iowait). */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const total = f.reduce((a, b) => a + b, 0)
  return ((total - (f[3] ?? 0) - (f[4] ?? 0)) * 1000) / 100
}

/** The programs whose CPU the class bench reports (argv[0] base names start with these). */
export const programs = ['kube-apiserver', 'etcd', 'envoy', 'pilot-discovery', 'pilot-agent', 'kwok'] as const

/** CPU milliseconds so far of every process running one of `programs`, by pid. */
export function programCpu(): Map<number, { program: string; cpuMs: number }> {
  const out = new Map<number, { program: string; cpuMs: number }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue
    }
    try {
      const argv0 = basename(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '')
      const program = programs.find((p) => argv0.startsWith(p))
      if (program !== undefined) {
        out.set(Number(entry), { program, cpuMs: processCpuMs(Number(entry)) })
      }
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** CPU milliseconds per program between two programCpu() snapshots. */
export function programCpuDelta(
  before: Map<number, { program: string; cpuMs: number }>,
  after: Map<number, { program: string; cpuMs: number }>,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [pid, a] of after) {
    out[a.program] = (out[a.program] ?? 0) + a.cpuMs - (before.get(pid)?.cpuMs ?? 0)
  }
  return out
}
