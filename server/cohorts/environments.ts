// The seam between cohorts and where trainee environments live: a cluster (namespaces applied for
// real), one kind cluster per trainee (cluster mode), or nothing (offline: the plan is computed
// and shown, never applied).
import type { ProgressEventDto } from '../protocol/api-dto.ts'
import type { CohortNames } from './plan/names.ts'
import { planCohortShared, planTrainee } from './plan/namespace-plan.ts'
import type { KubeObject, NamespacePlanOptions } from './plan/types.ts'

/** Told about each provisioning step of a build (cluster mode: kind, Istio, the shop, ...). */
export type ProgressReporter = (event: ProgressEventDto) => void

export interface EnvironmentBackend {
  /** False when environments are only planned (offline, or cluster mode on a machine without kind). */
  readonly live: boolean
  /** Why environments are only planned, when not live; shown with the cohort. */
  readonly plannedReason?: string
  /** Cohort-wide objects (admission policy, shared roles). Idempotent. */
  prepareShared(cohort: CohortNames): Promise<void>
  /** Builds one trainee's environment and waits until its workspace is ready. Idempotent. */
  provision(cohort: CohortNames, traineeId: string, progress?: ProgressReporter): Promise<void>
  /** Stops builds in progress (of one trainee, or the whole cohort) before a reset or teardown. */
  cancel?(cohort: CohortNames, traineeId?: string): void
  /** Removes one trainee's environment (reset). */
  destroy(cohort: CohortNames, traineeId: string): Promise<void>
  /** Removes everything of the cohort. */
  teardown(cohort: CohortNames): Promise<void>
  /** What is still in the cluster for the cohort, as `Kind ns/name` strings. */
  leftovers(cohort: CohortNames): Promise<string[]>
  /** Cohort names that own objects in the cluster. */
  cohortsInCluster(): Promise<string[]>
}

/** Objects a trainee's environment consists of (for the "planned only" view). */
export function plannedObjects(
  cohort: CohortNames,
  traineeId: string,
  options: NamespacePlanOptions = {},
): KubeObject[] {
  return planTrainee(cohort, traineeId, options).objects
}

/** Offline: nothing is applied; every environment is "ready" at once, as a plan. */
export function createPlannedOnlyBackend(options: NamespacePlanOptions & { reason?: string } = {}): EnvironmentBackend {
  return {
    live: false,
    ...(options.reason ? { plannedReason: options.reason } : {}),
    async prepareShared(cohort) {
      planCohortShared(cohort, options)
    },
    async provision(cohort, traineeId) {
      planTrainee(cohort, traineeId, options)
    },
    async destroy() {},
    async teardown() {},
    async leftovers() {
      return []
    },
    async cohortsInCluster() {
      return []
    },
  }
}
