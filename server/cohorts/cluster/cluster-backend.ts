// Cluster mode's backend for this machine: a kind cluster per trainee when docker, kind and
// istioctl are there, else planned-only with the reason (shown with the cohort, never a fake ready).
import { kindlabBinDir } from '../../adapters/tools/tool-probe.ts'
import { loadBlueprint, type Blueprint } from '../../provision/blueprint.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from '../environments.ts'
import { clusterModeAdapters } from '../../adapters/kind/cluster-adapters.ts'
import { probeClusterMode } from './availability.ts'
import { createKindEnvironments } from './kind-environments.ts'

export interface ClusterModeBackendOptions {
  dataDir: string
  /** Set when the server or CLI runs offline on purpose: nothing is built, for this reason. */
  offlineReason?: string
  /** Why cluster mode cannot build here, if it cannot (default: probe docker, kind and istioctl). */
  probe?: () => Promise<string | undefined>
  blueprint?: () => Promise<Blueprint>
}

export async function createClusterModeBackend(options: ClusterModeBackendOptions): Promise<EnvironmentBackend> {
  if (options.offlineReason) {
    return createPlannedOnlyBackend({ reason: options.offlineReason })
  }
  const binDir = kindlabBinDir(options.dataDir)
  const unavailable = await (options.probe ?? (() => probeClusterMode(binDir)))()
  if (unavailable) {
    return createPlannedOnlyBackend({ reason: unavailable })
  }
  return createKindEnvironments({
    dataDir: options.dataDir,
    adapters: clusterModeAdapters(binDir),
    blueprint: options.blueprint ?? loadBlueprint,
  })
}
