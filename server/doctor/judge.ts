// Judges the machine facts: one row per requirement of the live lab, each with what was found and
// how to fix it. Pure: facts in, rows out.
import type { CommandProbe, MachineFacts } from '../adapters/tools/tool-probe.ts'

export type DoctorStatus = 'ok' | 'warn' | 'fail'

export interface DoctorRow {
  id: string
  title: string
  status: DoctorStatus
  found: string
  fix?: string
}

export interface DoctorReport {
  rows: DoctorRow[]
  /** True when `kindlab up` can create the live lab. */
  canRunLive: boolean
  /** One sentence naming what is missing, for the offline banner. */
  summary: string
}

const GiB = 1024 ** 3
const installHint = 'Run `kindlab tools install` to download the pinned version into ~/.kindlab/bin.'

function firstLine(p: CommandProbe): string {
  return p.output.split('\n')[0]?.slice(0, 80) ?? ''
}

function tool(id: string, title: string, p: CommandProbe, versionOf: (out: string) => string | undefined): DoctorRow {
  if (!p.found) {
    return { id, title, status: 'fail', found: 'not installed', fix: installHint }
  }
  if (!p.ok) {
    return { id, title, status: 'fail', found: `fails: ${firstLine(p)}`, fix: installHint }
  }
  return { id, title, status: 'ok', found: versionOf(p.output) ?? firstLine(p) }
}

function docker(f: MachineFacts): DoctorRow[] {
  const client: DoctorRow = f.dockerClient.found
    ? { id: 'docker-client', title: 'Docker client', status: 'ok', found: firstLine(f.dockerClient) }
    : {
        id: 'docker-client',
        title: 'Docker client',
        status: 'fail',
        found: 'not installed',
        fix: 'Install Docker Desktop (macOS, Windows) or Docker Engine (Linux): https://docs.docker.com/get-docker/',
      }
  const engine: DoctorRow = f.dockerEngine.ok
    ? {
        id: 'docker-engine',
        title: 'Docker engine',
        status: 'ok',
        found: `running, ${firstLine(f.dockerEngine).split(' ')[0] ?? ''}`,
      }
    : {
        id: 'docker-engine',
        title: 'Docker engine',
        status: 'fail',
        found: f.dockerClient.found ? 'not reachable' : 'not installed',
        fix: f.dockerClient.found
          ? 'Start Docker (Docker Desktop, or `sudo systemctl start docker`) and check `docker info` works without sudo.'
          : 'Install Docker, then start it.',
      }
  return [client, engine]
}

function memory(f: MachineFacts): DoctorRow {
  const dockerMem = f.dockerEngine.memBytes
  const mem = dockerMem ?? f.totalMemBytes
  const found = `${(mem / GiB).toFixed(1)} GiB ${dockerMem ? 'for Docker' : 'on this machine'}`
  if (mem < 6 * GiB) {
    return {
      id: 'memory',
      title: 'Memory',
      status: 'fail',
      found,
      fix: 'Istio and the shop need about 6-8 GiB: give Docker more memory (Docker Desktop → Settings → Resources).',
    }
  }
  if (mem < 8 * GiB) {
    return {
      id: 'memory',
      title: 'Memory',
      status: 'warn',
      found,
      fix: '8 GiB or more keeps the shop and the dashboards responsive.',
    }
  }
  return { id: 'memory', title: 'Memory', status: 'ok', found }
}

function ports(f: MachineFacts): DoctorRow[] {
  return Object.entries(f.portsInUse).map(([port, inUse]) =>
    inUse
      ? {
          id: `port-${port}`,
          title: `Port ${port}`,
          status: 'warn' as const,
          found: 'in use',
          fix: `Free port ${port} (another web server?), unless it is kindlab's own cluster from an earlier run.`,
        }
      : { id: `port-${port}`, title: `Port ${port}`, status: 'ok' as const, found: 'free' },
  )
}

function inotify(f: MachineFacts): DoctorRow {
  const n = f.inotifyMaxUserInstances
  if (n === undefined) {
    return { id: 'inotify', title: 'inotify limits', status: 'ok', found: 'not applicable' }
  }
  return n < 512
    ? {
        id: 'inotify',
        title: 'inotify limits',
        status: 'warn',
        found: `max_user_instances=${n}`,
        fix: 'kind clusters can fail with "too many open files": sudo sysctl fs.inotify.max_user_instances=512',
      }
    : { id: 'inotify', title: 'inotify limits', status: 'ok', found: `max_user_instances=${n}` }
}

/** The pinned versions the doctor compares with (clusters/versions.json). */
export interface Pins {
  /** kubectl version kindlab installs, e.g. "v1.36.4"; the cluster runs the same minor. */
  kubectl?: string
}

function minorOf(version: string | undefined): number | undefined {
  const m = /^v?1\.(\d+)\./.exec(version ?? '')
  return m?.[1] === undefined ? undefined : Number(m[1])
}

/** kubectl talks to a server one minor version away at most (Kubernetes' version skew policy). */
function kubectl(f: MachineFacts, pinned: string | undefined): DoctorRow {
  const row = tool('kubectl', 'kubectl', f.kubectl, (o) => /gitVersion:\s*(\S+)/.exec(o)?.[1])
  const want = minorOf(pinned)
  const have = minorOf(row.found)
  if (row.status !== 'ok' || want === undefined || have === undefined || Math.abs(want - have) <= 1) {
    return row
  }
  return {
    ...row,
    status: 'warn',
    found: `${row.found} (the lab cluster runs 1.${want})`,
    fix: `kubectl supports one minor version of skew with the cluster: ${installHint}`,
  }
}

export function judgeMachine(f: MachineFacts, pins: Pins = {}): DoctorReport {
  const rows: DoctorRow[] = [
    ...docker(f),
    tool('kind', 'kind', f.kind, (o) => /v\d+\.\d+\.\d+/.exec(o)?.[0]),
    kubectl(f, pins.kubectl),
    tool('istioctl', 'istioctl', f.istioctl, (o) => /\d+\.\d+\.\d+/.exec(o)?.[0]),
    memory(f),
    ...ports(f),
    inotify(f),
  ]
  const failing = rows.filter((r) => r.status === 'fail')
  return {
    rows,
    canRunLive: failing.length === 0,
    summary:
      failing.length === 0
        ? 'Everything the live lab needs is here.'
        : `The live lab cannot start: ${failing.map((r) => `${r.title} ${r.found}`).join(', ')}.`,
  }
}
