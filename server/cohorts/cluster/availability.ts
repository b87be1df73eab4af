// Whether this machine can give cluster-mode trainees a kind cluster each: kind, istioctl and a
// running Docker engine (the doctor's probes, server/adapters/tools/tool-probe.ts). The judgement
// is pure; probing runs each tool once, briefly, and never throws.
import { probeCommand, type CommandProbe } from '../../adapters/tools/tool-probe.ts'

export interface ClusterModeFacts {
  /** `docker info`: the engine, not only the client. */
  dockerEngine: CommandProbe
  kind: CommandProbe
  istioctl: CommandProbe
}

const install = 'run `kindlab tools install`'

/** Why cluster mode cannot build environments here, as one sentence; undefined when it can. */
export function clusterModeUnavailable(f: ClusterModeFacts): string | undefined {
  const missing: string[] = []
  if (!f.dockerEngine.found) {
    missing.push('Docker is not installed (install Docker Engine or Docker Desktop)')
  } else if (!f.dockerEngine.ok) {
    missing.push('the Docker engine is not reachable (start Docker; `docker info` must work without sudo)')
  }
  if (!f.kind.ok) {
    missing.push(`kind is ${f.kind.found ? 'not working' : 'not installed'} (${install})`)
  }
  if (!f.istioctl.ok) {
    missing.push(`istioctl is ${f.istioctl.found ? 'not working' : 'not installed'} (${install})`)
  }
  if (missing.length === 0) {
    return undefined
  }
  return `Cluster mode gives every trainee a kind cluster, but on this machine ${missing.join('; ')}. Trainee clusters are only planned; use --mode namespace with a class cluster instead.`
}

/** Probes docker, kind and istioctl (kindlab's bin folder first on PATH). */
export async function probeClusterMode(binDir: string): Promise<string | undefined> {
  const extra = [binDir]
  const [dockerEngine, kind, istioctl] = await Promise.all([
    probeCommand('docker', ['info', '--format', '{{.ServerVersion}}'], extra),
    probeCommand('kind', ['version'], extra),
    probeCommand('istioctl', ['version', '--remote=false', '--short'], extra),
  ])
  return clusterModeUnavailable({ dockerEngine, kind, istioctl })
}
