// One EnvironmentBackend per cohort mode behind the single one the cohort feature uses: namespace
// cohorts go to the class cluster (or planned-only offline), cluster cohorts to a kind cluster per
// trainee, or to planned-only with the reason when this machine has no kind or Docker. Which one
// cluster mode gets is decided once, when first needed (it probes the machine).
import type { CohortMode } from '../protocol/cohort-dto.ts'
import type { EnvironmentBackend } from './environments.ts'
import type { CohortNames } from './plan/names.ts'

export interface ModeBackends extends EnvironmentBackend {
  /** The backend of `mode` (cluster mode: once the machine was probed). */
  forMode(mode: CohortMode): Promise<EnvironmentBackend>
  /** The same, when already known (undefined while cluster mode is being probed). */
  known(mode: CohortMode): EnvironmentBackend | undefined
}

/** The backend for `mode`: a ModeBackends' own, or a single backend used for every mode. */
export async function backendForMode(backend: EnvironmentBackend, mode: CohortMode): Promise<EnvironmentBackend> {
  return isModeBackends(backend) ? backend.forMode(mode) : backend
}

/** The backend for `mode` if known without waiting. */
export function knownBackendForMode(backend: EnvironmentBackend, mode: CohortMode): EnvironmentBackend | undefined {
  return isModeBackends(backend) ? backend.known(mode) : backend
}

function isModeBackends(backend: EnvironmentBackend): backend is ModeBackends {
  return typeof (backend as Partial<ModeBackends>).forMode === 'function'
}

export function createModeBackends(options: {
  namespace: EnvironmentBackend
  /** Decides cluster mode's backend (probing for kind and Docker); called at most once. */
  cluster: () => Promise<EnvironmentBackend>
  /**
   * Whether cluster mode may own anything yet (its folder in the data dir exists). While not, the
   * reaper does not wake it: no probing, no `kind get clusters` every minute on a solo lab.
   */
  clusterInUse?: () => boolean
}): ModeBackends {
  let cluster: EnvironmentBackend | undefined
  let deciding: Promise<EnvironmentBackend> | undefined
  const forMode = (mode: CohortMode): Promise<EnvironmentBackend> => {
    if (mode === 'namespace') {
      return Promise.resolve(options.namespace)
    }
    deciding ??= options.cluster().then((b) => (cluster = b))
    return deciding
  }
  /** The backends a cohort's objects may be in: its mode's, or both when the mode is unknown (orphans). */
  const backendsOf = async (cohort: CohortNames): Promise<EnvironmentBackend[]> =>
    cohort.mode ? [await forMode(cohort.mode)] : [options.namespace, await forMode('cluster')]
  const one = (cohort: CohortNames) => forMode(cohort.mode ?? 'namespace')
  return {
    get live() {
      return options.namespace.live
    },
    get plannedReason() {
      return options.namespace.plannedReason
    },
    forMode,
    known: (mode) => (mode === 'namespace' ? options.namespace : cluster),
    async prepareShared(cohort) {
      await (await one(cohort)).prepareShared(cohort)
    },
    async provision(cohort, traineeId, progress) {
      await (await one(cohort)).provision(cohort, traineeId, progress)
    },
    cancel(cohort, traineeId) {
      for (const b of cohort.mode === 'cluster'
        ? [cluster]
        : cohort.mode
          ? [options.namespace]
          : [options.namespace, cluster]) {
        b?.cancel?.(cohort, traineeId)
      }
    },
    async destroy(cohort, traineeId) {
      await (await one(cohort)).destroy(cohort, traineeId)
    },
    async teardown(cohort) {
      for (const b of await backendsOf(cohort)) {
        await b.teardown(cohort)
      }
    },
    async leftovers(cohort) {
      const all = await Promise.all((await backendsOf(cohort)).map((b) => b.leftovers(cohort)))
      return all.flat()
    },
    async cohortsInCluster() {
      const clusterMode = cluster ?? (options.clusterInUse?.() === false ? undefined : await forMode('cluster'))
      const lists = await Promise.all([
        options.namespace.cohortsInCluster(),
        clusterMode ? clusterMode.cohortsInCluster() : [],
      ])
      return [...new Set(lists.flat())]
    },
  }
}

/**
 * A backend made on first use (the CLI: a cluster-mode cohort needs no class cluster, so a missing
 * kubeconfig is an error only when a namespace cohort's environments are touched).
 */
export function createLazyBackend(create: () => EnvironmentBackend): EnvironmentBackend {
  let made: EnvironmentBackend | undefined
  const get = () => (made ??= create())
  return {
    get live() {
      return get().live
    },
    get plannedReason() {
      try {
        return get().plannedReason
      } catch {
        return undefined
      }
    },
    prepareShared: (cohort) => get().prepareShared(cohort),
    provision: (cohort, traineeId, progress) => get().provision(cohort, traineeId, progress),
    cancel: (cohort, traineeId) => made?.cancel?.(cohort, traineeId),
    destroy: (cohort, traineeId) => get().destroy(cohort, traineeId),
    teardown: (cohort) => get().teardown(cohort),
    leftovers: (cohort) => get().leftovers(cohort),
    cohortsInCluster: () => get().cohortsInCluster(),
  }
}
