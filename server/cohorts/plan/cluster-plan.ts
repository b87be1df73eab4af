// Pure: the cluster-mode plan: one kind cluster per trainee, for small classes. Produces each
// cluster's kind config and the commands that build it; nothing here runs them (the kind adapter
// does, on a machine with Docker).
import { traineeDomain, type CohortNames } from './names.ts'

export interface TraineeClusterPlan {
  traineeId: string
  clusterName: string
  domain: string
  /** Host port of the cluster's ingress (80 → 8000 + slot, so clusters do not collide). */
  httpPort: number
  kindConfig: Record<string, unknown>
  /** argv arrays, in order. */
  commands: string[][]
}

export interface ClusterModePlan {
  mode: 'cluster'
  clusters: TraineeClusterPlan[]
}

/** Beyond this many trainees one laptop cannot hold a kind cluster each. */
export const CLUSTER_MODE_MAX_TRAINEES = 8

export function planClusterCohort(
  cohort: CohortNames,
  trainees: ReadonlyArray<{ id: string; slot: number }>,
  profile = 'istio-minimal',
): ClusterModePlan {
  return {
    mode: 'cluster',
    clusters: trainees.map(({ id, slot }) => {
      const clusterName = `kl-${cohort.name}-${id}`.slice(0, 40)
      const httpPort = 8000 + slot
      const context = `kind-${clusterName}`
      return {
        traineeId: id,
        clusterName,
        domain: traineeDomain(cohort, id),
        httpPort,
        kindConfig: {
          kind: 'Cluster',
          apiVersion: 'kind.x-k8s.io/v1alpha4',
          name: clusterName,
          nodes: [
            {
              role: 'control-plane',
              extraPortMappings: [{ containerPort: 30080, hostPort: httpPort, listenAddress: '127.0.0.1' }],
            },
          ],
        },
        commands: [
          [
            'kind',
            'create',
            'cluster',
            '--name',
            clusterName,
            '--config',
            `${clusterName}.kind.yaml`,
            '--wait',
            '120s',
          ],
          ['istioctl', 'install', '-y', '--context', context, '-f', `clusters/${profile}/istio.yaml`],
          ['kubectl', '--context', context, 'label', 'namespace', 'default', 'istio-injection=enabled', '--overwrite'],
          ['kubectl', '--context', context, 'apply', '-k', `clusters/${profile}/shop`],
        ],
      }
    }),
  }
}
