// What the instructor's "plan" view shows for a cohort: namespace mode, the cohort-wide objects
// and one trainee's; cluster mode, each trainee's real `kindlab up` plan (the steps the executors
// run, as `kindlab up --dry-run` prints them) with the cluster's name, kubeconfig and host ports.
import { loadBlueprint, type Blueprint } from '../provision/blueprint.ts'
import { planText } from '../provision/plan-text.ts'
import type { CohortRecord, SeatRecord } from '../store/cohorts-repo.ts'
import { cohortPortBlock } from './cluster/kind-environments.ts'
import type { EnvironmentBackend } from './environments.ts'
import { knownBackendForMode } from './mode-router.ts'
import { planTraineeCluster } from './plan/cluster-plan.ts'
import { planCohortShared, planTrainee } from './plan/namespace-plan.ts'
import type { KubeObject, TraineePlan } from './plan/types.ts'

export interface TraineeClusterView {
  traineeId: string
  clusterName: string
  context: string
  kubeconfigPath: string
  hostPorts: Array<{ servicePort: number; hostPort: number }>
  steps: Array<{ id: string; title: string }>
  /** The plan as `kindlab up --dry-run` prints it. */
  text: string[]
}

export type CohortPlanView = { live: boolean; plannedReason?: string } & (
  | { plan: { mode: 'namespace'; shared: KubeObject[]; example: TraineePlan } }
  | { plan: { mode: 'cluster'; clusters: TraineeClusterView[] } }
)

export async function cohortPlanView(
  cohort: CohortRecord,
  seats: readonly SeatRecord[],
  backend: EnvironmentBackend,
  dataDir: string,
  blueprint: () => Promise<Blueprint> = loadBlueprint,
): Promise<CohortPlanView> {
  const environments = knownBackendForMode(backend, cohort.mode)
  const live = !cohort.offline && (environments?.live ?? false)
  const reason = live ? undefined : environments?.plannedReason
  const head = { live, ...(reason ? { plannedReason: reason } : {}) }
  if (cohort.mode !== 'cluster') {
    return {
      ...head,
      plan: {
        mode: 'namespace',
        shared: planCohortShared(cohort),
        example: planTrainee(cohort, seats[0]?.traineeId ?? 'trainee01'),
      },
    }
  }
  const bp = await blueprint()
  const block = await cohortPortBlock(dataDir, cohort, false)
  const clusters = seats.map((s) => {
    const t = planTraineeCluster(bp, cohort, s.traineeId, { dataDir, block })
    return {
      traineeId: t.traineeId,
      clusterName: t.clusterName,
      context: t.context,
      kubeconfigPath: t.kubeconfigPath,
      hostPorts: t.hostPorts,
      steps: t.plan.steps.map((step) => ({ id: step.id, title: step.title })),
      text: planText(t.plan),
    }
  })
  return { ...head, plan: { mode: 'cluster', clusters } }
}
